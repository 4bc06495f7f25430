// Replays the WAL segments of one shard into a small in-memory cache, the way influxd rebuilds
// its cache on open: write entries add values (a later write of the same key and time wins),
// delete-range entries remove the values of their keys in [min, max], legacy delete entries
// remove whole keys. The cache is bounded by the shard's WAL, which holds only what has not been
// snapshotted to TSM yet. A segment that cannot be read to its end keeps the entries before the
// bad one, as influxd's replay does, and the problem is reported to the caller.

import type { FieldType, Values } from '../lineprotocol/index.js'
import { compareKeys } from '../engine/index.js'
import { concatValues, excludeTimeRanges, sortLastWins } from '../tsm/index.js'
import { WALSegmentReader } from '../wal/index.js'

/** A segment that could not be read to its end (or at all). */
export interface WALSegmentProblem {
  readonly path: string
  /** Byte offset of the first entry that could not be read (0 when the file did not open). */
  readonly offset: number
  readonly error: Error
}

/** Values of a key whose type differs from the type the cache already holds for it. */
export interface WALTypeConflict {
  readonly path: string
  readonly offset: number
  readonly key: string
  readonly expected: FieldType
  readonly found: FieldType
}

/** A replayed shard WAL: every key's values sorted by time, and what went wrong. */
export interface WALCache {
  /** TSM keys (series key + `#!~#` + field) in ascending byte order. */
  readonly keys: readonly string[]
  /** Each key's values, sorted by time, one value per time, deletes applied. Never empty. */
  readonly values: ReadonlyMap<string, Values>
  readonly problems: readonly WALSegmentProblem[]
  readonly typeConflicts: readonly WALTypeConflict[]
  /** Number of values held. */
  readonly pointCount: number
}

interface Pending {
  readonly kind: FieldType
  parts: Values[]
}

/**
 * Reads `segmentPaths` (in the order given: lowest segment ID first) and applies their entries.
 * I/O errors other than a corrupt or unreadable segment reject.
 */
export async function loadWALCache(segmentPaths: readonly string[]): Promise<WALCache> {
  const pending = new Map<string, Pending>()
  const problems: WALSegmentProblem[] = []
  const typeConflicts: WALTypeConflict[] = []
  for (const path of segmentPaths) {
    const reader = new WALSegmentReader(path)
    try {
      await reader.open()
    } catch (err) {
      problems.push({ path, offset: 0, error: err instanceof Error ? err : new Error(String(err)) })
      continue
    }
    try {
      for await (const { entry, offset } of reader) {
        switch (entry.kind) {
          case 'write':
            for (const [key, v] of entry.values) {
              if (v.times.length === 0) continue
              const p = pending.get(key)
              if (p === undefined) pending.set(key, { kind: v.kind, parts: [v] })
              else if (p.kind === v.kind) p.parts.push(v)
              else typeConflicts.push({ path, offset, key, expected: p.kind, found: v.kind })
            }
            break
          case 'delete':
            for (const key of entry.keys) pending.delete(key)
            break
          case 'delete-range': {
            const range = [{ min: entry.min, max: entry.max }]
            for (const key of entry.keys) {
              const p = pending.get(key)
              if (p === undefined) continue
              p.parts = p.parts.map((v) => excludeTimeRanges(sortLastWins(v), range))
              p.parts = p.parts.filter((v) => v.times.length > 0)
              if (p.parts.length === 0) pending.delete(key)
            }
            break
          }
          default: {
            const never: never = entry
            throw new Error(`unknown WAL entry ${String(never)}`)
          }
        }
      }
      const bad = reader.corruption
      if (bad !== undefined) problems.push({ path, offset: bad.offset, error: bad })
    } finally {
      await reader.close()
    }
  }
  const keys = [...pending.keys()].sort(compareKeys)
  const values = new Map<string, Values>()
  let pointCount = 0
  for (const key of keys) {
    const p = pending.get(key)
    if (p === undefined) continue
    const v = sortLastWins(concatValues(p.kind, p.parts))
    pending.delete(key)
    values.set(key, v)
    pointCount += v.times.length
  }
  return { keys, values, problems, typeConflicts, pointCount }
}

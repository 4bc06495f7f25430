// Compaction: planning which TSM files to merge (InfluxDB's levels) and merging them into new
// files. Levels follow spec/storage-formats.md §5: a generation's level is the sequence of its
// first file (1, 2, 3, 4+); 8 adjacent level-1 generations make a level-2 file, 4 level-2 a
// level-3, 4 level-3 a level-4; a full compaction (when the shard is cold, or to apply
// tombstones) merges everything. The output takes the highest input generation and that
// generation's highest sequence + 1, and is written to a temp name, fsynced and renamed.
//
// Memory is bounded by one key at a time: keys are merged in byte order; a key whose blocks do
// not overlap is streamed block by block (full blocks copied without decoding, small ones
// re-chunked to maxPointsPerBlock), and only a key whose blocks overlap across files is decoded
// whole and merged.

import { join } from 'node:path'
import { stat } from 'node:fs/promises'
import type { Values } from '../lineprotocol/index.js'
import {
  blockCount,
  decodeBlock,
  formatTSMFileName,
  tombstonePathFor,
  TSMWriter,
  type IndexEntry,
} from '../tsm/index.js'
import { compareKeys } from './cache.js'
import type { FileStore, TSMFile } from './file-store.js'
import { concat, mergeValues, sliceValues } from './values-buffer.js'

/** Files to merge, and the level the result will have. */
export interface CompactionPlan {
  readonly level: number
  readonly files: readonly TSMFile[]
}

/** Tunables of the planner and the merger. */
export interface CompactionOptions {
  readonly maxPointsPerBlock: number
  /** Roll to a new output file (next sequence) once a file passes this size. */
  readonly maxFileSizeBytes: number
}

const LEVEL_GROUP_SIZE = [0, 8, 4, 4] as const

interface Generation {
  readonly generation: number
  readonly level: number
  readonly files: TSMFile[]
}

function generations(files: readonly TSMFile[]): Generation[] {
  const byGen = new Map<number, TSMFile[]>()
  for (const f of files) {
    const list = byGen.get(f.id.generation) ?? []
    list.push(f)
    byGen.set(f.id.generation, list)
  }
  return [...byGen.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([generation, list]) => {
      list.sort((a, b) => a.id.sequence - b.id.sequence)
      return { generation, level: Math.min(4, list[0]?.id.sequence ?? 1), files: list }
    })
}

/**
 * Plans one level compaction: the lowest level (1–3) that has a run of enough adjacent
 * generations of that level. Returns undefined when there is nothing to do.
 */
export function planLevelCompaction(files: readonly TSMFile[]): CompactionPlan | undefined {
  const gens = generations(files)
  for (const level of [1, 2, 3] as const) {
    const need = LEVEL_GROUP_SIZE[level]
    let run: Generation[] = []
    for (const g of gens) {
      if (g.level === level) {
        run.push(g)
        if (run.length === need) return { level: level + 1, files: run.flatMap((r) => r.files) }
      } else {
        run = []
      }
    }
  }
  return undefined
}

/**
 * Plans a full compaction of every file, when there is more than one generation or any file has
 * deletions to apply. `hasTombstones` tells whether a file has a tombstone file.
 */
export function planFullCompaction(
  files: readonly TSMFile[],
  hasTombstones: (f: TSMFile) => boolean,
): CompactionPlan | undefined {
  const gens = generations(files)
  if (gens.length === 0) return undefined
  if (gens.length === 1 && (gens[0]?.files.length ?? 0) === 1 && !files.some(hasTombstones))
    return undefined
  return { level: 4, files }
}

/** True when the TSM file has a non-empty tombstone file beside it. */
export async function hasTombstoneFile(f: TSMFile): Promise<boolean> {
  try {
    return (await stat(tombstonePathFor(f.path))).size > 0
  } catch {
    return false
  }
}

/**
 * Merges the plan's files into new files in `dir`; returns their paths (durable, final names).
 * Nothing is written under a final name until that file is complete. Values deleted by
 * tombstones are dropped. An empty result (everything deleted) returns no paths.
 */
export async function compact(
  store: FileStore,
  plan: CompactionPlan,
  options: CompactionOptions,
): Promise<string[]> {
  const files = plan.files
  const generation = Math.max(...files.map((f) => f.id.generation))
  let sequence =
    Math.max(...files.filter((f) => f.id.generation === generation).map((f) => f.id.sequence)) + 1
  const outputs: string[] = []
  let writer: TSMWriter | undefined
  const next = async (): Promise<TSMWriter> => {
    const path = join(store.dir, formatTSMFileName(generation, sequence++))
    return TSMWriter.create(path, { maxPointsPerBlock: options.maxPointsPerBlock })
  }
  try {
    const keys = new Set<string>()
    for (const f of files) for (const k of f.reader.keys()) keys.add(k)
    for (const key of [...keys].sort(compareKeys)) {
      if (writer !== undefined && writer.size >= options.maxFileSizeBytes && writer.keyCount > 0) {
        await writer.finish()
        outputs.push(writer.path)
        writer = undefined
      }
      writer ??= await next()
      await mergeKey(writer, key, files, options.maxPointsPerBlock)
    }
    if (writer !== undefined) {
      if (writer.keyCount > 0) {
        await writer.finish()
        outputs.push(writer.path)
      } else {
        await writer.abort()
      }
      writer = undefined
    }
    return outputs
  } catch (err) {
    await writer?.abort()
    throw err
  }
}

async function mergeKey(
  writer: TSMWriter,
  key: string,
  files: readonly TSMFile[],
  maxPoints: number,
): Promise<void> {
  // Collect the key's blocks in file order (oldest first), noting whether any tombstone applies.
  const blocks: { file: TSMFile; entry: IndexEntry }[] = []
  let deletions = false
  for (const f of files) {
    if (!f.reader.hasKey(key)) continue
    if (f.reader.tombstoneRanges(key).length > 0) deletions = true
    for (const entry of f.reader.entries(key)) blocks.push({ file: f, entry })
  }
  if (blocks.length === 0) return
  const sorted = blocks
    .slice()
    .sort((a, b) =>
      a.entry.minTime < b.entry.minTime ? -1 : a.entry.minTime > b.entry.minTime ? 1 : 0,
    )
  let overlap = false
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i]?.entry.minTime ?? 0n) <= (sorted[i - 1]?.entry.maxTime ?? 0n)) overlap = true
  }
  if (overlap || deletions) {
    // Decode everything of this key and merge with file precedence (tombstones applied by readAll).
    const parts: Values[] = []
    for (const f of files) {
      const v = f.reader.hasKey(key) ? await f.reader.readAll(key) : undefined
      if (v !== undefined && v.times.length > 0) parts.push(v)
    }
    const first = parts[0]
    if (first !== undefined) await writer.write(key, mergeValues(first.kind, parts))
    return
  }
  // Non-overlapping: copy full blocks as they are, re-chunk the small ones.
  let pending: Values | undefined
  const flushFull = async (): Promise<void> => {
    while (pending !== undefined && pending.times.length >= maxPoints) {
      await writer.write(key, sliceValues(pending, 0, maxPoints))
      pending =
        pending.times.length === maxPoints
          ? undefined
          : sliceValues(pending, maxPoints, pending.times.length)
    }
  }
  for (const { file, entry } of sorted) {
    const data = await file.reader.readBlock(entry)
    if (pending === undefined && blockCount(data) >= maxPoints) {
      await writer.writeBlock(key, entry.minTime, entry.maxTime, data)
      continue
    }
    const v = decodeBlock(data)
    pending = pending === undefined ? v : concat(pending, v)
    await flushFull()
  }
  if (pending !== undefined && pending.times.length > 0) await writer.write(key, pending)
}

// The write-ahead log of one shard: a directory of numbered segment files
// (`<wal-dir>/<db>/<rp>/<shard id>/_00001.wal`, …). Writes append to the last segment with group
// commit and are acknowledged only once fsynced. A new segment starts when the current one has
// grown past maxSegmentSizeBytes (checked before each write, so a segment may exceed it by one
// group) and whenever the cache snapshot rolls the log. Replay reads every segment in id order,
// truncates a corrupt tail to the last good entry (as InfluxDB does) and reports it as a warning.

import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Values } from '../lineprotocol/index.js'
import { NotOpenError, fsyncDir } from '../util/index.js'
import { WALStateError, type WALCorruptError } from './errors.js'
import { parseSegmentFileName, segmentFileName } from './segment-name.js'
import { encodeEntry } from './wal-entry-codec.js'
import type { WALEntry } from './wal-entry.js'
import { WALSegmentReader } from './wal-segment-reader.js'
import { WALSegmentWriter } from './wal-segment-writer.js'

/** The default segment size limit, 10 MiB, as in InfluxDB. */
export const DEFAULT_MAX_SEGMENT_SIZE_BYTES = 10 * 1024 * 1024

/** Options for a WAL. */
export interface WALOptions {
  /** Start a new segment before a write when the current one is larger (default 10 MiB). */
  readonly maxSegmentSizeBytes?: number
}

/** Where a replayed entry was found. */
export interface WALEntryPosition {
  readonly segmentID: number
  /** Byte offset of the entry in its segment. */
  readonly offset: number
}

/** Called by replay for every entry, in log order; a returned promise is awaited. */
export type WALReplayHandler = (entry: WALEntry, position: WALEntryPosition) => void | Promise<void>

/** A corrupt segment tail that replay cut off. */
export interface WALReplayWarning {
  readonly code: 'ERR_WAL_CORRUPT'
  readonly path: string
  /** The end of the last good entry: the segment's size after truncation. */
  readonly offset: number
  /** Bytes removed from the end of the segment. */
  readonly truncatedBytes: number
  readonly reason: string
  readonly error: WALCorruptError
}

/** What replay read. */
export interface WALReplayResult {
  readonly segments: number
  readonly entries: number
  readonly warnings: readonly WALReplayWarning[]
}

/** The life-cycle state of a WAL. */
export type WALStatus = 'new' | 'open' | 'closing' | 'closed'

/** The WAL directory of a shard: `<walDir>/<db>/<rp>/<shardID>`. */
export function shardWALDir(
  walDir: string,
  db: string,
  rp: string,
  shardID: number | bigint,
): string {
  return join(walDir, db, rp, String(shardID))
}

/**
 * The write-ahead log of one shard. `await open()`, then `replay()` once to load the cache (it
 * must come before the first write), then write. Writes, deletes, rollSegment and removeSegments
 * may be called concurrently; they take effect in call order. `close()` is idempotent and waits for
 * queued writes; afterwards every method throws NotOpenError.
 */
export class WAL {
  /** The shard's WAL directory. */
  readonly dir: string
  readonly #maxSegmentSizeBytes: number
  #status: WALStatus = 'new'
  /** Ids of the segment files that exist, ascending. */
  #ids: number[] = []
  /** The highest id used so far (also counts a removed empty last segment). */
  #lastID = 0
  #writer: WALSegmentWriter | undefined
  #writerID = 0
  /** The last segment, once replay has checked and trimmed it, may be appended to. */
  #appendableID: number | undefined
  #hasWritten = false
  #tail: Promise<unknown> = Promise.resolve()
  #opening: Promise<void> | undefined
  #closing: Promise<void> | undefined

  constructor(dir: string, options: WALOptions = {}) {
    this.dir = dir
    this.#maxSegmentSizeBytes = options.maxSegmentSizeBytes ?? DEFAULT_MAX_SEGMENT_SIZE_BYTES
  }

  /** The life-cycle state. */
  get status(): WALStatus {
    return this.#status
  }

  /**
   * Creates the directory if needed and lists the segments. An empty last segment is removed
   * (its id is not reused). Segments are not read until replay().
   */
  open(): Promise<void> {
    if (this.#opening === undefined) {
      this.#opening = this.#open().catch((err: unknown) => {
        this.#opening = undefined
        throw err
      })
    }
    return this.#opening
  }

  async #open(): Promise<void> {
    if (this.#status !== 'new') return
    await mkdir(this.dir, { recursive: true })
    const ids: number[] = []
    for (const name of await readdir(this.dir)) {
      const id = parseSegmentFileName(name)
      if (id !== undefined) ids.push(id)
    }
    ids.sort((a, b) => a - b)
    const last = ids[ids.length - 1]
    if (last !== undefined) {
      this.#lastID = last
      const path = this.#path(last)
      if ((await stat(path)).size === 0) {
        await unlink(path)
        await fsyncDir(this.dir)
        ids.pop()
      }
    }
    this.#ids = ids
    this.#status = 'open'
  }

  /** Ids of the segment files, ascending (including the one being written). */
  segmentIDs(): readonly number[] {
    this.#assertOpen()
    return [...this.#ids]
  }

  /** The id of the segment being written, or undefined before the first write or roll. */
  get currentSegmentID(): number | undefined {
    return this.#writer === undefined ? undefined : this.#writerID
  }

  /**
   * Reads every segment in id order and calls `onEntry` for each entry. A segment whose entry
   * cannot be read is truncated to the end of its last good entry (fsynced), reported in
   * `warnings`, and replay continues with the next segment. Must run before the first write;
   * throws WALStateError otherwise. An error thrown by `onEntry` stops replay and is rethrown.
   */
  async replay(onEntry: WALReplayHandler): Promise<WALReplayResult> {
    this.#assertOpen()
    return this.#exclusive(async () => {
      this.#assertOpen()
      if (this.#hasWritten || this.#writer !== undefined) {
        throw new WALStateError('replay', 'the log has already been written to', this.dir)
      }
      const warnings: WALReplayWarning[] = []
      let entries = 0
      for (const segmentID of this.#ids) {
        const reader = new WALSegmentReader(this.#path(segmentID))
        await reader.open()
        try {
          for (;;) {
            const rec = await reader.next()
            if (rec === undefined) break
            entries++
            const r = onEntry(rec.entry, { segmentID, offset: rec.offset })
            if (r !== undefined) await r
          }
        } finally {
          await reader.close()
        }
        const corruption = reader.corruption
        if (corruption !== undefined) {
          await truncateDurably(reader.path, reader.validSize)
          warnings.push({
            code: 'ERR_WAL_CORRUPT',
            path: reader.path,
            offset: reader.validSize,
            truncatedBytes: reader.fileSize - reader.validSize,
            reason: corruption.reason,
            error: corruption,
          })
        }
      }
      this.#appendableID = this.#ids[this.#ids.length - 1]
      return { segments: this.#ids.length, entries, warnings }
    })
  }

  /**
   * Appends a write entry and resolves, with the id of the segment written, once it is fsynced.
   * Series with no values are skipped; when nothing is left, nothing is written and 0 is returned.
   */
  async writeValues(values: ReadonlyMap<string, Values>): Promise<number> {
    this.#assertOpen()
    for (const v of values.values()) {
      if (v.times.length > 0) return this.#write({ kind: 'write', values })
    }
    return 0
  }

  /**
   * Appends a delete-range entry (min and max inclusive, in ns) and resolves with its segment id
   * once fsynced; with no keys nothing is written and 0 is returned.
   */
  async deleteRange(keys: readonly string[], min: bigint, max: bigint): Promise<number> {
    this.#assertOpen()
    if (keys.length === 0) return 0
    return this.#write({ kind: 'delete-range', keys, min, max })
  }

  /** Appends a legacy whole-series delete entry; no keys writes nothing and returns 0. */
  async delete(keys: readonly string[]): Promise<number> {
    this.#assertOpen()
    if (keys.length === 0) return 0
    return this.#write({ kind: 'delete', keys })
  }

  /**
   * Closes the current segment and starts a new, empty one (unless the current one is still
   * empty). Returns the ids of all closed segments (every segment but the new current one): the
   * cache snapshot covers them and may remove them once its TSM file is durable.
   */
  async rollSegment(): Promise<number[]> {
    this.#assertOpen()
    return this.#exclusive(async () => {
      this.#assertOpen()
      const w = this.#writer
      if (w === undefined || w.size > 0 || w.failure !== undefined) await this.#startSegment()
      return this.#ids.filter((id) => id !== this.#writerID)
    })
  }

  /**
   * Deletes closed segments (after their data is durable in TSM) and fsyncs the directory. Ids that
   * no longer exist are ignored; the current segment cannot be removed (WALStateError).
   */
  async removeSegments(ids: readonly number[]): Promise<void> {
    this.#assertOpen()
    return this.#exclusive(async () => {
      this.#assertOpen()
      if (this.#writer !== undefined && ids.includes(this.#writerID)) {
        const reason = `segment ${this.#writerID} is being written`
        throw new WALStateError('remove segments', reason, this.dir)
      }
      const gone = new Set(ids)
      for (const id of this.#ids) {
        if (!gone.has(id)) continue
        try {
          await unlink(this.#path(id))
        } catch (err) {
          if (!isNotFound(err)) throw err
        }
      }
      this.#ids = this.#ids.filter((id) => !gone.has(id))
      if (this.#appendableID !== undefined && gone.has(this.#appendableID)) {
        this.#appendableID = undefined
      }
      await fsyncDir(this.dir)
    })
  }

  /** Waits for queued writes and closes the current segment. Idempotent. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      if (this.#status === 'new') {
        this.#status = 'closed'
        this.#closing = Promise.resolve()
        return this.#closing
      }
      this.#status = 'closing'
      this.#closing = this.#exclusive(async () => {
        const w = this.#writer
        this.#writer = undefined
        this.#status = 'closed'
        if (w !== undefined) await w.close()
      })
    }
    return this.#closing
  }

  #assertOpen(): void {
    if (this.#status !== 'open') throw new NotOpenError(`WAL ${this.dir}`)
  }

  #path(id: number): string {
    return join(this.dir, segmentFileName(id))
  }

  /** Runs `fn` after every earlier exclusive operation has finished (a FIFO lock). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn)
    this.#tail = run.catch(() => undefined)
    return run
  }

  /**
   * Encodes `entry` now (so invalid entries fail before any I/O), queues it on the current
   * segment under the lock, and resolves with the segment id once it is fsynced. Only queueing
   * holds the lock, so writes arriving during an fsync are committed together.
   */
  async #write(entry: WALEntry): Promise<number> {
    this.#assertOpen()
    const framed = encodeEntry(entry)
    const { id, done } = await this.#exclusive(async () => {
      if (this.#status === 'closed') throw new NotOpenError(`WAL ${this.dir}`)
      const w = await this.#writerForAppend()
      this.#hasWritten = true
      return { id: this.#writerID, done: w.appendFramed(framed) }
    })
    await done
    return id
  }

  /** The writer to append to, rolling or opening a segment as needed. Called under the lock. */
  async #writerForAppend(): Promise<WALSegmentWriter> {
    const w = this.#writer
    if (w !== undefined && w.failure === undefined && w.size <= this.#maxSegmentSizeBytes) return w
    if (w === undefined && this.#appendableID !== undefined) {
      // Continue the last segment only after replay has checked it: appending after a torn tail
      // would hide the new entries behind the corruption at the next replay.
      const id = this.#appendableID
      this.#appendableID = undefined
      const path = this.#path(id)
      if ((await stat(path)).size <= this.#maxSegmentSizeBytes) {
        const reopened = new WALSegmentWriter(path)
        await reopened.open()
        this.#writer = reopened
        this.#writerID = id
        return reopened
      }
    }
    return this.#startSegment()
  }

  /** Closes the current writer (waiting for its queued appends) and creates the next segment. */
  async #startSegment(): Promise<WALSegmentWriter> {
    const old = this.#writer
    this.#writer = undefined
    this.#appendableID = undefined
    if (old !== undefined) await old.close()
    const id = this.#lastID + 1
    const next = new WALSegmentWriter(this.#path(id))
    await next.open()
    this.#lastID = id
    this.#ids.push(id)
    this.#writer = next
    this.#writerID = id
    return next
  }
}

/** Cuts `path` to `size` bytes and fsyncs it, so the cut survives a crash. */
async function truncateDurably(path: string, size: number): Promise<void> {
  const fh = await open(path, 'r+')
  try {
    await fh.truncate(size)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT'
}

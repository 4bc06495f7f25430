// Reads the TSM files of one shard as one sorted stream of (key, values) chunks, the way a query
// sees them: keys in ascending byte order across all files, each key's values in time order,
// tombstoned points left out, and where files (or blocks of one file) overlap in time, the later
// file — higher generation/sequence — wins on equal timestamps, as in influxd's KeyCursor.
//
// Memory: one block at a time per key, except for blocks that overlap in time, which are
// decoded together (an overlap is rare: a rewrite of old points before compaction merged it).
// A file that cannot be opened, or a block that cannot be read, is reported through `onError`
// and left out; everything else is still read.

import type { Values } from '../lineprotocol/index.js'
import { compareKeys } from '../engine/index.js'
import {
  concatValues,
  decodeBlock,
  excludeTimeRanges,
  fieldTypeOfBlock,
  sortLastWins,
  TSMReader,
} from '../tsm/index.js'
import type { IndexEntry, TimeRange } from '../tsm/index.js'
import { BlockSource } from './inspect-block-source.js'

/** A file or block that could not be read. `offset` is the block's (undefined: whole file). */
export interface TSMReadProblem {
  readonly path: string
  readonly key?: string | undefined
  readonly offset?: number | undefined
  readonly error: Error
}

/** Values of one key, sorted by time; a key may come as several chunks in ascending time. */
export interface KeyChunk {
  readonly key: string
  readonly values: Values
}

interface Block {
  /** Precedence: index of the file in oldest-first order, then position within the file. */
  readonly file: number
  readonly seq: number
  readonly entry: IndexEntry
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

/** The TSM files of one shard, opened together. Close with close(). Not for concurrent use. */
export class ShardTSM {
  readonly #readers: readonly TSMReader[]
  /** Read-ahead block access, one per reader. */
  readonly #sources: readonly BlockSource[]
  readonly #onError: (problem: TSMReadProblem) => void

  private constructor(
    readers: TSMReader[],
    sources: BlockSource[],
    onError: (problem: TSMReadProblem) => void,
  ) {
    this.#readers = readers
    this.#sources = sources
    this.#onError = onError
  }

  /**
   * Opens `paths` (oldest first) with their tombstones. Files that fail to open are reported to
   * `onError` and skipped; files whose whole time range lies outside `range` are closed again.
   */
  static async open(
    paths: readonly string[],
    onError: (problem: TSMReadProblem) => void,
    range?: TimeRange,
  ): Promise<ShardTSM> {
    const readers: TSMReader[] = []
    const sources: BlockSource[] = []
    for (const path of paths) {
      let reader: TSMReader
      try {
        reader = await TSMReader.open(path)
      } catch (err) {
        onError({ path, error: asError(err) })
        continue
      }
      if (range !== undefined && (reader.maxTime < range.min || reader.minTime > range.max)) {
        await reader.close()
        continue
      }
      try {
        sources.push(await BlockSource.open(path, reader.size, reader.indexSize))
      } catch (err) {
        await reader.close()
        onError({ path, error: asError(err) })
        continue
      }
      readers.push(reader)
    }
    return new ShardTSM(readers, sources, onError)
  }

  /** The open readers, oldest first. */
  get readers(): readonly TSMReader[] {
    return this.#readers
  }

  /** Visible keys across all files, ascending, each once. */
  *keys(): IterableIterator<string> {
    const its = this.#readers.map((r) => r.keys())
    const heads = its.map((it) => it.next())
    for (;;) {
      let min: string | undefined
      for (const h of heads) {
        if (h.done !== true && (min === undefined || compareKeys(h.value, min) < 0)) min = h.value
      }
      if (min === undefined) return
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]
        const it = its[i]
        if (h !== undefined && it !== undefined && h.done !== true && h.value === min)
          heads[i] = it.next()
      }
      yield min
    }
  }

  /**
   * Every key's values in [range.min, range.max] (blocks outside are not read; values of a block
   * that straddles the bounds are returned whole — the caller trims), in key order.
   */
  async *chunks(range: TimeRange): AsyncGenerator<KeyChunk> {
    for (const key of this.keys()) yield* this.keyChunks(key, range)
  }

  /** The values of one key as chunks in ascending time (see chunks()). */
  async *keyChunks(key: string, range: TimeRange): AsyncGenerator<KeyChunk> {
    const readers = this.#readers
    // The newest file that has the key decides its type; other types are shadowed (influxd
    // refuses to open a shard with such a conflict, so this only guards against damaged files).
    let type: number | undefined
    for (let f = readers.length - 1; f >= 0 && type === undefined; f--) type = readers[f]?.type(key)
    if (type === undefined) return
    const blocks: Block[] = []
    const tombstones: (readonly TimeRange[])[] = []
    for (let f = 0; f < readers.length; f++) {
      const r = readers[f]
      tombstones.push(r?.tombstoneRanges(key) ?? [])
      if (r === undefined || r.type(key) !== type) continue
      const ranges = tombstones[f] ?? []
      let seq = 0
      for (const entry of r.entries(key)) {
        seq++
        if (entry.maxTime < range.min || entry.minTime > range.max) continue
        if (ranges.some((t) => t.min <= entry.minTime && t.max >= entry.maxTime)) continue
        blocks.push({ file: f, seq, entry })
      }
    }
    blocks.sort((a, b) => {
      if (a.entry.minTime !== b.entry.minTime) return a.entry.minTime < b.entry.minTime ? -1 : 1
      return a.file - b.file || a.seq - b.seq
    })
    const kind = fieldTypeOfBlock(type)
    let i = 0
    while (i < blocks.length) {
      // A run of blocks whose time ranges overlap (transitively) is merged; others stand alone.
      const first = blocks[i] as Block
      let end = i + 1
      let maxTime = first.entry.maxTime
      while (end < blocks.length && (blocks[end] as Block).entry.minTime <= maxTime) {
        const b = blocks[end] as Block
        if (b.entry.maxTime > maxTime) maxTime = b.entry.maxTime
        end++
      }
      const run = blocks.slice(i, end).sort((a, b) => a.file - b.file || a.seq - b.seq)
      i = end
      const parts: Values[] = []
      for (const b of run) {
        const v = await this.#readBlock(key, b, tombstones[b.file] ?? [])
        if (v !== undefined && v.times.length > 0) parts.push(v)
      }
      if (parts.length === 0) continue
      const values =
        parts.length === 1 ? (parts[0] as Values) : sortLastWins(concatValues(kind, parts))
      yield { key, values }
    }
  }

  async #readBlock(
    key: string,
    b: Block,
    ranges: readonly TimeRange[],
  ): Promise<Values | undefined> {
    const reader = this.#readers[b.file]
    const source = this.#sources[b.file]
    if (reader === undefined || source === undefined) return undefined
    try {
      const values = sortLastWins(decodeBlock(await source.read(b.entry)))
      const expected = fieldTypeOfBlock(reader.type(key) ?? 0)
      if (values.kind !== expected) {
        throw new Error(`block holds ${values.kind} values but the index says ${expected}`)
      }
      return ranges.length === 0 ? values : excludeTimeRanges(values, ranges)
    } catch (err) {
      this.#onError({ path: reader.path, key, offset: b.entry.offset, error: asError(err) })
      return undefined
    }
  }

  /** Closes every file. Idempotent. */
  async close(): Promise<void> {
    for (const r of this.#readers) await r.close()
    for (const s of this.#sources) await s.close()
  }
}

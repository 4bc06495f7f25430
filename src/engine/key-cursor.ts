// A cursor over one TSM key of one shard: its values in [min, max] in time order (ascending or
// descending), a bounded chunk at a time, merged from the TSM blocks of every file and the cache
// the way Shard.read merges them (a newer file wins over an older one on equal timestamps, a later
// block of one file over an earlier one, the cache over every file; tombstones applied). Only the
// blocks whose index time range overlaps [min, max] are read, and a block is read and decoded only
// when the merge reaches its first (last, descending) time, so memory holds the blocks that
// overlap the current time rather than the key. A run of values that no other source interleaves
// is handed out as a view of its block without copying.

import type { FieldType, Values } from '../lineprotocol/index.js'
import {
  decodeBlock,
  decodeBlockTimestamps,
  excludeTimeRanges,
  fieldTypeOfBlock,
  type IndexEntry,
  type TimeRange,
  TSMCorruptError,
  type TSMReader,
} from '../tsm/index.js'
import { crc32 } from '../util/index.js'
import { makeValues } from './values-buffer.js'

/** Options of a key cursor. */
export interface KeyCursorOptions {
  /** Time order of the values handed out (default ascending). */
  readonly ascending?: boolean
  /** At most this many values per `next()` (default 4096). */
  readonly chunkSize?: number
  /**
   * Decode only the timestamps of TSM blocks (for count()): the chunks' `values` are then
   * meaningless (empty for values from blocks) and must not be read. Default false.
   */
  readonly timesOnly?: boolean
}

/** A block waiting to be read: where it is and how it ranks. */
interface PendingBlock {
  readonly reader: TSMReader
  readonly entry: IndexEntry
  readonly blockType: number
  readonly ranges: readonly TimeRange[] | undefined
  readonly rank: number
}

/** Decoded values being merged: `pos` is the next index (counting down when descending). */
interface Source {
  readonly values: Values
  readonly rank: number
  pos: number
}

/** One run of consecutive values of a source: [start, end) in ascending index order. */
interface Piece {
  readonly values: Values
  readonly start: number
  readonly end: number
}

const DEFAULT_CHUNK = 4096
/** The values column of a timestamps-only block. */
const EMPTY_COLUMN = new Float64Array(0)
/** Adjacent blocks of one file are read together up to this many bytes. */
const SPAN_BYTES = 128 * 1024

/** Reads bytes of a TSM file by path (FileStore.readSpan). */
export type SpanReader = (path: string, offset: number, length: number) => Promise<Uint8Array>

/** The block data after its CRC, checked. */
function checkedBlock(raw: Uint8Array, path: string, offset: number): Uint8Array {
  const expected = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0)
  const data = raw.subarray(4)
  const found = crc32(data)
  if (expected !== found) {
    throw new TSMCorruptError(path, offset, 'block checksum mismatch', {
      expected: expected.toString(16).padStart(8, '0'),
      found: found.toString(16).padStart(8, '0'),
    })
  }
  return data
}

/** First index in [lo, hi) whose time is >= t (hi when none). */
export function lowerBound(times: BigInt64Array, t: bigint, lo = 0, hi = times.length): number {
  let a = lo
  let b = hi
  while (a < b) {
    const m = (a + b) >>> 1
    if ((times[m] ?? 0n) < t) a = m + 1
    else b = m
  }
  return a
}

/** First index in [lo, hi) whose time is > t (hi when none). */
export function upperBound(times: BigInt64Array, t: bigint, lo = 0, hi = times.length): number {
  let a = lo
  let b = hi
  while (a < b) {
    const m = (a + b) >>> 1
    if ((times[m] ?? 0n) <= t) a = m + 1
    else b = m
  }
  return a
}

function sliceOf(v: Values, start: number, end: number): Values {
  if (start === 0 && end === v.times.length) return v
  const times = v.times.subarray(start, end)
  if (v.kind === 'string') return makeValues(v.kind, times, v.values.slice(start, end))
  return makeValues(v.kind, times, v.values.subarray(start, end) as never)
}

/** Copies pieces into one Values, reversing each piece (and their order is already the output order) when descending. */
function gather(
  kind: FieldType,
  pieces: readonly Piece[],
  total: number,
  ascending: boolean,
  timesOnly: boolean,
): Values {
  const times = new BigInt64Array(total)
  let at = 0
  if (timesOnly) {
    for (const p of pieces) {
      if (ascending) times.set(p.values.times.subarray(p.start, p.end), at)
      else
        for (let i = p.end - 1, j = at; i >= p.start; i--, j++) times[j] = p.values.times[i] ?? 0n
      at += p.end - p.start
    }
    return makeValues(kind, times, EMPTY_COLUMN)
  }
  if (kind === 'string') {
    const out: string[] = new Array<string>(total)
    for (const p of pieces) {
      const src = p.values.values as readonly string[]
      if (ascending)
        for (let i = p.start; i < p.end; i++, at++) {
          times[at] = p.values.times[i] ?? 0n
          out[at] = src[i] ?? ''
        }
      else
        for (let i = p.end - 1; i >= p.start; i--, at++) {
          times[at] = p.values.times[i] ?? 0n
          out[at] = src[i] ?? ''
        }
    }
    return makeValues(kind, times, out)
  }
  const first = pieces[0]?.values.values as
    Float64Array | BigInt64Array | BigUint64Array | Uint8Array | undefined
  const ctor = (first?.constructor ?? Float64Array) as new (n: number) => Float64Array
  const out = new ctor(total)
  for (const p of pieces) {
    const src = p.values.values as unknown as Float64Array
    if (ascending) {
      times.set(p.values.times.subarray(p.start, p.end), at)
      out.set(src.subarray(p.start, p.end), at)
      at += p.end - p.start
    } else {
      for (let i = p.end - 1; i >= p.start; i--, at++) {
        times[at] = p.values.times[i] ?? 0n
        out[at] = src[i] ?? 0
      }
    }
  }
  return makeValues(kind, times, out as never)
}

/**
 * Values of one key in time order, chunk by chunk. Create with `Shard.cursor()`; call `close()`
 * when done (reading to the end closes it too) so that the TSM files it holds can be retired.
 */
export class KeyCursor implements AsyncIterable<Values> {
  readonly key: string
  readonly ascending: boolean
  readonly chunkSize: number
  readonly #min: bigint
  readonly #max: bigint
  readonly #pending: PendingBlock[]
  #next = 0
  readonly #active: Source[] = []
  #release: (() => Promise<void>) | undefined
  readonly #readSpan: SpanReader | undefined
  readonly #timesOnly: boolean
  /** Blocks read ahead with an earlier block of the same run, by pending index. */
  readonly #prefetched = new Map<number, Uint8Array>()
  /** Blocks read and decoded so far (for EXPLAIN-like statistics and tests). */
  blocksRead = 0

  /**
   * `files` are the shard's acquired TSM files, oldest first; `cache` the key's cached values
   * (sorted, de-duplicated) or undefined; `release` gives the files back.
   */
  constructor(
    key: string,
    min: bigint,
    max: bigint,
    files: readonly TSMReader[],
    cache: Values | undefined,
    release: () => Promise<void>,
    options: KeyCursorOptions = {},
    readSpan?: SpanReader,
  ) {
    this.#readSpan = readSpan
    this.#timesOnly = options.timesOnly ?? false
    this.key = key
    this.ascending = options.ascending ?? true
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK)
    this.#min = min
    this.#max = max
    this.#release = release
    const pending: PendingBlock[] = []
    let rank = 0
    for (const reader of files) {
      const blockType = reader.type(key)
      if (blockType === undefined) continue
      const tomb = reader.tombstoneRanges(key)
      const ranges = tomb.length > 0 ? tomb : undefined
      const entries = reader.entries(key)
      for (const entry of entries) {
        rank++
        if (entry.maxTime < min || entry.minTime > max) continue
        if (
          ranges !== undefined &&
          ranges.some((r) => r.min <= entry.minTime && r.max >= entry.maxTime)
        )
          continue
        pending.push({ reader, entry, blockType, ranges, rank })
      }
    }
    if (this.ascending)
      pending.sort((a, b) =>
        a.entry.minTime < b.entry.minTime
          ? -1
          : a.entry.minTime > b.entry.minTime
            ? 1
            : a.rank - b.rank,
      )
    else
      pending.sort((a, b) =>
        a.entry.maxTime > b.entry.maxTime
          ? -1
          : a.entry.maxTime < b.entry.maxTime
            ? 1
            : a.rank - b.rank,
      )
    this.#pending = pending
    if (cache !== undefined) this.#addSource(cache, Number.MAX_SAFE_INTEGER)
  }

  /** Blocks overlapping [min, max] that the cursor will read (or has read). */
  get blockCount(): number {
    return this.#pending.length
  }

  #addSource(v: Values, rank: number): void {
    const lo = lowerBound(v.times, this.#min)
    const hi = upperBound(v.times, this.#max, lo)
    if (lo >= hi) return
    const values = sliceOf(v, lo, hi)
    this.#active.push({ values, rank, pos: this.ascending ? 0 : values.times.length - 1 })
  }

  /** Reads pending block `at`, with the adjacent blocks of the same file that follow it. */
  async #read(at: number): Promise<Uint8Array> {
    const ahead = this.#prefetched.get(at)
    if (ahead !== undefined) {
      this.#prefetched.delete(at)
      return ahead
    }
    const b = this.#pending[at] as PendingBlock
    let end = at + 1
    let bytes = b.entry.size
    if (this.#readSpan !== undefined) {
      for (;;) {
        const prev = this.#pending[end - 1] as PendingBlock
        const p = this.#pending[end]
        if (
          p === undefined ||
          p.reader !== b.reader ||
          p.entry.offset !== prev.entry.offset + prev.entry.size ||
          bytes + p.entry.size > SPAN_BYTES
        )
          break
        bytes += p.entry.size
        end++
      }
    }
    if (end === at + 1 || this.#readSpan === undefined) return b.reader.readBlock(b.entry)
    if (b.entry.offset + bytes > b.reader.size)
      throw new TSMCorruptError(b.reader.path, b.entry.offset, 'block lies outside the file', {
        found: bytes,
      })
    const span = await this.#readSpan(b.reader.path, b.entry.offset, bytes)
    let first: Uint8Array | undefined
    for (let k = at; k < end; k++) {
      const e = (this.#pending[k] as PendingBlock).entry
      const from = e.offset - b.entry.offset
      const data = checkedBlock(span.subarray(from, from + e.size), b.reader.path, e.offset)
      if (k === at) first = data
      else this.#prefetched.set(k, data)
    }
    return first as Uint8Array
  }

  async #activate(at: number): Promise<void> {
    const b = this.#pending[at] as PendingBlock
    const data = await this.#read(at)
    this.blocksRead++
    let v: Values
    try {
      v =
        this.#timesOnly && b.ranges === undefined
          ? makeValues(fieldTypeOfBlock(b.blockType), decodeBlockTimestamps(data), EMPTY_COLUMN)
          : decodeBlock(data)
    } catch (err) {
      if (err instanceof TSMCorruptError) throw err
      throw new TSMCorruptError(
        b.reader.path,
        b.entry.offset,
        `block cannot be decoded: ${(err as Error).message}`,
        {},
        err,
      )
    }
    const expected = fieldTypeOfBlock(b.blockType)
    if (v.kind !== expected)
      throw new TSMCorruptError(
        b.reader.path,
        b.entry.offset,
        'block type differs from the index',
        { expected, found: v.kind },
      )
    if (b.ranges !== undefined) v = excludeTimeRanges(v, b.ranges)
    this.#addSource(v, b.rank)
  }

  /** The head time of a source. */
  #head(s: Source): bigint {
    return s.values.times[s.pos] ?? 0n
  }

  #exhausted(s: Source): boolean {
    return this.ascending ? s.pos >= s.values.times.length : s.pos < 0
  }

  /** The next chunk (at most chunkSize values, in the cursor's order), or undefined at the end. */
  async next(): Promise<Values | undefined> {
    if (this.#release === undefined) return undefined
    const asc = this.ascending
    const pieces: Piece[] = []
    let total = 0
    let kind: FieldType | undefined
    const active = this.#active
    while (total < this.chunkSize) {
      // Activate every pending block that starts at or before the earliest head.
      for (;;) {
        const p = this.#pending[this.#next]
        if (p === undefined) break
        let best: bigint | undefined
        for (const s of active) {
          const h = this.#head(s)
          if (best === undefined || (asc ? h < best : h > best)) best = h
        }
        const edge = asc ? p.entry.minTime : p.entry.maxTime
        if (best !== undefined && (asc ? edge > best : edge < best)) break
        this.#next++
        await this.#activate(this.#next - 1)
      }
      if (active.length === 0) break
      // The source with the earliest head, and the bound of its uninterrupted run.
      let s0 = 0
      let h0 = this.#head(active[0] as Source)
      for (let i = 1; i < active.length; i++) {
        const h = this.#head(active[i] as Source)
        if (asc ? h < h0 : h > h0) {
          s0 = i
          h0 = h
        }
      }
      let bound: bigint | undefined
      let tie = false
      for (let i = 0; i < active.length; i++) {
        if (i === s0) continue
        const h = this.#head(active[i] as Source)
        if (h === h0) tie = true
        if (bound === undefined || (asc ? h < bound : h > bound)) bound = h
      }
      const p = this.#pending[this.#next]
      if (p !== undefined) {
        const edge = asc ? p.entry.minTime : p.entry.maxTime
        if (bound === undefined || (asc ? edge < bound : edge > bound)) bound = edge
      }
      const room = this.chunkSize - total
      if (tie) {
        // Equal times: the highest-ranked source's value wins, the others are skipped.
        let win: Source | undefined
        for (const s of active) {
          if (this.#head(s) !== h0) continue
          if (win === undefined || s.rank > win.rank) win = s
        }
        for (const s of active) {
          if (this.#head(s) !== h0) continue
          if (s === win) pieces.push({ values: s.values, start: s.pos, end: s.pos + 1 })
          s.pos += asc ? 1 : -1
        }
        total++
        kind = win?.values.kind
      } else {
        const s = active[s0] as Source
        const t = s.values.times
        kind = s.values.kind
        if (asc) {
          let end = bound === undefined ? t.length : lowerBound(t, bound, s.pos)
          if (end - s.pos > room) end = s.pos + room
          pieces.push({ values: s.values, start: s.pos, end })
          total += end - s.pos
          s.pos = end
        } else {
          let start = bound === undefined ? 0 : upperBound(t, bound, 0, s.pos + 1)
          if (s.pos + 1 - start > room) start = s.pos + 1 - room
          pieces.push({ values: s.values, start, end: s.pos + 1 })
          total += s.pos + 1 - start
          s.pos = start - 1
        }
      }
      for (let i = active.length - 1; i >= 0; i--)
        if (this.#exhausted(active[i] as Source)) active.splice(i, 1)
    }
    if (total === 0 || kind === undefined) {
      await this.close()
      return undefined
    }
    const only = pieces[0]
    if (pieces.length === 1 && only !== undefined && asc)
      return sliceOf(only.values, only.start, only.end)
    return gather(kind, pieces, total, asc, this.#timesOnly)
  }

  /** Gives the TSM files back. Idempotent. */
  async close(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    this.#active.length = 0
    this.#prefetched.clear()
    if (release !== undefined) await release()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Values> {
    try {
      for (;;) {
        const v = await this.next()
        if (v === undefined) return
        yield v
      }
    } finally {
      await this.close()
    }
  }
}

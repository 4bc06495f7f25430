// The wire encoding of a batched remote shard read (issue #6): one request names many keys of a
// shard, each with its time range, order and a limit, and one streamed answer carries every key's
// values in request order. The values are the typed column frames of shard-wire.ts.
//
//   request  JSON {"items":[{"key","min","max","ascending","timesOnly","limit"}, …]}: min and max
//            are ns as decimal strings; limit is the most values to send for the item (0: all)
//   answer   per item, in request order: its frames (all of one type; times-only frames when
//            the item asked for times only), then u8 254 (the item's values in range were all
//            sent) or 253 (cut at the limit: values after the last one sent remain); after the
//            last item, u8 255 (end of stream)
//
// BatchSplitter decodes the answer as its bytes arrive, so the reader hands out each key's frames
// while later keys are still on the way, whatever the TCP segments' boundaries.

import type { KeyCursor, KeyCursorOptions } from '../engine/index.js'
import { FIELD_TYPES, type FieldType, type Values } from '../lineprotocol/index.js'
import { ByteReader, ByteWriter, ShortBufferError } from '../util/index.js'
import { QueryError } from './errors.js'
import {
  decoding,
  encodeEnd,
  encodeFrame,
  encodeItemEnd,
  END_FRAME,
  ITEM_DONE,
  ITEM_MORE,
  readFrame,
  ShardWireError,
  TIMES_ONLY,
} from './shard-wire.js'

/** One key of a batched read. */
export interface BatchItem {
  /** The TSM key (series key and field). */
  readonly key: string
  readonly min: bigint
  readonly max: bigint
  /** Time order of the values sent. */
  readonly ascending: boolean
  /** Send times only (no column): for count(). */
  readonly timesOnly: boolean
  /** The most values to send (0: all); the item ends with ITEM_MORE when values were left. */
  readonly limit: number
}

/** The most items one request may name. */
export const MAX_BATCH_ITEMS = 4096
/** The most values one frame may carry (an answer's frames hold at most FRAME_VALUES). */
const MAX_FRAME_VALUES = 1 << 20
/** Values per frame of an answer (string frames are also cut at about FRAME_BYTES). */
const FRAME_VALUES = 8192
const FRAME_BYTES = 256 * 1024
/** An answer comes in pieces of about this many bytes. */
const PIECE_BYTES = 64 * 1024

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const NS = /^-?\d{1,19}$/

/** A batched read request that cannot be served: not JSON, a missing or bad item field. */
export class BatchRequestError extends QueryError {
  constructor(what: string, item?: number) {
    super(
      'ERR_QUERY_BATCH_REQUEST',
      item === undefined ? `bad batch read: ${what}` : `bad batch read: item ${item}: ${what}`,
      { what, ...(item !== undefined && { item }) },
    )
  }
}

/** The JSON body of a batched read of `items`. */
export function encodeBatchRequest(items: readonly BatchItem[]): string {
  return JSON.stringify({
    items: items.map((i) => ({
      key: i.key,
      min: String(i.min),
      max: String(i.max),
      ascending: i.ascending,
      timesOnly: i.timesOnly,
      limit: i.limit,
    })),
  })
}

function ns(v: unknown, name: string, item: number): bigint {
  if (typeof v !== 'string' || !NS.test(v))
    throw new BatchRequestError(`${name} must be a Unix time in ns as a decimal string`, item)
  const t = BigInt(v)
  if (t < INT64_MIN || t > INT64_MAX) throw new BatchRequestError(`${name} is not an int64`, item)
  return t
}

/** The items of a parsed batch request body; throws BatchRequestError naming the bad item. */
export function decodeBatchRequest(body: unknown): BatchItem[] {
  const items = (body as { items?: unknown } | null)?.items
  if (!Array.isArray(items)) throw new BatchRequestError('items must be an array')
  if (items.length > MAX_BATCH_ITEMS)
    throw new BatchRequestError(`more than ${MAX_BATCH_ITEMS} items`)
  return items.map((raw: unknown, i): BatchItem => {
    if (typeof raw !== 'object' || raw === null) throw new BatchRequestError('not an object', i)
    const o = raw as Record<string, unknown>
    const key = o['key']
    if (typeof key !== 'string') throw new BatchRequestError('key must be a string', i)
    const limit = o['limit'] ?? 0
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)
      throw new BatchRequestError('limit must be a count', i)
    const ascending = o['ascending'] ?? true
    const timesOnly = o['timesOnly'] ?? false
    if (typeof ascending !== 'boolean' || typeof timesOnly !== 'boolean')
      throw new BatchRequestError('ascending and timesOnly must be booleans', i)
    return {
      key,
      min: ns(o['min'], 'min', i),
      max: ns(o['max'], 'max', i),
      ascending,
      timesOnly,
      limit,
    }
  })
}

/** Where a BatchSplitter delivers what it decodes. */
export interface BatchSink {
  /** A frame of item `item` (in the item's time order). */
  frame(item: number, values: Values): void
  /** Item `item` ended; `more`: it was cut at its limit with values left. */
  end(item: number, more: boolean): void
}

/**
 * Decodes a batched answer for `items` items as its bytes arrive: `push` each chunk, `finish`
 * at the end of the body. Every frame and item end goes to the sink as soon as its last byte is
 * in; a frame cut by a chunk boundary waits for the next chunk. Bad bytes, an answer with more or
 * fewer items than asked, or one that stops before its end frame are ShardWireErrors naming the
 * offset in the whole answer.
 */
export class BatchSplitter {
  readonly #items: number
  readonly #sink: BatchSink
  /** Bytes received and not decoded yet (a partial frame). */
  #rest: Uint8Array = new Uint8Array(0)
  /** The answer's offset of #rest[0]. */
  #base = 0
  #item = 0
  #kind: FieldType | undefined
  #ended = false

  constructor(items: number, sink: BatchSink) {
    this.#items = items
    this.#sink = sink
  }

  /** Items ended so far. */
  get itemsEnded(): number {
    return this.#item
  }

  /** Decodes what `chunk` completes. */
  push(chunk: Uint8Array): void {
    let bytes = chunk
    if (this.#rest.length > 0) {
      bytes = new Uint8Array(this.#rest.length + chunk.length)
      bytes.set(this.#rest)
      bytes.set(chunk, this.#rest.length)
    }
    const r = new ByteReader(bytes)
    let done = 0
    try {
      while (r.remaining > 0) {
        if (this.#ended) throw new ShardWireError('trailing bytes after the end frame', r.offset)
        if (!this.#next(r)) break
        done = r.offset
      }
    } catch (err) {
      if (err instanceof ShardWireError)
        throw new ShardWireError(
          String(err.fields['what']),
          this.#base + Number(err.fields['offset']),
          { cause: err },
        )
      throw err
    }
    this.#rest = bytes.subarray(done)
    this.#base += done
  }

  /** Checks that the answer ended with its end frame. */
  finish(): void {
    if (!this.#ended)
      throw new ShardWireError(
        `the answer ends after ${this.#item} of ${this.#items} items, before its end frame`,
        this.#base + this.#rest.length,
      )
  }

  /** Decodes one frame or marker; false (nothing consumed) when its bytes are not all in yet. */
  #next(r: ByteReader): boolean {
    const at = r.offset
    const type = r.bytes[at] ?? 0
    if (type === END_FRAME || type === ITEM_DONE || type === ITEM_MORE) {
      r.u8()
      if (type === END_FRAME) {
        if (this.#item !== this.#items)
          throw new ShardWireError(`the end frame after ${this.#item} of ${this.#items} items`, at)
        this.#ended = true
        return true
      }
      if (this.#item >= this.#items)
        throw new ShardWireError(`an item end after the last of ${this.#items} items`, at)
      this.#kind = undefined
      this.#sink.end(this.#item++, type === ITEM_MORE)
      return true
    }
    if (this.#item >= this.#items)
      throw new ShardWireError(`a frame after the last of ${this.#items} items`, at)
    try {
      const frame = decoding(r, () => {
        r.u8()
        const timesOnly = (type & TIMES_ONLY) !== 0
        const kind = FIELD_TYPES[type & ~TIMES_ONLY]
        if (kind === undefined) throw new ShardWireError(`unknown field type ${type}`, at)
        if (this.#kind !== undefined && kind !== this.#kind)
          throw new ShardWireError(`frame of type ${kind} after frames of type ${this.#kind}`, at)
        const countAt = r.offset
        const n = r.uvarint()
        if (n > MAX_FRAME_VALUES)
          throw new ShardWireError(`a frame of ${n} values (at most ${MAX_FRAME_VALUES})`, countAt)
        // Fixed-width frames: wait for all their bytes before decoding any.
        const width = timesOnly ? 8 : kind === 'boolean' ? 9 : kind === 'string' ? 8 : 16
        if (r.remaining < n * width) throw new ShortBufferError(r.offset, n * width, r.remaining)
        const v = readFrame(r, kind, n, timesOnly)
        this.#kind = kind
        return v
      })
      this.#sink.frame(this.#item, frame)
      return true
    } catch (err) {
      // A frame whose bytes are not all in: decode it again when more arrive.
      if (err instanceof ShardWireError && err.cause instanceof ShortBufferError) {
        r.offset = at
        return false
      }
      throw err
    }
  }
}

/** What answering a batch needs from a shard (the engine's Shard satisfies it). */
export interface CursorSource {
  cursor(key: string, min: bigint, max: bigint, options: KeyCursorOptions): KeyCursor
}

/**
 * The answer to `items` from `shard`, in pieces of about PIECE_BYTES: each item's values read
 * through a cursor (at most its limit of them), its end marker, and the end frame. Without
 * `itemEnds` it is the single-key answer of earlier versions (frames, then the end frame). Pulled
 * piece by piece, so the owner reads no further than the socket takes; stopping the generator
 * closes the open cursor.
 */
export async function* batchAnswer(
  shard: CursorSource,
  items: readonly BatchItem[],
  itemEnds = true,
): AsyncGenerator<Uint8Array> {
  let w = new ByteWriter(PIECE_BYTES + 1024)
  for (const item of items) {
    const limit = item.limit > 0 ? item.limit : Number.POSITIVE_INFINITY
    const cursor = shard.cursor(item.key, item.min, item.max, {
      ascending: item.ascending,
      timesOnly: item.timesOnly,
      chunkSize: Math.min(FRAME_VALUES, limit),
    })
    let sent = 0
    let more = false
    try {
      for (;;) {
        const v = await cursor.next()
        if (v === undefined) break
        // At the limit: one more chunk only tells whether values were left.
        if (sent >= limit) {
          more = true
          break
        }
        const n = Math.min(v.times.length, limit - sent)
        appendFrames(w, n === v.times.length ? v : headOf(v, n), item.timesOnly)
        sent += n
        if (w.length >= PIECE_BYTES) {
          yield w.view()
          w = new ByteWriter(PIECE_BYTES + 1024)
        }
        if (n < v.times.length) {
          more = true
          break
        }
      }
    } finally {
      await cursor.close()
    }
    if (itemEnds) encodeItemEnd(w, more)
  }
  encodeEnd(w)
  yield w.view()
}

/** Frames of `v`; a string column is cut into frames of about FRAME_BYTES. */
function appendFrames(w: ByteWriter, v: Values, timesOnly: boolean): void {
  if (v.kind !== 'string' || timesOnly) return encodeFrame(w, v, timesOnly)
  let from = 0
  let bytes = 0
  const n = v.values.length
  for (let i = 0; i < n; i++) {
    bytes += (v.values[i] ?? '').length * 3 + 10
    if (bytes >= FRAME_BYTES || i === n - 1) {
      const times = v.times.subarray(from, i + 1)
      encodeFrame(w, { kind: 'string', times, values: v.values.slice(from, i + 1) })
      from = i + 1
      bytes = 0
    }
  }
}

/** The first `n` values of `v` (views). */
function headOf(v: Values, n: number): Values {
  const times = v.times.subarray(0, n)
  if (v.kind === 'string') return { kind: v.kind, times, values: v.values.slice(0, n) }
  if (v.values.length === 0) return { ...v, times }
  return { ...v, times, values: v.values.subarray(0, n) } as Values
}

// The wire encoding of a remote shard read (node-to-node, src/server/node-read.ts): a shard's
// index (measurements in index order, each with its field types and its series with their tags)
// and a key's values as typed column frames. Binary, so numbers cross exactly (int64, uint64,
// float64 bits, NaN payloads) and bulk columns copy as bytes.
//
//   string   uvarint byteLength, UTF-8 bytes
//   index    "TMI1" | uvarint measurements | per measurement: string name, uvarint fields,
//            per field (string name, u8 type), uvarint series, per series (string key,
//            uvarint tags, per tag (string key, string value))
//   frame    u8 type (0 float 1 integer 2 boolean 3 string 4 unsigned, as TSM block types;
//            255 = end of stream) | uvarint n | n × int64 times | the column: n × 8 bytes for
//            float/integer/unsigned, n bytes for boolean, n strings for string. A type byte
//            with bit 0x80 set (0x80 | type) is a times-only frame: no column follows the times
//            (count() needs only times; the column of a decoded times-only frame is empty).
// Fixed-width numbers are little-endian, copied straight from the typed arrays. A batch of keys
// (shard-batch-wire.ts) sends each key's frames followed by an item end byte (254 done, 253 cut
// at the item's limit) and closes the stream with the end frame.

import { emptyValues, type MeasurementIndex, type ShardIndex, type Tag } from '../engine/index.js'
import { FIELD_TYPES, type FieldType, type Values } from '../lineprotocol/index.js'
import { ByteReader, ByteWriter, ShortBufferError } from '../util/index.js'
import { QueryError } from './errors.js'

/** The first bytes of an encoded index. */
const INDEX_MAGIC = 0x544d4931 // "TMI1"
/** The type byte that ends a frame stream. */
export const END_FRAME = 255
/** Ends a batch item whose values in range were all sent. */
export const ITEM_DONE = 254
/** Ends a batch item cut at its limit: values after the last one sent remain. */
export const ITEM_MORE = 253
/** The bit of a type byte that marks a times-only frame. */
export const TIMES_ONLY = 0x80

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Bad bytes in a remote read's answer: truncated, an unknown type, a bad count. */
export class ShardWireError extends QueryError {
  constructor(what: string, offset: number, options?: { cause?: unknown }) {
    super(
      'ERR_QUERY_WIRE_CORRUPT',
      `corrupt remote shard data at offset ${offset}: ${what}`,
      {
        offset,
        what,
      },
      options,
    )
  }
}

/** One measurement of a decoded index. */
export interface WireMeasurement {
  readonly name: string
  readonly fields: readonly (readonly [string, FieldType])[]
  readonly series: readonly (readonly [string, readonly Tag[]])[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function writeString(w: ByteWriter, s: string): void {
  const b = encoder.encode(s)
  w.uvarint(b.length).bytes(b)
}

/** Reads a string (uvarint length, UTF-8), naming its offset when it is not UTF-8. */
export function readString(r: ByteReader): string {
  const at = r.offset
  const n = r.uvarint()
  try {
    return decoder.decode(r.take(n))
  } catch (err) {
    if (err instanceof ShortBufferError) throw err
    throw new ShardWireError('invalid UTF-8 string', at, { cause: err })
  }
}

/** Runs `decode`, turning a short buffer or a bad varint into a ShardWireError naming the offset. */
export function decoding<T>(r: ByteReader, decode: () => T): T {
  try {
    return decode()
  } catch (err) {
    if (err instanceof ShardWireError) throw err
    if (err instanceof ShortBufferError)
      throw new ShardWireError('truncated', Number(err.fields['offset'] ?? r.offset), {
        cause: err,
      })
    if (err instanceof RangeError) throw new ShardWireError(err.message, r.offset, { cause: err })
    throw err
  }
}

/** Encodes a shard's index, measurements and series in the index's own order. */
export function encodeIndex(index: ShardIndex): Uint8Array {
  const w = new ByteWriter(4096)
  w.u32(INDEX_MAGIC).uvarint(index.measurements.size)
  for (const m of index.measurements.values()) encodeMeasurement(w, m)
  return w.toBytes()
}

function encodeMeasurement(w: ByteWriter, m: MeasurementIndex): void {
  writeString(w, m.name)
  w.uvarint(m.fields.size)
  for (const [f, t] of m.fields) {
    writeString(w, f)
    w.u8(FIELD_TYPES.indexOf(t))
  }
  w.uvarint(m.series.size)
  for (const [key, tags] of m.series) {
    writeString(w, key)
    w.uvarint(tags.length)
    for (const t of tags) {
      writeString(w, t.key)
      writeString(w, t.value)
    }
  }
}

/** Reads a type byte (a field type's index in FIELD_TYPES). */
export function fieldType(r: ByteReader): FieldType {
  const at = r.offset
  const code = r.u8()
  const t = FIELD_TYPES[code]
  if (t === undefined) throw new ShardWireError(`unknown field type ${code}`, at)
  return t
}

/** A count that cannot exceed the bytes left (each item takes at least `minBytes`). */
function count(r: ByteReader, minBytes: number): number {
  const at = r.offset
  const n = r.uvarint()
  if (n * minBytes > r.remaining) throw new ShardWireError(`count ${n} exceeds the data left`, at)
  return n
}

/** Decodes {@link encodeIndex}'s bytes. */
export function decodeIndex(bytes: Uint8Array): WireMeasurement[] {
  const r = new ByteReader(bytes)
  return decoding(r, () => {
    if (r.u32() !== INDEX_MAGIC) throw new ShardWireError('not a shard index', 0)
    const out: WireMeasurement[] = []
    for (let i = count(r, 3); i > 0; i--) {
      const name = readString(r)
      const fields: [string, FieldType][] = []
      for (let f = count(r, 2); f > 0; f--) fields.push([readString(r), fieldType(r)])
      const series: [string, Tag[]][] = []
      for (let s = count(r, 2); s > 0; s--) {
        const key = readString(r)
        const tags: Tag[] = []
        for (let t = count(r, 2); t > 0; t--)
          tags.push({ key: readString(r), value: readString(r) })
        series.push([key, tags])
      }
      out.push({ name, fields, series })
    }
    if (r.remaining !== 0) throw new ShardWireError('trailing bytes after the index', r.offset)
    return out
  })
}

function rawBytes(a: BigInt64Array | BigUint64Array | Float64Array | Uint8Array): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('the remote shard wire needs a little-endian host')
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

/** Appends one frame holding `v` to `w`; with `timesOnly`, a times-only frame (no column). */
export function encodeFrame(w: ByteWriter, v: Values, timesOnly = false): void {
  const n = v.times.length
  const type = FIELD_TYPES.indexOf(v.kind)
  w.u8(timesOnly ? type | TIMES_ONLY : type)
    .uvarint(n)
    .bytes(rawBytes(v.times))
  if (timesOnly) return
  if (v.kind === 'string') for (const s of v.values) writeString(w, s)
  else w.bytes(rawBytes(v.values))
}

/** Appends the end of a batch item: `more` when it was cut at its limit with values left. */
export function encodeItemEnd(w: ByteWriter, more: boolean): void {
  w.u8(more ? ITEM_MORE : ITEM_DONE)
}

/** Appends the end-of-stream frame to `w`. */
export function encodeEnd(w: ByteWriter): void {
  w.u8(END_FRAME)
}

/** A copy of `n` × 8 bytes as an aligned buffer. */
function take8(r: ByteReader, n: number): ArrayBuffer {
  const b = r.take(n * 8)
  const out = new ArrayBuffer(n * 8)
  new Uint8Array(out).set(b)
  return out
}

/** Reads the times and column of a frame of `n` values (after its type byte and count). */
export function readFrame(r: ByteReader, kind: FieldType, n: number, timesOnly = false): Values {
  const times = new BigInt64Array(take8(r, n))
  if (timesOnly) return { ...emptyValues(kind), times }
  switch (kind) {
    case 'float':
      return { kind, times, values: new Float64Array(take8(r, n)) }
    case 'integer':
      return { kind, times, values: new BigInt64Array(take8(r, n)) }
    case 'unsigned':
      return { kind, times, values: new BigUint64Array(take8(r, n)) }
    case 'boolean':
      return { kind, times, values: r.take(n).slice() }
    case 'string': {
      const values: string[] = new Array<string>(n)
      for (let i = 0; i < n; i++) values[i] = readString(r)
      return { kind, times, values }
    }
  }
}

/**
 * Decodes a frame stream (frames then the end frame) into its frames. A stream that stops
 * before the end frame, or frames of different types, are ShardWireErrors naming the offset.
 */
export function decodeFrames(bytes: Uint8Array): Values[] {
  if (!LITTLE_ENDIAN) throw new Error('the remote shard wire needs a little-endian host')
  const r = new ByteReader(bytes)
  return decoding(r, () => {
    const out: Values[] = []
    let kind: FieldType | undefined
    for (;;) {
      const at = r.offset
      if (r.remaining === 0) throw new ShardWireError('the stream ends before its end frame', at)
      if (bytes[at] === END_FRAME) {
        r.u8()
        if (r.remaining !== 0)
          throw new ShardWireError('trailing bytes after the end frame', r.offset)
        return out
      }
      const t = fieldType(r)
      if (kind !== undefined && t !== kind)
        throw new ShardWireError(`frame of type ${t} after frames of type ${kind}`, at)
      kind = t
      const n = count(r, t === 'boolean' || t === 'string' ? 9 : 16)
      out.push(readFrame(r, t, n))
    }
  })
}

/** Frames of one type (in time order) as one Values; undefined for no frames. */
export function joinFrames(frames: readonly Values[]): Values | undefined {
  const first = frames[0]
  if (first === undefined || frames.length === 1) return first
  let n = 0
  for (const f of frames) n += f.times.length
  const times = new BigInt64Array(n)
  let at = 0
  for (const f of frames) {
    times.set(f.times, at)
    at += f.times.length
  }
  if (first.kind === 'string') {
    const values: string[] = []
    for (const f of frames) if (f.kind === 'string') for (const v of f.values) values.push(v)
    return { kind: 'string', times, values }
  }
  const ctor = first.values.constructor as new (n: number) => Float64Array
  // Times-only frames (every column empty) join into a times-only Values.
  const column = new ctor(frames.every((f) => f.values.length === 0) ? 0 : n)
  at = 0
  for (const f of frames) {
    if (f.kind === 'string' || column.length === 0) continue
    column.set(f.values as unknown as Float64Array, at)
    at += f.values.length
  }
  return { kind: first.kind, times, values: column } as Values
}

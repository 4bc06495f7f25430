// Encoding and decoding of whole WAL entries. A framed entry on disk is
//
//   1 byte   entry type (01 write, 02 delete, 03 delete-range)
//   BE u32   length m of the compressed payload
//   m bytes  the payload, compressed with snappy's raw BLOCK format (no stream framing)
//
// Uncompressed payloads: write — see write-payload.ts; delete — the keys joined by `\n` (no
// trailing newline); delete-range — BE i64 min, BE i64 max (inclusive), then per key BE u32
// length + key bytes.

import { snappy } from '../util/index.js'
import { WALCorruptError, WALInvalidEntryError } from './errors.js'
import { marshalWritePayload, unmarshalWritePayload } from './write-payload.js'
import { allocPayload, readUTF8, textView, utf8Length, writeUTF8 } from './utf8.js'
import { FRAME_HEADER_SIZE, WALEntryType, type WALEntry } from './wal-entry.js'

/**
 * The largest expansion snappy allows: a 3-byte copy element produces at most 64 bytes. A header
 * that claims more than this is corrupt, and we say so before the decoder allocates for it.
 */
const MAX_SNAPPY_EXPANSION = 22

const MAX_U32 = 0xffffffff

/** Encodes the uncompressed payload of `entry` (the bytes before snappy). */
export function marshalEntry(entry: WALEntry): Uint8Array {
  switch (entry.kind) {
    case 'write':
      return marshalWritePayload(entry.values)
    case 'delete':
      return marshalDelete(entry.keys)
    case 'delete-range':
      return marshalDeleteRange(entry.keys, entry.min, entry.max)
    default: {
      const never: never = entry
      throw new WALInvalidEntryError(`unknown entry kind ${String(never)}`)
    }
  }
}

/**
 * Encodes `entry` as a framed entry: type byte, BE u32 compressed length, snappy block payload.
 * Throws WALInvalidEntryError for values the format cannot hold.
 */
export function encodeEntry(entry: WALEntry): Uint8Array {
  const compressed = snappy().compressSync(marshalEntry(entry))
  if (compressed.length > MAX_U32) {
    throw new WALInvalidEntryError(`compressed payload of ${compressed.length} bytes exceeds 4 GiB`)
  }
  const framed = new Uint8Array(FRAME_HEADER_SIZE + compressed.length)
  framed[0] = WALEntryType[entry.kind]
  new DataView(framed.buffer).setUint32(1, compressed.length)
  framed.set(compressed, FRAME_HEADER_SIZE)
  return framed
}

/**
 * Decodes an uncompressed payload of entry type `type`. Throws WALCorruptError (offset = position
 * in the payload) for an unknown type or a payload that does not parse.
 */
export function unmarshalEntry(type: number, body: Uint8Array): WALEntry {
  switch (type) {
    case WALEntryType.write:
      return { kind: 'write', values: unmarshalWritePayload(body) }
    case WALEntryType.delete:
      return { kind: 'delete', keys: unmarshalDelete(body) }
    case WALEntryType['delete-range']:
      return unmarshalDeleteRange(body)
    default:
      throw new WALCorruptError(`unknown entry type ${type}`, 0)
  }
}

/**
 * Decodes the snappy-compressed `payload` of a framed entry of type `type` (the bytes after the
 * 5-byte frame header). Throws WALCorruptError for an unknown type, bad snappy data or a bad
 * payload; the offset is relative to the payload.
 */
export function decodeEntryPayload(type: number, payload: Uint8Array): WALEntry {
  if (
    type !== WALEntryType.write &&
    type !== WALEntryType.delete &&
    type !== WALEntryType['delete-range']
  ) {
    throw new WALCorruptError(`unknown entry type ${type}`, 0)
  }
  return unmarshalEntry(type, uncompress(payload))
}

/** Decompresses a snappy block, refusing impossible decoded lengths before allocating. */
function uncompress(payload: Uint8Array): Uint8Array {
  let decodedLen = 0
  let mul = 1
  for (let i = 0; i < 5 && i < payload.length; i++) {
    const b = payload[i] ?? 0
    decodedLen += (b & 0x7f) * mul
    if ((b & 0x80) === 0) break
    mul *= 128
  }
  if (decodedLen > payload.length * MAX_SNAPPY_EXPANSION) {
    throw new WALCorruptError(
      `snappy header claims ${decodedLen} bytes from ${payload.length} compressed bytes`,
      0,
    )
  }
  let out: string | Uint8Array
  try {
    out = snappy().uncompressSync(payload, { asBuffer: true })
  } catch (err) {
    throw new WALCorruptError(`bad snappy data: ${errorText(err)}`, 0, undefined, { cause: err })
  }
  if (typeof out === 'string') throw new WALCorruptError('snappy returned a string', 0)
  return out
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function marshalDelete(keys: readonly string[]): Uint8Array {
  let size = keys.length === 0 ? 0 : keys.length - 1
  for (const k of keys) {
    // Keys are newline-separated, so a newline or an empty key could not be read back.
    if (k.includes('\n')) throw new WALInvalidEntryError('a delete key contains a newline', k)
    if (k === '') throw new WALInvalidEntryError('a delete key is empty')
    size += utf8Length(k)
  }
  const out = allocPayload(size)
  let p = 0
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out[p++] = 0x0a
    p = writeUTF8(keys[i] ?? '', out, p)
  }
  return out
}

function unmarshalDelete(body: Uint8Array): string[] {
  if (body.length === 0) return []
  return readUTF8(textView(body), 0, body.length).split('\n')
}

function checkInt64(v: bigint, name: string): void {
  if (BigInt.asIntN(64, v) !== v) throw new WALInvalidEntryError(`${name} ${v} is not an int64`)
}

function marshalDeleteRange(keys: readonly string[], min: bigint, max: bigint): Uint8Array {
  checkInt64(min, 'min')
  checkInt64(max, 'max')
  let size = 16
  for (const k of keys) size += 4 + utf8Length(k)
  const out = allocPayload(size)
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength)
  dv.setBigInt64(0, min)
  dv.setBigInt64(8, max)
  let p = 16
  for (const k of keys) {
    const end = writeUTF8(k, out, p + 4)
    dv.setUint32(p, end - p - 4)
    p = end
  }
  return out
}

function unmarshalDeleteRange(body: Uint8Array): WALEntry {
  if (body.length < 16) {
    throw new WALCorruptError(`delete-range payload of ${body.length} bytes is shorter than 16`, 0)
  }
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const min = dv.getBigInt64(0)
  const max = dv.getBigInt64(8)
  const text = textView(body)
  const keys: string[] = []
  let p = 16
  while (p < body.length) {
    if (p + 4 > body.length) throw new WALCorruptError('key length runs past the payload', p)
    const n = dv.getUint32(p)
    if (p + 4 + n > body.length) {
      throw new WALCorruptError(`key of ${n} bytes runs past the payload`, p)
    }
    keys.push(readUTF8(text, p + 4, p + 4 + n))
    p += 4 + n
  }
  return { kind: 'delete-range', keys, min, max }
}

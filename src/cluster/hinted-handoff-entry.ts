// The bytes of one hinted-handoff queue entry: a shard write that an owner could not take, kept
// until it can. Each entry in a segment file is framed as
//
//   offset  size  field
//   0       4     payload length N (big-endian uint32)
//   4       4     CRC-32 (IEEE) of the payload
//   8       N     payload:
//                   8   enqueued at, Unix ns (int64)   — for max-age
//                   8   shard ID (uint64)
//                   2+d database name (uint16 length, UTF-8)
//                   2+r retention policy name (uint16 length, UTF-8)
//                   ... the points as line protocol with ns timestamps (to the end of the payload)
//
// A reader checks the length against the bytes present and the CRC before it trusts a byte, so a
// torn tail (a crash mid-append) or flipped bits are found, never decoded.

import { ByteReader, ByteWriter, crc32 } from '../util/index.js'

/** Bytes of the frame header (length + CRC) before each payload. */
export const HH_FRAME_HEADER_BYTES = 8

/** The largest payload a frame may declare; anything larger is treated as corruption. */
export const HH_MAX_PAYLOAD_BYTES = 256 * 1024 * 1024

/** One queued shard write. Immutable. */
export interface HintedWrite {
  readonly enqueuedAtNs: bigint
  readonly shardID: bigint
  readonly database: string
  readonly retentionPolicy: string
  /** The points as line protocol, timestamps in ns. */
  readonly body: Uint8Array
}

const utf8 = new TextEncoder()
const fromUTF8 = new TextDecoder('utf-8', { fatal: true })

/** The framed bytes (header + payload) of `w`. Pure. */
export function encodeHintedWrite(w: HintedWrite): Uint8Array {
  const db = utf8.encode(w.database)
  const rp = utf8.encode(w.retentionPolicy)
  const payloadBytes = 8 + 8 + 2 + db.length + 2 + rp.length + w.body.length
  const out = new ByteWriter(HH_FRAME_HEADER_BYTES + payloadBytes)
  out.u32(payloadBytes).u32(0)
  out.i64(w.enqueuedAtNs).u64(w.shardID)
  out.u16(db.length).bytes(db).u16(rp.length).bytes(rp).bytes(w.body)
  const bytes = out.toBytes()
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(
    4,
    crc32(bytes.subarray(HH_FRAME_HEADER_BYTES)),
  )
  return bytes
}

/** What {@link decodeFrame} found at an offset. */
export type FrameRead =
  | { readonly kind: 'entry'; readonly entry: HintedWrite; readonly end: number }
  /** The frame runs past the end of the bytes: a torn tail, or more bytes not read yet. */
  | { readonly kind: 'short' }
  | { readonly kind: 'corrupt'; readonly reason: string }

/**
 * Decodes the frame starting at `offset` of `bytes` (which may hold more frames after it). Never
 * throws: a bad length, CRC or payload comes back as `corrupt` with the reason.
 */
export function decodeFrame(bytes: Uint8Array, offset: number): FrameRead {
  if (bytes.length - offset < HH_FRAME_HEADER_BYTES) return { kind: 'short' }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = view.getUint32(offset)
  const crc = view.getUint32(offset + 4)
  if (n < 20 || n > HH_MAX_PAYLOAD_BYTES)
    return { kind: 'corrupt', reason: `payload length ${n} out of range` }
  const end = offset + HH_FRAME_HEADER_BYTES + n
  if (end > bytes.length) return { kind: 'short' }
  const payload = bytes.subarray(offset + HH_FRAME_HEADER_BYTES, end)
  const found = crc32(payload)
  if (found !== crc)
    return { kind: 'corrupt', reason: `CRC mismatch: expected ${crc}, found ${found}` }
  try {
    const r = new ByteReader(payload)
    const enqueuedAtNs = r.i64()
    const shardID = r.u64()
    const database = fromUTF8.decode(r.take(r.u16()))
    const retentionPolicy = fromUTF8.decode(r.take(r.u16()))
    const body = payload.slice(r.offset)
    return {
      kind: 'entry',
      entry: { enqueuedAtNs, shardID, database, retentionPolicy, body },
      end,
    }
  } catch (err) {
    return { kind: 'corrupt', reason: (err as Error).message }
  }
}

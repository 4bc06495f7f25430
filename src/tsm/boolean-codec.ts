// The value section of boolean blocks (block type 2), as InfluxDB tsm1/bool.go writes it:
//
//   0x10 (bit-packed) | uvarint n | ⌈n/8⌉ bytes, at least one even for n = 0
//
// Bit i is bit (7 − i mod 8) of byte ⌊i/8⌋ (most significant first); 1 = true; unused bits are 0.
// Values travel as a Uint8Array of 0/1 (any non-zero byte encodes as true).

import { TSMCodecError } from './codec-errors.js'
import {
  SLOT_VALUES,
  checkCount,
  readUvarint,
  scratchBytes,
  writeUvarint,
} from './codec-support.js'
import type { DecodeOptions } from './codec-support.js'

const BIT_PACKED = 1

/** Encodes booleans into a scratch view (valid until the next call); used by the block encoder. */
export function encodeBooleansView(values: Uint8Array): Uint8Array {
  const n = values.length
  const dataBytes = Math.max(1, (n + 7) >>> 3)
  const out = scratchBytes(SLOT_VALUES, 11 + dataBytes)
  out[0] = BIT_PACKED << 4
  const start = writeUvarint(out, 1, n)
  out.fill(0, start, start + dataBytes)
  let i = 0
  let p = start
  // Eight values per byte while whole bytes remain, then the tail.
  for (; i + 8 <= n; i += 8, p++) {
    out[p] =
      ((values[i] ?? 0) !== 0 ? 0x80 : 0) |
      ((values[i + 1] ?? 0) !== 0 ? 0x40 : 0) |
      ((values[i + 2] ?? 0) !== 0 ? 0x20 : 0) |
      ((values[i + 3] ?? 0) !== 0 ? 0x10 : 0) |
      ((values[i + 4] ?? 0) !== 0 ? 0x08 : 0) |
      ((values[i + 5] ?? 0) !== 0 ? 0x04 : 0) |
      ((values[i + 6] ?? 0) !== 0 ? 0x02 : 0) |
      ((values[i + 7] ?? 0) !== 0 ? 0x01 : 0)
  }
  let tail = 0
  for (let j = 0; i < n; i++, j++) if ((values[i] ?? 0) !== 0) tail |= 0x80 >>> j
  if ((n & 7) !== 0) out[p] = tail
  return out.subarray(0, start + dataBytes)
}

/** Encodes booleans (0 = false, anything else = true) into a boolean value section, byte-identical to influxd. */
export function encodeBooleans(values: Uint8Array): Uint8Array {
  return encodeBooleansView(values).slice()
}

/**
 * Decodes a boolean value section into 0/1 bytes. Throws TSMCodecError for an unknown encoding, a
 * bad count varint, fewer data bytes than the count needs, bytes beyond what it needs, or a count
 * other than `options.count`.
 */
export function decodeBooleans(buf: Uint8Array, options?: DecodeOptions): Uint8Array {
  const base = options?.offset ?? 0
  if (buf.length === 0) {
    checkCount('boolean', base, 0, options)
    return new Uint8Array(0)
  }
  const header = buf[0] ?? 0
  if (header >>> 4 !== BIT_PACKED) {
    throw new TSMCodecError('boolean', base, `unknown boolean encoding ${header >>> 4}`, {
      found: header,
    })
  }
  const count = readUvarint(
    buf,
    1,
    buf.length,
    'boolean',
    base,
    'boolean count',
    Number.MAX_SAFE_INTEGER,
  )
  const n = count.value
  const start = count.next
  const have = buf.length - start
  // influxd writes exactly max(1, ⌈n/8⌉) bytes; later encoders may omit the byte for n = 0.
  const need = (n + 7) / 8
  if (have < Math.floor(need)) {
    throw new TSMCodecError('boolean', base + buf.length, 'truncated boolean bits', {
      expected: Math.floor(need),
      found: have,
    })
  }
  if (have > Math.max(1, Math.floor(need))) {
    throw new TSMCodecError(
      'boolean',
      base + start + Math.max(1, Math.floor(need)),
      'trailing bytes after boolean bits',
      {
        found: have - Math.max(1, Math.floor(need)),
      },
    )
  }
  checkCount('boolean', base, n, options)
  const out = new Uint8Array(n)
  let i = 0
  let p = start
  for (; i + 8 <= n; i += 8, p++) {
    const b = buf[p] ?? 0
    out[i] = b >>> 7
    out[i + 1] = (b >>> 6) & 1
    out[i + 2] = (b >>> 5) & 1
    out[i + 3] = (b >>> 4) & 1
    out[i + 4] = (b >>> 3) & 1
    out[i + 5] = (b >>> 2) & 1
    out[i + 6] = (b >>> 1) & 1
    out[i + 7] = b & 1
  }
  const b = buf[p] ?? 0
  for (let j = 0; i < n; i++, j++) out[i] = (b >>> (7 - j)) & 1
  return out
}

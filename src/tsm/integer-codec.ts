// The value section of integer (block type 1) and unsigned (block type 4) blocks (InfluxDB
// tsm1/int.go). Unsigned values are encoded as the int64 with the same 64 bits.
//
// zᵢ = zigzag(vᵢ − vᵢ₋₁) with v₋₁ = 0 (subtraction wraps). The first byte's high nibble is the
// encoding (low nibble 0):
//
//   0 raw     n × BE u64 zᵢ
//   1 packed  BE u64 z₀, then simple8b words ("encode all" variant) of z₁ … zₙ₋₁
//   2 RLE     BE u64 z₀, uvarint z₁, uvarint (n − 1)
//
// Encoder choice, as influxd makes it: RLE if n ≥ 3 and z₁ = … = zₙ₋₁; else raw if any zᵢ (z₀
// included) exceeds 2^60 − 1; else packed. An empty input encodes to an empty section. All
// arithmetic runs on uint32 halves.

import { TSMCodecError } from './codec-errors.js'
import type { CodecName } from './codec-errors.js'
import {
  HI,
  LO,
  SIMPLE8B_HI_LIMIT,
  SLOT_VALUES,
  SLOT_WORDS_HI,
  TWO32,
  checkCount,
  readUvarint,
  readUvarint64,
  scratchBytes,
  scratchWords,
  u32View,
  writeUvarint,
  writeUvarint64,
} from './codec-support.js'
import type { DecodeOptions } from './codec-support.js'
import { simple8bCount, simple8bDecodeInto, simple8bEncodeAllInto } from './simple8b.js'

const RAW = 0
const PACKED = 1
const RLE = 2

function putU32(out: Uint8Array, pos: number, v: number): void {
  out[pos] = v >>> 24
  out[pos + 1] = v >>> 16
  out[pos + 2] = v >>> 8
  out[pos + 3] = v
}

function getU32(buf: Uint8Array, pos: number): number {
  return (
    (((buf[pos] ?? 0) << 24) |
      ((buf[pos + 1] ?? 0) << 16) |
      ((buf[pos + 2] ?? 0) << 8) |
      (buf[pos + 3] ?? 0)) >>>
    0
  )
}

/**
 * Encodes the 64-bit values seen through `src` (a pairs view of n int64s) into a scratch buffer;
 * returns a view valid until the next call into this module.
 */
function encodeView(src: Uint32Array, n: number): Uint8Array {
  if (n === 0) return new Uint8Array(0)
  const out = scratchBytes(SLOT_VALUES, 1 + 8 * n + 32)
  const z = scratchWords(SLOT_WORDS_HI, 2 * n)
  let rle = true
  let big = false
  let prevHi = 0
  let prevLo = 0
  for (let i = 0; i < n; i++) {
    const curLo = src[2 * i + LO] ?? 0
    const curHi = src[2 * i + HI] ?? 0
    const lo = (curLo - prevLo) >>> 0
    const hi = (curHi - prevHi - (prevLo > curLo ? 1 : 0)) | 0
    const sign = hi >> 31
    const zlo = ((lo << 1) ^ sign) >>> 0
    const zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0
    z[2 * i + LO] = zlo
    z[2 * i + HI] = zhi
    if (zhi >= SIMPLE8B_HI_LIMIT) big = true
    if (i >= 2 && rle && (zlo !== z[2 + LO] || zhi !== z[2 + HI])) rle = false
    prevLo = curLo
    prevHi = curHi
  }
  putU32(out, 1, z[HI] ?? 0)
  putU32(out, 5, z[LO] ?? 0)
  if (rle && n > 2) {
    out[0] = RLE << 4
    const pos = writeUvarint64(out, 9, z[2 + HI] ?? 0, z[2 + LO] ?? 0)
    return out.subarray(0, writeUvarint(out, pos, n - 1))
  }
  if (big) {
    out[0] = RAW << 4
    for (let i = 1; i < n; i++) {
      putU32(out, 1 + 8 * i, z[2 * i + HI] ?? 0)
      putU32(out, 5 + 8 * i, z[2 * i + LO] ?? 0)
    }
    return out.subarray(0, 1 + 8 * n)
  }
  out[0] = PACKED << 4
  return out.subarray(0, simple8bEncodeAllInto(z, 1, n, out, 9))
}

/** Encodes int64 values into a scratch view (valid until the next call); used by the block encoder. */
export function encodeIntegersView(values: BigInt64Array): Uint8Array {
  return encodeView(u32View(values), values.length)
}

/** Encodes uint64 values into a scratch view (valid until the next call); used by the block encoder. */
export function encodeUnsignedView(values: BigUint64Array): Uint8Array {
  return encodeView(u32View(values), values.length)
}

/** Encodes int64 values into an integer value section, byte-identical to influxd. */
export function encodeIntegers(values: BigInt64Array): Uint8Array {
  return encodeIntegersView(values).slice()
}

/** Encodes uint64 values into an unsigned value section (the integer encoding of the same bits). */
export function encodeUnsigned(values: BigUint64Array): Uint8Array {
  return encodeUnsignedView(values).slice()
}

/** Decodes the section into `u` (pairs of the n values); n was counted beforehand. */
function decodeInto(
  buf: Uint8Array,
  u: Uint32Array,
  n: number,
  codec: CodecName,
  base: number,
): void {
  if (n === 0) return
  const enc = (buf[0] ?? 0) >>> 4
  let hi = 0
  let lo = 0
  if (enc === RLE) {
    const z1 = readUvarint64(buf, 9, buf.length, codec, base, 'RLE delta')
    const m = -(z1.lo & 1)
    const dlo = (((z1.lo >>> 1) | (z1.hi << 31)) ^ m) >>> 0
    const dhi = ((z1.hi >>> 1) ^ m) >>> 0
    const zlo = getU32(buf, 5)
    const zhi = getU32(buf, 1)
    const m0 = -(zlo & 1)
    lo = (((zlo >>> 1) | (zhi << 31)) ^ m0) >>> 0
    hi = ((zhi >>> 1) ^ m0) >>> 0
    u[LO] = lo
    u[HI] = hi
    for (let i = 1; i < n; i++) {
      const s = lo + dlo
      lo = s >>> 0
      hi = (hi + dhi + (s >= TWO32 ? 1 : 0)) >>> 0
      u[2 * i + LO] = lo
      u[2 * i + HI] = hi
    }
    return
  }
  if (enc === RAW) {
    for (let i = 0; i < n; i++) {
      u[2 * i + HI] = getU32(buf, 1 + 8 * i)
      u[2 * i + LO] = getU32(buf, 5 + 8 * i)
    }
  } else {
    u[HI] = getU32(buf, 1)
    u[LO] = getU32(buf, 5)
    simple8bDecodeInto(buf, 9, buf.length, u, 1, n, codec, base)
  }
  // Running sum of the un-zigzagged deltas.
  for (let i = 0; i < n; i++) {
    const zlo = u[2 * i + LO] ?? 0
    const zhi = u[2 * i + HI] ?? 0
    const m = -(zlo & 1)
    const s = lo + ((((zlo >>> 1) | (zhi << 31)) ^ m) >>> 0)
    lo = s >>> 0
    hi = (hi + (((zhi >>> 1) ^ m) >>> 0) + (s >= TWO32 ? 1 : 0)) >>> 0
    u[2 * i + LO] = lo
    u[2 * i + HI] = hi
  }
}

/**
 * The number of values in an integer or unsigned section, without decoding them. Throws
 * TSMCodecError for an unknown encoding or a malformed section.
 */
export function countIntegers(
  buf: Uint8Array,
  options?: DecodeOptions,
  codec: CodecName = 'integer',
): number {
  const base = options?.offset ?? 0
  let n = 0
  if (buf.length > 0) {
    const first = buf[0] ?? 0
    const enc = first >>> 4
    if (enc === RAW) {
      if ((buf.length - 1) % 8 !== 0) {
        throw new TSMCodecError(
          codec,
          base + buf.length,
          'raw values are not a whole number of 8-byte values',
          {
            found: buf.length - 1,
          },
        )
      }
      n = (buf.length - 1) / 8
    } else if ((enc === PACKED || enc === RLE) && buf.length === 1) {
      n = 0 // a header without values: influxd's decoder reads it as empty, so do we
    } else if (enc === PACKED || enc === RLE) {
      if (buf.length < 9)
        throw new TSMCodecError(codec, base, 'truncated first value', {
          expected: 9,
          found: buf.length,
        })
      if (enc === PACKED) {
        n = 1 + simple8bCount(buf, 9, buf.length, codec, base)
      } else {
        const z1 = readUvarint64(buf, 9, buf.length, codec, base, 'RLE delta')
        const count = readUvarint(
          buf,
          z1.next,
          buf.length,
          codec,
          base,
          'RLE count',
          Number.MAX_SAFE_INTEGER - 1,
        )
        if (count.next !== buf.length) {
          throw new TSMCodecError(codec, base + count.next, 'trailing bytes after RLE values', {
            found: buf.length - count.next,
          })
        }
        n = count.value + 1
      }
    } else {
      throw new TSMCodecError(codec, base, `unknown integer encoding ${enc}`, { found: first })
    }
  }
  checkCount(codec, base, n, options)
  return n
}

/**
 * Decodes an integer value section. Throws TSMCodecError for an unknown encoding, a truncated
 * section, a partial simple8b word, a bad varint, or a count other than `options.count`.
 */
export function decodeIntegers(buf: Uint8Array, options?: DecodeOptions): BigInt64Array {
  const out = new BigInt64Array(countIntegers(buf, options, 'integer'))
  decodeInto(buf, u32View(out), out.length, 'integer', options?.offset ?? 0)
  return out
}

/** Decodes an unsigned value section; errors as for decodeIntegers. */
export function decodeUnsigned(buf: Uint8Array, options?: DecodeOptions): BigUint64Array {
  const out = new BigUint64Array(countIntegers(buf, options, 'unsigned'))
  decodeInto(buf, u32View(out), out.length, 'unsigned', options?.offset ?? 0)
  return out
}

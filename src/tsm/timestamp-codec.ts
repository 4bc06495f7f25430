// The timestamp section of a TSM block (InfluxDB tsm1/timestamp.go). The first byte's high nibble
// is the encoding and its low nibble log10 of a divisor:
//
//   0 raw     n × BE u64: the first timestamp, then the n − 1 deltas (low nibble 0)
//   1 packed  BE u64 first timestamp, then simple8b words (streaming variant) of delta ÷ divisor
//   2 RLE     BE u64 first timestamp, uvarint (delta ÷ divisor), uvarint n
//
// The encoder takes deltas dᵢ = tᵢ − tᵢ₋₁ (mod 2^64), the largest divisor 10^12 … 1 that divides
// them all (10^12 with one timestamp), and picks RLE when n > 1 and all deltas are equal, raw when
// the largest delta exceeds 2^60 − 1, packed otherwise — exactly as influxd does. All 64-bit
// arithmetic runs on uint32 halves; BigInt only appears for deltas of 2^53 ns (104 days) or more.

import { TSMCodecError } from './codec-errors.js'
import {
  HI,
  LO,
  MAX_DECODED_POINTS,
  POW10,
  SIMPLE8B_HI_LIMIT,
  SLOT_TIMES,
  SLOT_WORDS_LO,
  TWO32,
  checkCount,
  mulU64,
  readUvarint,
  readUvarint64,
  scratchBytes,
  scratchWords,
  toBigUint64,
  u32View,
  writeUvarint,
  writeUvarint64,
} from './codec-support.js'
import type { DecodeOptions } from './codec-support.js'
import {
  simple8bCount,
  simple8bDecodeInto,
  simple8bEncodeStreamInto,
  simple8bSum,
} from './simple8b.js'

const RAW = 0
const PACKED = 1
const RLE = 2

const product = new Uint32Array(2)

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

/** Lowers k until 10^k divides the uint64 (hi, lo); BigInt only for values of 2^53 and more. */
function reduceDivisor(hi: number, lo: number, k: number): number {
  if (hi < 0x200000) {
    // v − ⌊v/m⌋·m is exact below 2^53 and much cheaper than the floating-point `%`.
    const v = hi * TWO32 + lo
    while (k > 0) {
      const m = POW10[k] ?? 1
      if (v - Math.floor(v / m) * m === 0) break
      k--
    }
    return k
  }
  const v = toBigUint64(hi, lo)
  while (k > 0 && v % BigInt(POW10[k] ?? 1) !== 0n) k--
  return k
}

/** Writes (hi, lo) ÷ div (an exact division) into product[0] (hi), product[1] (lo). */
function divideExact(hi: number, lo: number, div: number): void {
  if (hi < 0x200000) {
    const q = (hi * TWO32 + lo) / div
    product[0] = Math.floor(q / TWO32)
    product[1] = q >>> 0
    return
  }
  const q = toBigUint64(hi, lo) / BigInt(div)
  product[0] = Number(q >> 32n)
  product[1] = Number(q & 0xffffffffn)
}

/**
 * Encodes timestamps into a scratch buffer and returns a view of the result, valid until the next
 * call into this module. The block encoder uses it to avoid a copy.
 */
export function encodeTimestampsView(ts: BigInt64Array): Uint8Array {
  const n = ts.length
  if (n === 0) return new Uint8Array(0)
  const src = u32View(ts)
  const out = scratchBytes(SLOT_TIMES, 1 + 8 * n + 32)
  const t0hi = src[HI] ?? 0
  const t0lo = src[LO] ?? 0
  putU32(out, 1, t0hi)
  putU32(out, 5, t0lo)
  if (n === 1) {
    out[0] = (PACKED << 4) | 12
    return out.subarray(0, 9)
  }
  // Deltas, as pairs; element 0 is unused.
  const d = scratchWords(SLOT_WORDS_LO, 2 * n)
  let rle = true
  let maxHi = 0
  let maxLo = 0
  let k = 12
  let prevHi = t0hi
  let prevLo = t0lo
  const d1lo = ((src[2 + LO] ?? 0) - t0lo) >>> 0
  const d1hi = ((src[2 + HI] ?? 0) - t0hi - (t0lo > (src[2 + LO] ?? 0) ? 1 : 0)) >>> 0
  for (let i = 1; i < n; i++) {
    const curLo = src[2 * i + LO] ?? 0
    const curHi = src[2 * i + HI] ?? 0
    const lo = (curLo - prevLo) >>> 0
    const hi = (curHi - prevHi - (prevLo > curLo ? 1 : 0)) >>> 0
    d[2 * i + LO] = lo
    d[2 * i + HI] = hi
    if (rle && (lo !== d1lo || hi !== d1hi)) rle = false
    if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxHi = hi
      maxLo = lo
    }
    if (k > 0) k = reduceDivisor(hi, lo, k)
    prevLo = curLo
    prevHi = curHi
  }
  const div = POW10[k] ?? 1
  if (rle) {
    out[0] = (RLE << 4) | k
    divideExact(d1hi, d1lo, div)
    const pos = writeUvarint64(out, 9, product[0] ?? 0, product[1] ?? 0)
    return out.subarray(0, writeUvarint(out, pos, n))
  }
  if (maxHi >= SIMPLE8B_HI_LIMIT) {
    out[0] = RAW << 4
    for (let i = 1; i < n; i++) {
      putU32(out, 1 + 8 * i, d[2 * i + HI] ?? 0)
      putU32(out, 5 + 8 * i, d[2 * i + LO] ?? 0)
    }
    return out.subarray(0, 1 + 8 * n)
  }
  if (k > 0) {
    for (let i = 1; i < n; i++) {
      const hi = d[2 * i + HI] ?? 0
      if (hi === 0) {
        d[2 * i + LO] = (d[2 * i + LO] ?? 0) / div // exact: div divides every delta
        continue
      }
      divideExact(hi, d[2 * i + LO] ?? 0, div)
      d[2 * i + HI] = product[0] ?? 0
      d[2 * i + LO] = product[1] ?? 0
    }
  }
  out[0] = (PACKED << 4) | k
  return out.subarray(0, simple8bEncodeStreamInto(d, 1, n, out, 9))
}

/**
 * Encodes int64 nanosecond timestamps (normally ascending; any order is representable) into a
 * timestamp section, byte-identical to influxd. An empty input gives an empty section.
 */
export function encodeTimestamps(ts: BigInt64Array): Uint8Array {
  return encodeTimestampsView(ts).slice()
}

/**
 * The number of timestamps in a section, read cheaply (no decoding). Throws TSMCodecError for an
 * unknown encoding or a malformed section.
 */
export function countTimestamps(buf: Uint8Array, options?: DecodeOptions): number {
  const base = options?.offset ?? 0
  if (buf.length === 0) return 0
  const first = buf[0] ?? 0
  const enc = first >>> 4
  let n: number
  if (enc === RAW) {
    if ((buf.length - 1) % 8 !== 0) {
      throw new TSMCodecError(
        'timestamp',
        base + buf.length,
        'raw timestamps are not a whole number of 8-byte values',
        {
          found: buf.length - 1,
        },
      )
    }
    n = (buf.length - 1) / 8
  } else if (enc === PACKED) {
    if (buf.length < 9)
      throw new TSMCodecError('timestamp', base, 'truncated first timestamp', {
        expected: 9,
        found: buf.length,
      })
    n = 1 + simple8bCount(buf, 9, buf.length, 'timestamp', base)
  } else if (enc === RLE) {
    n = readRLE(buf, base).count
  } else {
    throw new TSMCodecError('timestamp', base, `unknown timestamp encoding ${enc}`, {
      found: first,
    })
  }
  checkCount('timestamp', base, n, options)
  return n
}

/** The value smallUvarint read last. */
let uvarintValue = 0

/**
 * Reads a uvarint of at most `maxBytes` bytes (at most 7: exact in a double) at `buf[p, end)`
 * into `uvarintValue`, without allocating; the position after it, or -1 if it is longer or cut off.
 */
export function smallUvarint(buf: Uint8Array, p: number, end: number, maxBytes: number): number {
  let value = 0
  for (let scale = 1, k = 0; ; k++, scale *= 128) {
    if (p >= end || k === maxBytes) return -1
    const b = buf[p++] ?? 0
    value += (b & 0x7f) * scale
    if (b < 0x80) break
  }
  uvarintValue = value
  return p
}

/** The value of the uvarint smallUvarint read last. */
export function smallUvarintValue(): number {
  return uvarintValue
}

/**
 * Whether the run-length encoded timestamp section `buf[start, end)` (points at a fixed interval:
 * the common shape) runs from the int64 at `bounds[at]` to the int64 at `bounds[at + 8]`, both
 * big-endian as a TSM index entry holds its min and max time — read in place, allocating nothing.
 * Undefined when it cannot tell that way (another encoding, a malformed section, a delta or span
 * not exact in a double): timestampBounds decodes such a section and says what is wrong with it.
 */
export function rleBoundsMatch(
  buf: Uint8Array,
  start: number,
  end: number,
  bounds: Uint8Array,
  at: number,
): boolean | undefined {
  const head = buf[start] ?? 0
  if (head >>> 4 !== RLE || end - start < 11 || end > buf.length) return undefined
  const mul = POW10[head & 15] ?? 1
  // Two uvarints of at most 7 bytes (49 bits) each: the scaled delta, then the count.
  const afterDelta = smallUvarint(buf, start + 9, end, 7)
  if (afterDelta < 0) return undefined
  const delta = uvarintValue
  // The count ends the section: trailing bytes are for timestampBounds to report.
  if (smallUvarint(buf, afterDelta, end, 7) !== end) return undefined
  const count = uvarintValue
  if (count === 0 || count > MAX_DECODED_POINTS) return undefined
  const span = delta * mul * (count - 1)
  if (!Number.isSafeInteger(span)) return undefined
  const firstHi = getU32(buf, start + 1)
  const firstLo = getU32(buf, start + 5)
  if (firstHi !== getU32(bounds, at) || firstLo !== getU32(bounds, at + 4)) return false
  // The last timestamp: first + span, modulo 2^64 as int64 addition wraps.
  const spanHi = Math.floor(span / 2 ** 32)
  let lo = firstLo + (span - spanHi * 2 ** 32)
  let hi = firstHi + spanHi
  if (lo >= 2 ** 32) {
    lo -= 2 ** 32
    hi += 1
  }
  return hi % 2 ** 32 === getU32(bounds, at + 8) && lo === getU32(bounds, at + 12)
}

interface RLEHeader {
  readonly deltaHi: number
  readonly deltaLo: number
  readonly count: number
}

function readRLE(buf: Uint8Array, base: number): RLEHeader {
  if (buf.length < 9)
    throw new TSMCodecError('timestamp', base, 'truncated first timestamp', {
      expected: 9,
      found: buf.length,
    })
  const delta = readUvarint64(buf, 9, buf.length, 'timestamp', base, 'RLE delta')
  // The count is checked against the decoder limit by the caller (checkCount).
  const count = readUvarint(
    buf,
    delta.next,
    buf.length,
    'timestamp',
    base,
    'RLE count',
    Number.MAX_SAFE_INTEGER,
  )
  if (count.next !== buf.length) {
    throw new TSMCodecError('timestamp', base + count.next, 'trailing bytes after RLE timestamps', {
      found: buf.length - count.next,
    })
  }
  return { deltaHi: delta.hi, deltaLo: delta.lo, count: count.value }
}

/**
 * Decodes a timestamp section into int64 nanoseconds. Throws TSMCodecError (code
 * ERR_TSM_CORRUPT_BLOCK, with the offset) for an unknown encoding, a truncated section, a partial
 * simple8b word, a bad varint, trailing bytes or a count above the limit.
 */
export function decodeTimestamps(buf: Uint8Array, options?: DecodeOptions): BigInt64Array {
  const base = options?.offset ?? 0
  const n = countTimestamps(buf, options)
  const out = new BigInt64Array(n)
  if (n === 0) return out
  const u = u32View(out)
  const first = buf[0] ?? 0
  const enc = first >>> 4
  let hi = getU32(buf, 1)
  let lo = getU32(buf, 5)
  u[HI] = hi
  u[LO] = lo
  if (enc === RLE) {
    const rle = readRLE(buf, base)
    mulU64(rle.deltaHi, rle.deltaLo, POW10[first & 15] ?? 1, product)
    const dhi = product[0] ?? 0
    const dlo = product[1] ?? 0
    for (let i = 1; i < n; i++) {
      const s = lo + dlo
      lo = s >>> 0
      hi = (hi + dhi + (s >= TWO32 ? 1 : 0)) >>> 0
      u[2 * i + LO] = lo
      u[2 * i + HI] = hi
    }
    return out
  }
  let mul = 1
  if (enc === RAW) {
    for (let i = 1; i < n; i++) {
      u[2 * i + HI] = getU32(buf, 1 + 8 * i)
      u[2 * i + LO] = getU32(buf, 5 + 8 * i)
    }
  } else {
    simple8bDecodeInto(buf, 9, buf.length, u, 1, n, 'timestamp', base)
    mul = POW10[first & 15] ?? 1
  }
  for (let i = 1; i < n; i++) {
    let dhi = u[2 * i + HI] ?? 0
    let dlo = u[2 * i + LO] ?? 0
    if (mul !== 1) {
      mulU64(dhi, dlo, mul, product)
      dhi = product[0] ?? 0
      dlo = product[1] ?? 0
    }
    const s = lo + dlo
    lo = s >>> 0
    hi = (hi + dhi + (s >= TWO32 ? 1 : 0)) >>> 0
    u[2 * i + LO] = lo
    u[2 * i + HI] = hi
  }
  return out
}

/**
 * The first and last timestamps of a section and their count, without decoding the others (a
 * packed section's deltas are summed in place). Same checks and errors as countTimestamps;
 * undefined for an empty section. The last timestamp wraps as int64 arithmetic does, as
 * decodeTimestamps' does.
 */
export function timestampBounds(
  buf: Uint8Array,
  options?: DecodeOptions,
): { first: bigint; last: bigint; count: number } | undefined {
  const base = options?.offset ?? 0
  const count = countTimestamps(buf, options)
  if (count === 0) return undefined
  const head = buf[0] ?? 0
  const enc = head >>> 4
  const first = BigInt.asIntN(64, (BigInt(getU32(buf, 1)) << 32n) | BigInt(getU32(buf, 5)))
  if (count === 1) return { first, last: first, count }
  const mul = BigInt(POW10[head & 15] ?? 1)
  let span: bigint
  if (enc === RAW) {
    // Raw sections hold the deltas too (uncompressed, unscaled).
    let hi = 0
    let lo = 0
    for (let i = 1; i < count; i++) {
      hi += getU32(buf, 1 + 8 * i)
      lo += getU32(buf, 5 + 8 * i)
    }
    span = BigInt(hi) * 4294967296n + BigInt(lo)
  } else if (enc === RLE) {
    const rle = readRLE(buf, base)
    span = ((BigInt(rle.deltaHi) << 32n) | BigInt(rle.deltaLo)) * mul * BigInt(count - 1)
  } else {
    const [hi, lo] = simple8bSum(buf, 9, buf.length)
    span = (BigInt(hi) * 4294967296n + BigInt(lo)) * mul
  }
  return { first, last: BigInt.asIntN(64, first + span), count }
}

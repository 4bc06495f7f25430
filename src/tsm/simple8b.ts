// simple8b: packs unsigned integers below 2^60 into 64-bit big-endian words. The top 4 bits of a
// word are the selector; the low 60 bits hold n values of b bits each, value j at bits
// [j·b, j·b + b) (least significant first):
//
//   selector  0   1   2  3  4  5  6  7  8  9 10 11 12 13 14 15
//   n       240 120  60 30 20 15 12 10  8  7  6  5  4  3  2  1
//   b         0   0   1  2  3  4  5  6  7  8 10 12 15 20 30 60
//
// Selectors 0 and 1 carry no payload and mean 240 (120) values that are each 1.
//
// Word choice, as InfluxDB's encoder makes it (byte-identical output depends on it): given a window
// of pending values, take the first selector that applies — 0 if the window holds ≥ 240 values and
// every value in the whole window is 1; 1 likewise with ≥ 120; k ≥ 2 if the window holds ≥ n values
// and the first n fit in b bits. Integer blocks use "encode all" (the window is all remaining
// values); timestamp blocks use a streaming encoder whose window is a 240-value buffer that emits
// one word whenever it is full and another value arrives, and drains at the end.
//
// Values travel as "pairs" arrays: a Uint32Array where element i has its low half at 2i + LO and
// its high half at 2i + HI — the memory layout of a BigUint64Array on this platform.

import { TSMCodecError, TSMEncodeError } from './codec-errors.js'
import type { CodecName } from './codec-errors.js'
import { HI, LO, SIMPLE8B_HI_LIMIT, u32View } from './codec-support.js'

/** The largest value simple8b can hold. */
export const SIMPLE8B_MAX_VALUE = (1n << 60n) - 1n

/** Values per word, by selector. */
const COUNT = new Int32Array([240, 120, 60, 30, 20, 15, 12, 10, 8, 7, 6, 5, 4, 3, 2, 1])
/** Bits per value, by selector. */
const BITS = new Int32Array([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 30, 60])
/** 2^b for the selectors 2 … 14 (b ≤ 30), so "fits" is one comparison. */
const LIMIT = new Float64Array(BITS.map((b) => 2 ** b))
/** The first selector (≥ 2) whose width holds a value of the given bit length (0 … 32). */
const FIRST_SELECTOR = new Int32Array(33).map((_, bits) => {
  let sel = 2
  while (sel < 15 && (BITS[sel] ?? 60) < bits) sel++
  return sel
})

function putWord(out: Uint8Array, pos: number, hi: number, lo: number): void {
  out[pos] = hi >>> 24
  out[pos + 1] = hi >>> 16
  out[pos + 2] = hi >>> 8
  out[pos + 3] = hi
  out[pos + 4] = lo >>> 24
  out[pos + 5] = lo >>> 16
  out[pos + 6] = lo >>> 8
  out[pos + 7] = lo
}

/**
 * Packs one word from the window src[h..t) (pairs) at out[pos]; returns how many values it took.
 * `allOnes` says whether every value in the window is 1.
 */
function packWord(
  src: Uint32Array,
  h: number,
  t: number,
  allOnes: boolean,
  out: Uint8Array,
  pos: number,
): number {
  const avail = t - h
  if (allOnes && avail >= 120) {
    putWord(out, pos, avail >= 240 ? 0 : 0x10000000, 0)
    return avail >= 240 ? 240 : 120
  }
  let fit = 0 // the first `fit` values of the window are known to fit the current bit width
  // Selectors narrower than the first value cannot apply; skip them.
  const firstHi = src[2 * h + HI] ?? 0
  const start = firstHi !== 0 ? 15 : (FIRST_SELECTOR[32 - Math.clz32(src[2 * h + LO] ?? 0)] ?? 15)
  for (let sel = start; sel < 15; sel++) {
    const n = COUNT[sel] ?? 0
    if (avail < n) continue
    const lim = LIMIT[sel] ?? 0
    while (fit < n) {
      const k = 2 * (h + fit)
      if ((src[k + HI] ?? 1) !== 0 || (src[k + LO] ?? 0) >= lim) break
      fit++
    }
    if (fit < n) continue
    const b = BITS[sel] ?? 0
    let wlo = 0
    let whi = 0
    let shift = 0
    for (let j = 0; j < n; j++) {
      const v = src[2 * (h + j) + LO] ?? 0
      if (shift < 32) {
        wlo |= v << shift
        if (shift + b > 32) whi |= v >>> (32 - shift)
      } else {
        whi |= v << (shift - 32)
      }
      shift += b
    }
    putWord(out, pos, (whi | (sel << 28)) >>> 0, wlo >>> 0)
    return n
  }
  const vhi = src[2 * h + HI] ?? 0
  if (vhi >= SIMPLE8B_HI_LIMIT) {
    throw new TSMEncodeError('simple8b', 'value out of range (above 2^60 - 1)', { index: h })
  }
  putWord(out, pos, (0xf0000000 | vhi) >>> 0, src[2 * h + LO] ?? 0)
  return 1
}

function isOne(src: Uint32Array, i: number): boolean {
  return src[2 * i + LO] === 1 && src[2 * i + HI] === 0
}

/**
 * Encodes the pairs src[start..end) with the "encode all" variant (integer blocks) into out[pos…);
 * returns the offset after the last word. `out` needs room for 8 × (end − start) bytes.
 * Throws TSMEncodeError for a value above 2^60 − 1.
 */
export function simple8bEncodeAllInto(
  src: Uint32Array,
  start: number,
  end: number,
  out: Uint8Array,
  pos: number,
): number {
  // The window is everything left, so "all ones" holds once h passes the last value that is not 1.
  let lastNotOne = end - 1
  while (lastNotOne >= start && isOne(src, lastNotOne)) lastNotOne--
  let h = start
  while (h < end) {
    h += packWord(src, h, end, h > lastNotOne, out, pos)
    pos += 8
  }
  return pos
}

/**
 * Encodes the pairs src[start..end) with the streaming variant (timestamp blocks: a 240-value
 * buffer) into out[pos…); returns the offset after the last word. Room as for the other variant.
 */
export function simple8bEncodeStreamInto(
  src: Uint32Array,
  start: number,
  end: number,
  out: Uint8Array,
  pos: number,
): number {
  let h = start
  let ones = start // every value in [h, ones) is 1; only moves forward, so the scans cost O(n)
  const allOnes = (t: number): boolean => {
    if (t - h < 120) return false
    if (ones < h) ones = h
    while (ones < t && isOne(src, ones)) ones++
    return ones >= t
  }
  for (let i = start; i < end; i++) {
    if (i - h === 240) {
      h += packWord(src, h, i, allOnes(i), out, pos)
      pos += 8
    }
  }
  while (h < end) {
    h += packWord(src, h, end, allOnes(end), out, pos)
    pos += 8
  }
  return pos
}

/**
 * The number of values in the simple8b words buf[pos..end). Throws TSMCodecError (offsets are
 * `base + …`) when the words do not fill the range exactly.
 */
export function simple8bCount(
  buf: Uint8Array,
  pos: number,
  end: number,
  codec: CodecName,
  base: number,
): number {
  if ((end - pos) % 8 !== 0) {
    throw new TSMCodecError(
      codec,
      base + pos + Math.floor((end - pos) / 8) * 8,
      'truncated simple8b word',
      {
        found: (end - pos) % 8,
        expected: 8,
      },
    )
  }
  let n = 0
  for (let p = pos; p < end; p += 8) n += COUNT[(buf[p] ?? 0) >>> 4] ?? 0
  return n
}

/**
 * Decodes the simple8b words buf[pos..end) into the pairs array `out`, starting at element `k`;
 * returns the element index after the last value. A word that would write past element `limit`
 * (exclusive), or a partial word, throws TSMCodecError.
 */
export function simple8bDecodeInto(
  buf: Uint8Array,
  pos: number,
  end: number,
  out: Uint32Array,
  k: number,
  limit: number,
  codec: CodecName,
  base: number,
): number {
  for (; pos + 8 <= end; pos += 8) {
    const whi =
      (((buf[pos] ?? 0) << 24) |
        ((buf[pos + 1] ?? 0) << 16) |
        ((buf[pos + 2] ?? 0) << 8) |
        (buf[pos + 3] ?? 0)) >>>
      0
    const wlo =
      (((buf[pos + 4] ?? 0) << 24) |
        ((buf[pos + 5] ?? 0) << 16) |
        ((buf[pos + 6] ?? 0) << 8) |
        (buf[pos + 7] ?? 0)) >>>
      0
    const sel = whi >>> 28
    const n = COUNT[sel] ?? 0
    if (k + n > limit) {
      throw new TSMCodecError(
        codec,
        base + pos,
        `simple8b selector ${sel} yields more values than expected`,
        {
          expected: limit,
          found: k + n,
        },
      )
    }
    if (sel < 2) {
      for (let j = 0; j < n; j++, k++) {
        out[2 * k + LO] = 1
        out[2 * k + HI] = 0
      }
    } else if (sel === 15) {
      out[2 * k + LO] = wlo
      out[2 * k + HI] = whi & 0x0fffffff
      k++
    } else {
      const b = BITS[sel] ?? 0
      const mask = (1 << b) - 1
      let shift = 0
      for (let j = 0; j < n; j++, k++) {
        let v: number
        if (shift + b <= 32) v = (wlo >>> shift) & mask
        else if (shift < 32) v = ((wlo >>> shift) | (whi << (32 - shift))) & mask
        else v = (whi >>> (shift - 32)) & mask
        out[2 * k + LO] = v
        out[2 * k + HI] = 0
        shift += b
      }
    }
  }
  if (pos !== end)
    throw new TSMCodecError(codec, base + pos, 'truncated simple8b word', {
      found: end - pos,
      expected: 8,
    })
  return k
}

/** Encodes `values` (each ≤ 2^60 − 1) with the "encode all" variant, as integer blocks use it. */
export function encodeSimple8bAll(values: BigUint64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8)
  return out.slice(0, simple8bEncodeAllInto(u32View(values), 0, values.length, out, 0))
}

/** Encodes `values` (each ≤ 2^60 − 1) with the streaming 240-value-buffer variant of timestamp blocks. */
export function encodeSimple8bStream(values: BigUint64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8)
  return out.slice(0, simple8bEncodeStreamInto(u32View(values), 0, values.length, out, 0))
}

/** Decodes a whole number of simple8b words. Throws TSMCodecError for a partial word. */
export function decodeSimple8b(buf: Uint8Array): BigUint64Array {
  const out = new BigUint64Array(simple8bCount(buf, 0, buf.length, 'simple8b', 0))
  simple8bDecodeInto(buf, 0, buf.length, u32View(out), 0, out.length, 'simple8b', 0)
  return out
}

/**
 * The sum of the values in the simple8b words buf[pos..end), as [high, low] 32-bit halves of an
 * unsigned integer (the halves may exceed 2^32 before carrying; the caller combines them as
 * hi × 2^32 + lo). Decodes nothing into memory: a restore checks each block's last timestamp
 * this way. The words must already be known to be whole (simple8bCount).
 */
export function simple8bSum(buf: Uint8Array, pos: number, end: number): [number, number] {
  let sumHi = 0
  let sumLo = 0
  for (; pos + 8 <= end; pos += 8) {
    const whi =
      (((buf[pos] ?? 0) << 24) |
        ((buf[pos + 1] ?? 0) << 16) |
        ((buf[pos + 2] ?? 0) << 8) |
        (buf[pos + 3] ?? 0)) >>>
      0
    const wlo =
      (((buf[pos + 4] ?? 0) << 24) |
        ((buf[pos + 5] ?? 0) << 16) |
        ((buf[pos + 6] ?? 0) << 8) |
        (buf[pos + 7] ?? 0)) >>>
      0
    const sel = whi >>> 28
    if (sel < 2) {
      sumLo += COUNT[sel] ?? 0
    } else if (sel === 15) {
      sumHi += whi & 0x0fffffff
      sumLo += wlo
    } else {
      const b = BITS[sel] ?? 0
      const n = COUNT[sel] ?? 0
      const mask = (1 << b) - 1
      let shift = 0
      for (let j = 0; j < n; j++) {
        if (shift + b <= 32) sumLo += (wlo >>> shift) & mask
        else if (shift < 32) sumLo += ((wlo >>> shift) | (whi << (32 - shift))) & mask
        else sumLo += (whi >>> (shift - 32)) & mask
        shift += b
      }
    }
    // Keep the low half exact: carry into the high half well before 2^53.
    if (sumLo >= 2 ** 48) {
      const carry = Math.floor(sumLo / 2 ** 32)
      sumHi += carry
      sumLo -= carry * 2 ** 32
    }
  }
  return [sumHi, sumLo]
}

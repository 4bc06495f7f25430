// Low-level helpers the TSM value codecs share: 32-bit views of 64-bit typed arrays (so hot loops
// work on two uint32 halves instead of allocating a BigInt per value), reusable scratch buffers,
// and Go-compatible uvarints that may carry a full uint64 (as RLE deltas do).
//
// The codecs are synchronous and never re-enter each other, so one set of module-level scratch
// buffers per thread is safe; a public encoder always copies its result out of the scratch.

import { TSMCodecError } from './codec-errors.js'
import type { CodecName } from './codec-errors.js'

/** True when typed arrays store numbers little-endian (every platform Node supports today). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** Index of the low 32-bit half of element i in a Uint32Array view of a 64-bit array: 2i + LO. */
export const LO = LITTLE_ENDIAN ? 0 : 1
/** Index of the high 32-bit half of element i in a Uint32Array view of a 64-bit array: 2i + HI. */
export const HI = LITTLE_ENDIAN ? 1 : 0

/** A Uint32Array over the same memory as a 64-bit typed array (two halves per element). */
export function u32View(a: BigInt64Array | BigUint64Array | Float64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2)
}

/** 2^32 as a number. */
export const TWO32 = 4294967296

/** 10^k for k = 0 … 15, exact as doubles. */
export const POW10: readonly number[] = Array.from({ length: 16 }, (_, k) => 10 ** k)

/** The largest value simple8b can hold, 2^60 − 1: a value is in range when its high half is below this. */
export const SIMPLE8B_HI_LIMIT = 0x10000000

/**
 * The most points a decoder will materialise from one encoded section. influxd writes at most
 * 1000 per block; RLE sections can claim any count in a few bytes, so a cap keeps a corrupt count
 * from allocating gigabytes. Counts above it are reported as corruption.
 */
export const MAX_DECODED_POINTS = 1 << 22

const byteScratch: Uint8Array[] = []
const wordScratch: Uint32Array[] = []
/** Scratch buffers larger than this are not kept, so one huge block does not pin its memory. */
const RETAIN_LIMIT_BYTES = 1 << 20

/** A reusable byte buffer of at least `size` bytes for slot `slot` (contents are garbage). */
export function scratchBytes(slot: number, size: number): Uint8Array {
  const have = byteScratch[slot]
  if (have !== undefined && have.length >= size) return have
  if (size > RETAIN_LIMIT_BYTES) return new Uint8Array(size)
  const next = new Uint8Array(
    Math.min(RETAIN_LIMIT_BYTES, Math.max(size, 4096, (have?.length ?? 0) * 2)),
  )
  byteScratch[slot] = next
  return next
}

/** A reusable Uint32Array of at least `size` words for slot `slot` (contents are garbage). */
export function scratchWords(slot: number, size: number): Uint32Array {
  const have = wordScratch[slot]
  if (have !== undefined && have.length >= size) return have
  if (size * 4 > RETAIN_LIMIT_BYTES) return new Uint32Array(size)
  const next = new Uint32Array(
    Math.min(RETAIN_LIMIT_BYTES / 4, Math.max(size, 1024, (have?.length ?? 0) * 2)),
  )
  wordScratch[slot] = next
  return next
}

/** Scratch slots, so nested users never share a buffer. */
export const SLOT_TIMES = 0
export const SLOT_VALUES = 1
export const SLOT_WORDS_LO = 2
export const SLOT_WORDS_HI = 3
export const SLOT_DECODE = 4
export const SLOT_STRINGS = 5

/** The result of reading a uvarint that fits in a JS number. */
export interface Uvarint {
  readonly value: number
  /** Offset of the first byte after the varint. */
  readonly next: number
}

/** The result of reading a uvarint that may use all 64 bits, as two uint32 halves. */
export interface Uvarint64 {
  readonly hi: number
  readonly lo: number
  readonly next: number
}

/**
 * Reads a Go uvarint (binary.Uvarint) of up to 64 bits from `buf[pos..end)`. Errors name the
 * offset `base + pos`. Non-minimal encodings are accepted, as Go accepts them.
 */
export function readUvarint64(
  buf: Uint8Array,
  pos: number,
  end: number,
  codec: CodecName,
  base: number,
  what: string,
): Uvarint64 {
  let lo = 0
  let hi = 0
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) throw new TSMCodecError(codec, base + pos, `truncated uvarint (${what})`)
    const b = buf[pos + i] ?? 0
    const bits = b & 0x7f
    const shift = 7 * i
    if (i === 9 && b > 1)
      throw new TSMCodecError(codec, base + pos, `uvarint overflows 64 bits (${what})`)
    if (shift < 32) {
      lo |= bits << shift
      if (shift + 7 > 32) hi |= bits >>> (32 - shift)
    } else {
      hi |= bits << (shift - 32)
    }
    if ((b & 0x80) === 0) return { hi: hi >>> 0, lo: lo >>> 0, next: pos + i + 1 }
  }
  throw new TSMCodecError(codec, base + pos, `uvarint longer than 10 bytes (${what})`)
}

/** Reads a uvarint that must be at most `max` (a count or a length); larger values are corruption. */
export function readUvarint(
  buf: Uint8Array,
  pos: number,
  end: number,
  codec: CodecName,
  base: number,
  what: string,
  max: number,
): Uvarint {
  const v = readUvarint64(buf, pos, end, codec, base, what)
  const value = v.hi * TWO32 + v.lo
  if (v.hi >= 0x200000 || value > max) {
    throw new TSMCodecError(codec, base + pos, `${what} too large`, {
      found: v.hi >= 0x200000 ? 'over 2^53' : value,
      max,
    })
  }
  return { value, next: v.next }
}

/** Writes the uvarint of the uint64 (hi, lo) at `buf[pos]`; returns the offset after it. */
export function writeUvarint64(buf: Uint8Array, pos: number, hi: number, lo: number): number {
  while (hi !== 0 || lo >= 0x80) {
    buf[pos++] = (lo & 0x7f) | 0x80
    lo = ((lo >>> 7) | (hi << 25)) >>> 0
    hi = hi >>> 7
  }
  buf[pos++] = lo
  return pos
}

/** Writes the uvarint of a non-negative safe integer at `buf[pos]`; returns the offset after it. */
export function writeUvarint(buf: Uint8Array, pos: number, v: number): number {
  return writeUvarint64(buf, pos, Math.floor(v / TWO32), v >>> 0)
}

/** The uint64 with halves (hi, lo) as a bigint. */
export function toBigUint64(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/**
 * (hi, lo) × m mod 2^64, written to `out[0]` (hi) and `out[1]` (lo). Exact in doubles when the
 * product stays below 2^53, through BigInt otherwise (rare: huge deltas or divisors).
 */
export function mulU64(hi: number, lo: number, m: number, out: Uint32Array): void {
  if (hi < 0x200000) {
    const p = (hi * TWO32 + lo) * m
    if (p <= Number.MAX_SAFE_INTEGER) {
      out[0] = Math.floor(p / TWO32)
      out[1] = p >>> 0
      return
    }
  }
  const b = BigInt.asUintN(64, toBigUint64(hi, lo) * BigInt(m))
  out[0] = Number(b >> 32n)
  out[1] = Number(b & 0xffffffffn)
}

/** Options every section decoder takes. */
export interface DecodeOptions {
  /** Where the section starts inside the enclosing block, added to error offsets (default 0). */
  readonly offset?: number
  /**
   * The exact number of values the section must hold (a value section's count comes from the
   * timestamp section). A different count is reported as corruption.
   */
  readonly count?: number
  /** The most values to materialise (default MAX_DECODED_POINTS); more is reported as corruption. */
  readonly maxCount?: number
}

/** Throws TSMCodecError unless `found` equals the expected count (when one is given) and is within the cap. */
export function checkCount(
  codec: CodecName,
  offset: number,
  found: number,
  options: DecodeOptions | undefined,
): void {
  const expected = options?.count
  if (expected !== undefined && found !== expected) {
    throw new TSMCodecError(codec, offset, 'value count differs from the timestamp count', {
      expected,
      found,
    })
  }
  const max = options?.maxCount ?? MAX_DECODED_POINTS
  if (found > max)
    throw new TSMCodecError(codec, offset, 'point count exceeds the decoder limit', { found, max })
}

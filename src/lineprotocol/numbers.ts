// Integer and timestamp conversion for the line scanner, with Go's strconv error texts. The common
// cases stay in double arithmetic (15 digits or fewer are exact); 16 to 19 digit timestamps are
// assembled from two 32-bit halves and turned into one bigint through a DataView, so a typical
// nanosecond timestamp costs one bigint allocation and no bigint arithmetic.

import type { ScanState } from './scan-state.js'

const TWO32 = 4294967296
const INT64_MAX = 9223372036854775807n
const INT64_MIN = -9223372036854775808n
const UINT64_MAX = 18446744073709551615n

/** The bytes `b[start, end)` as a string, one character per byte (callers pass ASCII ranges). */
export function asciiText(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1')
}

/** Go's strconv.ParseInt error for `text` (a `-?[0-9]+` string), or '' when it is an int64. */
export function checkInt64Text(text: string): string {
  const v = BigInt(text)
  return v > INT64_MAX || v < INT64_MIN
    ? `strconv.ParseInt: parsing "${text}": value out of range`
    : ''
}

/** Go's strconv.ParseUint error for `text` (a `[0-9]+` string), or '' when it is a uint64. */
export function checkUint64Text(text: string): string {
  return BigInt(text) > UINT64_MAX ? `strconv.ParseUint: parsing "${text}": value out of range` : ''
}

/**
 * Parses the timestamp `b[start, end)` — already checked to be `-?[0-9]*` and non-empty — as an
 * int64 in the line's precision units. Returns undefined and sets `st.errorText` to Go's
 * strconv.ParseInt error when it is `-` alone or out of the int64 range. Sets `st.nsInRange` to
 * whether the value, read as nanoseconds, is a valid point time.
 */
export function parseTimestamp(
  st: ScanState,
  b: Uint8Array,
  start: number,
  end: number,
  scratch: DataView,
): bigint | undefined {
  const negative = b[start] === 45 /* - */
  let p = negative ? start + 1 : start
  if (p === end) {
    st.errorText = `strconv.ParseInt: parsing "${asciiText(b, start, end)}": invalid syntax`
    return undefined
  }
  st.nsInRange = true
  if (end - p <= 15) {
    let v = 0
    for (; p < end; p++) v = v * 10 + ((b[p] ?? 48) - 48)
    return BigInt(negative ? -v : v)
  }
  let hi = 0
  let lo = 0
  if (end - p <= 19) {
    // 16 to 19 digits: the first 15 exactly in a double, then × 10^k + the last k, in halves.
    let head = 0
    const split = end - 4 < p + 15 ? end - 4 : p + 15
    for (; p < split; p++) head = head * 10 + ((b[p] ?? 48) - 48)
    let tail = 0
    let scale = 1
    for (; p < end; p++) {
      tail = tail * 10 + ((b[p] ?? 48) - 48)
      scale *= 10
    }
    const headHi = Math.floor(head / TWO32)
    lo = (head - headHi * TWO32) * scale + tail
    const carry = Math.floor(lo / TWO32)
    lo -= carry * TWO32
    hi = headHi * scale + carry
  }
  for (; p < end; p++) {
    lo = lo * 10 + ((b[p] ?? 48) - 48)
    hi = hi * 10
    if (lo >= TWO32) {
      const carry = Math.floor(lo / TWO32)
      lo -= carry * TWO32
      hi += carry
    }
    if (hi >= TWO32) break
  }
  const limit = 0x80000000
  if (p < end || hi > limit || (hi === limit && (!negative || lo > 0))) {
    st.errorText = `strconv.ParseInt: parsing "${asciiText(b, start, end)}": value out of range`
    return undefined
  }
  // As nanoseconds, only ±(2^63 − 1) and −2^63 are outside [MIN_TIME_NS, MAX_TIME_NS].
  if ((hi === 0x7fffffff && lo === 0xffffffff) || (hi === limit && lo === 0)) st.nsInRange = false
  if (negative) {
    // Two's complement of the 64-bit magnitude, half by half.
    if (lo === 0) {
      hi = (TWO32 - hi) % TWO32
    } else {
      lo = TWO32 - lo
      hi = TWO32 - 1 - hi
    }
  }
  scratch.setUint32(0, hi)
  scratch.setUint32(4, lo)
  return scratch.getBigInt64(0)
}

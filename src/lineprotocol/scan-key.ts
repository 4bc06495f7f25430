// Scans the key of a line — the measurement and its tags — exactly as influxd 1.6.7 does
// (spec §1.2 rules 1–3), recording where each tag key and value starts and ends. Here a byte is
// "escaped" when the byte before it is a backslash (influxd's rule for keys; so a token cannot end
// with a backslash). sortTags then orders the tags by their escaped key bytes and refuses
// duplicates, which is all that is needed to build the series key (spec §1.7).

import {
  R_DUPLICATE_TAGS,
  R_INVALID_TAG_FORMAT,
  R_MISSING_FIELDS,
  R_MISSING_MEASUREMENT,
  R_MISSING_TAG_KEY,
  R_MISSING_TAG_VALUE,
  growTags,
} from './scan-state.js'
import type { ScanState } from './scan-state.js'

/**
 * Scans the key of the line `b[start, end)`. Returns the offset of the space that ends the key,
 * or the negated reason code. Fills `measurementEnd`, `tagCount` and the tag offsets of `st`.
 */
export function scanKey(st: ScanState, b: Uint8Array, start: number, end: number): number {
  let i = start
  if (i >= end || b[i] === 44 /* , */) return -R_MISSING_MEASUREMENT
  st.tagCount = 0
  for (;;) {
    i++
    if (i >= end) return -R_MISSING_FIELDS
    const c = b[i] ?? 0
    // Every terminator (space, `,`, `=`) sorts at or below `=`: skip the rest quickly.
    if (c > 61 /* = */ || b[i - 1] === 92 /* \ */) continue
    if (c === 32 /* space */) {
      st.measurementEnd = i
      return i
    }
    if (c === 44 /* , */) break
  }
  st.measurementEnd = i
  i++
  let n = 0
  for (;;) {
    if (n === st.tagKeyStart.length) growTags(st)
    st.tagKeyStart[n] = i
    let c = b[i]
    if (i >= end || c === 32 /* space */ || c === 44 /* , */ || c === 61 /* = */)
      return -R_MISSING_TAG_KEY
    for (;;) {
      i++
      if (i >= end) return -R_MISSING_TAG_VALUE
      c = b[i] ?? 0
      if (c > 61 /* = */) continue
      if (c === 61 /* = */) {
        if (b[i - 1] !== 92 /* \ */) break
      } else if (c === 32 /* space */ && b[i - 1] !== 92 /* \ */) {
        return -R_MISSING_TAG_VALUE
      } else if (c === 44 /* , */ && b[i - 1] !== 92 /* \ */) {
        return -R_MISSING_TAG_VALUE
      }
    }
    st.tagKeyEnd[n] = i
    i++
    c = b[i]
    if (i >= end || c === 44 /* , */ || c === 32 /* space */) return -R_MISSING_TAG_VALUE
    for (;;) {
      i++
      if (i >= end) return -R_MISSING_FIELDS
      c = b[i] ?? 0
      if (c > 61 /* = */) continue
      if (c === 61 /* = */) {
        if (b[i - 1] !== 92 /* \ */) return -R_INVALID_TAG_FORMAT
      } else if (c === 44 /* , */) {
        if (b[i - 1] !== 92 /* \ */) break
      } else if (c === 32 /* space */) {
        if (b[i - 1] !== 92 /* \ */) {
          st.tagValueEnd[n] = i
          st.tagCount = n + 1
          return i
        }
      }
    }
    st.tagValueEnd[n] = i
    n++
    i++
  }
}

/** Compares the escaped keys of tags `x` and `y` of `st` as bytes (bytes.Compare). */
function compareTagKeys(st: ScanState, b: Uint8Array, x: number, y: number): number {
  let p = st.tagKeyStart[x] ?? 0
  const pe = st.tagKeyEnd[x] ?? 0
  let q = st.tagKeyStart[y] ?? 0
  const qe = st.tagKeyEnd[y] ?? 0
  while (p < pe && q < qe) {
    const d = (b[p] ?? 0) - (b[q] ?? 0)
    if (d !== 0) return d
    p++
    q++
  }
  return pe - p - (qe - q)
}

/**
 * Puts the tags of `st` in series key order (ascending escaped key bytes) into `st.tagOrder`.
 * Returns 0, or -R_DUPLICATE_TAGS when two tags have the same escaped key. Returns whether the
 * tags were already in order as `1` (so the key text can be used as written).
 */
export function sortTags(st: ScanState, b: Uint8Array): number {
  const n = st.tagCount
  const order = st.tagOrder
  for (let k = 0; k < n; k++) order[k] = k
  let sorted = true
  for (let k = 0; k + 1 < n; k++) {
    const cmp = compareTagKeys(st, b, k, k + 1)
    if (cmp === 0) return -R_DUPLICATE_TAGS
    if (cmp > 0) {
      sorted = false
      break
    }
  }
  if (sorted) return 1
  for (let k = 1; k < n; k++) {
    const t = order[k] ?? 0
    let j = k
    while (j > 0 && compareTagKeys(st, b, t, order[j - 1] ?? 0) < 0) {
      order[j] = order[j - 1] ?? 0
      j--
    }
    order[j] = t
  }
  for (let k = 0; k + 1 < n; k++) {
    if (compareTagKeys(st, b, order[k] ?? 0, order[k + 1] ?? 0) === 0) return -R_DUPLICATE_TAGS
  }
  return 0
}

// The slow path for odd field sections. influxd validates fields with one scanner (scanFields)
// but later splits them into keys and values with a different one (models.walkFields and the
// field iterator): keys end at the first `=` not directly after a backslash, values at the first
// `,` outside quotes, where only `\"` and `\\` are escapes. For ordinary lines both agree and the
// parser keeps what scanFields recorded; when they may not (scanFields set `needsWalk`), this
// module re-splits the section the second way, as influxd stores it. A walk that runs out of
// section gives influxd's `invalid value: field-key=<key>`. A value the second pass cannot
// type (empty, or text that is no number, string or boolean) would make influxd fail the whole
// write later; we refuse just that line with `invalid field format` instead.

import { R_INVALID_FIELD_FORMAT, R_TEXT, growFields } from './scan-state.js'
import type { ScanState } from './scan-state.js'
import { asciiText, checkInt64Text, checkUint64Text } from './numbers.js'

const INTEGER_TEXT = /^-?[0-9]+$/
const UNSIGNED_TEXT = /^[0-9]+$/
const FLOAT_TEXT = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])
/** First bytes that make the field iterator read a value as a number: `0-9 - . n N i I u`. */
const NUMERIC_FIRST = new Set([
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 45, 46, 110, 78, 105, 73, 117,
])

/** Types and converts the value `b[start, end)` into field `f`; false when it has no valid type. */
function classify(
  st: ScanState,
  b: Uint8Array,
  start: number,
  end: number,
  f: number,
  allowUnsigned: boolean,
): boolean {
  if (start >= end) return false
  const c0 = b[start] ?? 0
  const last = b[end - 1] ?? 0
  if (c0 === 34 /* " */) {
    st.fieldKind[f] = 6 /* K_STRING */
    return end - start >= 2
  }
  if (NUMERIC_FIRST.has(c0)) {
    if (last === 105 /* i */) {
      const text = asciiText(b, start, end - 1)
      if (!INTEGER_TEXT.test(text) || checkInt64Text(text) !== '') return false
      st.fieldKind[f] = 2 /* K_INTEGER */
      st.fieldNumber[f] = NaN
      return true
    }
    if (last === 117 /* u */) {
      const text = asciiText(b, start, end - 1)
      if (!allowUnsigned || !UNSIGNED_TEXT.test(text) || checkUint64Text(text) !== '') return false
      st.fieldKind[f] = 3 /* K_UNSIGNED */
      st.fieldNumber[f] = NaN
      return true
    }
    const text = asciiText(b, start, end)
    const value = Number(text)
    if (!FLOAT_TEXT.test(text) || !Number.isFinite(value)) return false
    st.fieldKind[f] = 1 /* K_FLOAT */
    st.fieldNumber[f] = value
    return true
  }
  const word = asciiText(b, start, end)
  if (TRUE_WORDS.has(word)) st.fieldKind[f] = 4 /* K_TRUE */
  else if (FALSE_WORDS.has(word)) st.fieldKind[f] = 5 /* K_FALSE */
  else return false
  return true
}

/**
 * Re-splits the fields section `b[start, end)` the way influxd stores it, replacing the fields
 * recorded in `st`, and checks each field's TSM key length against `maxKeyBytes` in the same
 * order as influxd (`keyBytes` is the series key length). Returns 0 or the negated reason code
 * (with `st.errorText` for -R_TEXT).
 */
export function walkFields(
  st: ScanState,
  b: Uint8Array,
  start: number,
  end: number,
  keyBytes: number,
  maxKeyBytes: number,
  allowUnsigned: boolean,
): number {
  let n = 0
  let p = start
  while (p < end) {
    let k = p
    // The key ends at the first `=` (61) not directly after a backslash (92).
    while (k < end && !(b[k] === 61 && (k === p || b[k - 1] !== 92))) k++
    if (k >= end - 1) {
      const key = Buffer.from(b.buffer, b.byteOffset + p, k - p).toString('utf8')
      st.errorText = `invalid value: field-key=${key}`
      return -R_TEXT
    }
    const size = keyBytes + 4 + (k - p)
    if (size > maxKeyBytes) {
      st.errorText = `max key length exceeded: ${size} > ${maxKeyBytes}`
      return -R_TEXT
    }
    let j = k + 1
    let quoted = false
    while (j < end) {
      const c = b[j]
      // `\"` and `\\` (92 then 34 or 92) are skipped as pairs.
      const next = b[j + 1]
      if (c === 92 && j + 1 < end && (next === 34 || next === 92)) {
        j += 2
        continue
      }
      if (c === 34 /* " */) quoted = !quoted
      else if (c === 44 /* , */ && !quoted) break
      j++
    }
    if (n === st.fieldKeyStart.length) growFields(st)
    st.fieldKeyStart[n] = p
    st.fieldKeyEnd[n] = k
    st.fieldValueStart[n] = k + 1
    st.fieldValueEnd[n] = j
    n++
    p = j + 1
  }
  st.fieldCount = n
  for (let f = 0; f < n; f++) {
    const ok = classify(
      st,
      b,
      st.fieldValueStart[f] ?? 0,
      st.fieldValueEnd[f] ?? 0,
      f,
      allowUnsigned,
    )
    if (!ok) return -R_INVALID_FIELD_FORMAT
  }
  return 0
}

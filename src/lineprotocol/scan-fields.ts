// Scans the fields section of a line exactly as influxd 1.6.7 does (spec §1.2 rule 4 and §1.4):
// a backslash hides the next byte, `"` toggles quoting only in a value position, every unquoted
// `=` starts a value whose first byte picks its type, numbers and booleans are checked as they
// are scanned. While scanning it records each field's key and value offsets and computes numeric
// values, so the caller does not look at the bytes again. When a line is odd enough that influxd's
// second pass over the fields (models.walkFields / the field iterator) would split it differently
// — a field key that ends with a backslash, text after a string's closing quote, a stray `=` —
// it sets `needsWalk` and the caller re-splits the section with field-walk.ts.

import {
  R_INVALID_BOOLEAN,
  R_INVALID_FIELD_FORMAT,
  R_INVALID_FLOAT,
  R_INVALID_NUMBER,
  R_MISSING_FIELD_KEY,
  R_MISSING_FIELD_VALUE,
  R_TEXT,
  R_UNBALANCED_QUOTES,
  growFields,
} from './scan-state.js'
import type { ScanState } from './scan-state.js'
import { asciiText, checkInt64Text, checkUint64Text } from './numbers.js'

/** Powers of ten that are exact doubles, for the decimal fast path. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/** Returns the first offset in `[i, end)` that is not a space, TAB or NUL. */
export function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i]
    if (c !== 32 /* space */ && c !== 9 /* TAB */ && c !== 0 /* NUL */) break
    i++
  }
  return i
}

/**
 * Scans the number that starts at `start` (influxd's scanNumber). Records kind and value in field
 * `f` of `st` when `f >= 0`. Returns the offset after the number or the negated reason code.
 */
function scanNumber(
  st: ScanState,
  b: Uint8Array,
  start: number,
  end: number,
  f: number,
  allowUnsigned: boolean,
): number {
  let i = start
  const negative = b[i] === 45 /* - */
  if (negative) {
    i++
    if (i === end) return -R_INVALID_NUMBER
  }
  let isInt = false
  let isUnsigned = false
  let decimal = false
  let scientific = false
  let mantissa = 0
  // The leading digits, the common case, in a tight loop; the general loop below takes the rest.
  const first = i
  for (; i < end; i++) {
    const c = b[i] ?? 0
    if (c < 48 || c > 57) break
    mantissa = mantissa * 10 + (c - 48)
  }
  let digits = i - first
  let fraction = 0
  for (; i < end; i++) {
    const c = b[i] ?? 0
    if (c >= 48 && c <= 57) {
      if (!scientific) {
        mantissa = mantissa * 10 + (c - 48)
        digits++
        if (decimal) fraction++
      }
      continue
    }
    if (c === 44 /* , */ || c === 32 /* space */) break
    const suffix = c === 105 /* i */ || c === 117 /* u */
    if (suffix && i > start && !(isInt || isUnsigned)) {
      if (c === 105 /* i */) isInt = true
      else isUnsigned = true
      continue
    }
    if (c === 46 /* . */) {
      if (decimal) return -R_INVALID_NUMBER
      decimal = true
      if (scientific) continue
      // The fraction digits, in a tight loop too.
      let j = i + 1
      for (; j < end; j++) {
        const d = b[j] ?? 0
        if (d < 48 || d > 57) break
        mantissa = mantissa * 10 + (d - 48)
      }
      digits += j - i - 1
      fraction += j - i - 1
      i = j - 1
      continue
    }
    const exponent = c === 101 /* e */ || c === 69 /* E */
    if (exponent && i > start) {
      scientific = true
      continue
    }
    if (c === 43 /* + */ || c === 45 /* - */) {
      const p = b[i - 1]
      if (p === 101 /* e */ || p === 69 /* E */) continue
    }
    return -R_INVALID_NUMBER
  }
  if ((isInt || isUnsigned) && (decimal || scientific)) return -R_INVALID_NUMBER
  let numericDigits = i - start
  if (isInt) numericDigits--
  if (decimal) numericDigits--
  if (negative) numericDigits--
  if (numericDigits === 0) return -R_INVALID_NUMBER
  if (isInt) {
    if (b[i - 1] !== 105 /* i */) return -R_INVALID_NUMBER
    let value = negative ? -mantissa : mantissa
    if (digits > 15) {
      const text = asciiText(b, start, i - 1)
      const err = checkInt64Text(text)
      if (err !== '') {
        st.errorText = `unable to parse integer ${text}: ${err}`
        return -R_TEXT
      }
      value = NaN
    }
    if (f >= 0) {
      st.fieldKind[f] = 2 /* K_INTEGER */
      st.fieldNumber[f] = value
    }
    return i
  }
  if (isUnsigned) {
    if (!allowUnsigned || b[i - 1] !== 117 /* u */ || negative) return -R_INVALID_NUMBER
    let value = mantissa
    if (digits > 15) {
      const text = asciiText(b, start, i - 1)
      const err = checkUint64Text(text)
      if (err !== '') {
        st.errorText = `unable to parse unsigned ${text}: ${err}`
        return -R_TEXT
      }
      value = NaN
    }
    if (f >= 0) {
      st.fieldKind[f] = 3 /* K_UNSIGNED */
      st.fieldNumber[f] = value
    }
    return i
  }
  let value: number
  if (!scientific && digits <= 15) {
    value = mantissa / (POW10[fraction] ?? 1)
    if (negative) value = -value
  } else {
    // The exact, correctly rounded conversion; as strict as Go's ParseFloat on this alphabet.
    value = Number(asciiText(b, start, i))
    if (!Number.isFinite(value)) return -R_INVALID_FLOAT
  }
  if (f >= 0) {
    st.fieldKind[f] = 1 /* K_FLOAT */
    st.fieldNumber[f] = value
  }
  return i
}

/** Scans a boolean value (influxd's scanBoolean); returns the offset after it or -reason. */
function scanBoolean(st: ScanState, b: Uint8Array, start: number, end: number, f: number): number {
  const c0 = b[start]
  if (c0 !== 116 /* t */ && c0 !== 102 /* f */ && c0 !== 84 /* T */ && c0 !== 70 /* F */)
    return -R_INVALID_BOOLEAN
  let i = start + 1
  while (i < end) {
    const c = b[i]
    if (c === 44 /* , */ || c === 32 /* space */) break
    i++
  }
  const n = i - start
  const truthy = c0 === 116 /* t */ || c0 === 84 /* T */
  if (n !== 1) {
    if (n !== (truthy ? 4 : 5) || !isBooleanWord(b, start, c0)) return -R_INVALID_BOOLEAN
  }
  if (f >= 0) st.fieldKind[f] = truthy ? 4 /* K_TRUE */ : 5 /* K_FALSE */
  return i
}

/** Whether the bytes at `start` spell `word` (the caller checked the length). */
function spells(b: Uint8Array, start: number, word: string): boolean {
  for (let k = 1; k < word.length; k++) {
    if (b[start + k] !== word.charCodeAt(k)) return false
  }
  return true
}

/** Whether `b[start..]` spells true, True, TRUE, false, False or FALSE (length already checked). */
function isBooleanWord(b: Uint8Array, start: number, c0: number): boolean {
  switch (c0) {
    case 116 /* t */:
      return spells(b, start, 'true')
    case 102 /* f */:
      return spells(b, start, 'false')
    case 84 /* T */:
      return spells(b, start, 'TRUE') || spells(b, start, 'True')
    default:
      return spells(b, start, 'FALSE') || spells(b, start, 'False')
  }
}

/**
 * Scans the fields section of the line that ends at `end`, starting at `from` (the space after the
 * key). Returns the offset where the section ends (a space or `end`) or the negated reason code.
 * Fills the field offsets, kinds and values of `st`, `fieldsStart` and `needsWalk`.
 */
export function scanFields(
  st: ScanState,
  b: Uint8Array,
  from: number,
  end: number,
  allowUnsigned: boolean,
): number {
  let i = skipWhitespace(b, from, end)
  st.fieldsStart = i
  st.needsWalk = false
  let quoted = false
  let equals = 0
  let commas = 0
  let n = 0
  let segmentStart = i
  let segmentHasField = false
  let stringField = -1
  let stringClose = -1
  while (i < end) {
    const c = b[i] ?? 0
    // Letters and most punctuation sort above `=`; of those only the backslash is special.
    if (c > 61 /* = */ && c !== 92 /* \ */) {
      i++
      continue
    }
    if (c === 92 /* \ */ && i + 1 < end) {
      i += 2
      continue
    }
    if (c === 34 /* " */ && equals > commas) {
      quoted = !quoted
      if (!quoted && stringClose < 0) stringClose = i
      i++
      continue
    }
    if (c === 61 /* = */ && !quoted) {
      equals++
      const p1 = b[i - 1]
      const afterSeparator = p1 === 32 /* space */ || p1 === 44 /* , */
      if (afterSeparator && b[i - 2] !== 92 /* \ */) return -R_MISSING_FIELD_KEY
      if (i + 1 >= end) return -R_MISSING_FIELD_VALUE
      const v = b[i + 1] ?? 0
      if (v === 44 /* , */ || v === 32 /* space */) return -R_MISSING_FIELD_VALUE
      let f = -1
      if (segmentHasField) {
        st.needsWalk = true
      } else {
        if (n === st.fieldKeyStart.length) growFields(st)
        f = n++
        segmentHasField = true
        st.fieldKeyStart[f] = segmentStart
        st.fieldKeyEnd[f] = i
        st.fieldValueStart[f] = i + 1
        if (p1 === 92 /* \ */) st.needsWalk = true
      }
      if (
        (v >= 48 && v <= 57) ||
        v === 46 /* . */ ||
        v === 45 /* - */ ||
        v === 78 /* N */ ||
        v === 110 /* n */
      ) {
        const r = scanNumber(st, b, i + 1, end, f, allowUnsigned)
        if (r < 0) return r
        if (f >= 0) st.fieldValueEnd[f] = r
        i = r
        continue
      }
      if (v !== 34 /* " */) {
        const r = scanBoolean(st, b, i + 1, end, f)
        if (r < 0) return r
        if (f >= 0) st.fieldValueEnd[f] = r
        i = r
        continue
      }
      if (f >= 0) {
        st.fieldKind[f] = 6 /* K_STRING */
        stringField = f
        stringClose = -1
      }
      i++
      continue
    }
    if (!quoted) {
      if (c === 44 /* , */) {
        commas++
        if (!segmentHasField) st.needsWalk = true
        if (stringField >= 0) {
          st.fieldValueEnd[stringField] = i
          if (stringClose !== i - 1) st.needsWalk = true
          stringField = -1
        }
        segmentStart = i + 1
        segmentHasField = false
      } else if (c === 32 /* space */) {
        break
      }
    }
    i++
  }
  if (quoted) return -R_UNBALANCED_QUOTES
  if (equals === 0 || commas !== equals - 1) return -R_INVALID_FIELD_FORMAT
  if (!segmentHasField) st.needsWalk = true
  if (stringField >= 0) {
    st.fieldValueEnd[stringField] = i
    if (stringClose !== i - 1) st.needsWalk = true
  }
  st.fieldCount = n
  return i
}

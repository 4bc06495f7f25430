// The scratch state the line scanner fills for one line at a time: byte offsets of the tags and
// fields found (absolute offsets into the request body), the kind and numeric value of each field,
// and the reason codes with InfluxDB's exact texts. One ScanState serves a whole parsePoints call,
// so scanning a line allocates nothing. Scanner functions return an offset (>= 0) on success or
// the negated reason code on failure.

/** The reason is in `ScanState.errorText` (texts that carry a number or a key). */
export const R_TEXT = 1
export const R_MISSING_FIELDS = 2
export const R_MISSING_MEASUREMENT = 3
export const R_MISSING_TAG_KEY = 4
export const R_MISSING_TAG_VALUE = 5
export const R_INVALID_TAG_FORMAT = 6
export const R_DUPLICATE_TAGS = 7
export const R_MISSING_FIELD_KEY = 8
export const R_MISSING_FIELD_VALUE = 9
export const R_INVALID_FIELD_FORMAT = 10
export const R_UNBALANCED_QUOTES = 11
export const R_INVALID_NUMBER = 12
export const R_INVALID_BOOLEAN = 13
export const R_INVALID_FLOAT = 14
export const R_BAD_TIMESTAMP = 15
export const R_POINT_INVALID = 16
export const R_TIME_RANGE = 17

/** InfluxDB 1.6.7's reason texts, indexed by reason code. */
export const REASON_TEXTS: readonly string[] = [
  '',
  '',
  'missing fields',
  'missing measurement',
  'missing tag key',
  'missing tag value',
  'invalid tag format',
  'duplicate tags',
  'missing field key',
  'missing field value',
  'invalid field format',
  'unbalanced quotes',
  'invalid number',
  'invalid boolean',
  'invalid float',
  'bad timestamp',
  'point is invalid',
  'time outside range -9223372036854775806 - 9223372036854775806',
]

/*
 * Field kinds as the scanner records them in `fieldKind` (booleans carry their value in the kind):
 * 1 float, 2 integer, 3 unsigned, 4 true, 5 false, 6 string.
 *
 * The scanners write byte values and kind codes as number literals with a comment naming them
 * (`c === 61`, commented `=`) rather than as imported constants: V8 reloads an imported binding
 * from its module cell on every use, and that made the byte loops about twice as slow.
 */

/** Per-call scratch state of the scanner. Offsets are absolute offsets into the body. */
export interface ScanState {
  /** Offset of the byte after the measurement (a `,` or a space). */
  measurementEnd: number
  tagCount: number
  tagKeyStart: Int32Array
  /** Offset of the `=` after the tag key. */
  tagKeyEnd: Int32Array
  tagValueEnd: Int32Array
  /** Tag indexes in series key order (filled by sortTags). */
  tagOrder: Int32Array
  fieldCount: number
  fieldKeyStart: Int32Array
  /** Offset of the `=` after the field key. */
  fieldKeyEnd: Int32Array
  fieldValueStart: Int32Array
  fieldValueEnd: Int32Array
  fieldKind: Uint8Array
  /** Float value, or integer value when exactly representable; NaN means "parse the text". */
  fieldNumber: Float64Array
  /** Offset where the fields section starts (after the white space that follows the key). */
  fieldsStart: number
  /** Set by scanFields when influxd's second pass over the fields would split them differently. */
  needsWalk: boolean
  /** The reason text when a scanner returns -R_TEXT. */
  errorText: string
  /** Set by parseTimestamp: whether the value, taken as nanoseconds, is a valid point time. */
  nsInRange: boolean
}

/** Creates scanner state with room for `tags` tags and `fields` fields (it grows on demand). */
export function createScanState(tags = 32, fields = 32): ScanState {
  return {
    measurementEnd: 0,
    tagCount: 0,
    tagKeyStart: new Int32Array(tags),
    tagKeyEnd: new Int32Array(tags),
    tagValueEnd: new Int32Array(tags),
    tagOrder: new Int32Array(tags),
    fieldCount: 0,
    fieldKeyStart: new Int32Array(fields),
    fieldKeyEnd: new Int32Array(fields),
    fieldValueStart: new Int32Array(fields),
    fieldValueEnd: new Int32Array(fields),
    fieldKind: new Uint8Array(fields),
    fieldNumber: new Float64Array(fields),
    fieldsStart: 0,
    needsWalk: false,
    errorText: '',
    nsInRange: true,
  }
}

function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2)
  b.set(a)
  return b
}

/** Doubles the tag capacity of `st`, keeping what was recorded. */
export function growTags(st: ScanState): void {
  const i32 = (n: number): Int32Array => new Int32Array(n)
  st.tagKeyStart = grown(st.tagKeyStart, i32)
  st.tagKeyEnd = grown(st.tagKeyEnd, i32)
  st.tagValueEnd = grown(st.tagValueEnd, i32)
  st.tagOrder = grown(st.tagOrder, i32)
}

/** Doubles the field capacity of `st`, keeping what was recorded. */
export function growFields(st: ScanState): void {
  const i32 = (n: number): Int32Array => new Int32Array(n)
  st.fieldKeyStart = grown(st.fieldKeyStart, i32)
  st.fieldKeyEnd = grown(st.fieldKeyEnd, i32)
  st.fieldValueStart = grown(st.fieldValueStart, i32)
  st.fieldValueEnd = grown(st.fieldValueEnd, i32)
  st.fieldKind = grown(st.fieldKind, (n) => new Uint8Array(n))
  st.fieldNumber = grown(st.fieldNumber, (n) => new Float64Array(n))
}

// The cache of decoded keys that parsePoints keeps: series keys with their measurement and tags,
// field keys with the Field objects that can be shared (booleans, small integers), and short
// string values. A caller that parses many bodies (the /write handler) passes one KeyCache to
// every call, so the series and fields of steady ingest are decoded once, not once per line.

import { ByteMap } from './interner.js'
import type { KeyBytes } from './interner.js'
import type { Field } from './point.js'
import type { SeriesInfo } from './series-info.js'
import type { FieldValue } from './values.js'

/** How many small non-negative integer values per field key share one Field object. */
export const SHARED_INTEGERS = 256

/** A decoded field key and the Field objects that points may share for it. */
export interface FieldKeyInfo {
  readonly key: string
  /** The field key as written (a copy), to compare with the next line's. */
  readonly bytes: KeyBytes
  readonly trueField: Field
  readonly falseField: Field
  /** Fields with integer values 0 … SHARED_INTEGERS−1, created on first use. */
  readonly integers: (Field | undefined)[]
}

// Shared objects are not frozen: frozen objects get other hidden classes, which would make every
// reader of fields polymorphic. The readonly types keep them unchanged.
const TRUE_VALUE: FieldValue = { kind: 'boolean', value: true }
const FALSE_VALUE: FieldValue = { kind: 'boolean', value: false }

/** Creates the info of field key `key`, written as `bytes`. */
export function fieldKeyInfo(key: string, bytes: KeyBytes): FieldKeyInfo {
  return {
    key,
    bytes,
    trueField: { key, value: TRUE_VALUE },
    falseField: { key, value: FALSE_VALUE },
    integers: [],
  }
}

/**
 * Decoded series keys, field keys and short string values, keyed by their bytes as written.
 * Pass the same cache to many parsePoints calls to decode each key once; points from different
 * calls then share strings, tag arrays and Field objects (all immutable). Holds at most
 * `maxEntries` entries per kind and starts over when full. Not safe for concurrent use from
 * several threads (JavaScript code in one thread may share it freely).
 */
export class KeyCache {
  /** @internal */
  readonly series: ByteMap<SeriesInfo>
  /** @internal */
  readonly fieldKeys: ByteMap<FieldKeyInfo>
  /** @internal */
  readonly strings: ByteMap<FieldValue>

  /** Creates an empty cache of at most `maxEntries` series, field keys and string values each. */
  constructor(maxEntries = 100_000) {
    this.series = new ByteMap(maxEntries)
    this.fieldKeys = new ByteMap(maxEntries)
    this.strings = new ByteMap(maxEntries)
  }
}

// The parsed form of one line: a point. A point holds its measurement, its tag set (sorted as in
// the series key), its fields in line order and its time in nanoseconds. The series key and the
// TSM key follow spec/storage-formats.md §1.7 exactly.

import type { FieldValue } from './values.js'

/** One tag of a point, un-escaped (`\,` `\ ` `\=` removed). */
export interface Tag {
  readonly key: string
  readonly value: string
}

/** One field of a point: its un-escaped key and its typed value. */
export interface Field {
  readonly key: string
  readonly value: FieldValue
}

/**
 * One point, as parsed from a line of line protocol. Points may share their `tags` array, strings
 * and Field objects with other points (of one parse, or of all parses that share a KeyCache);
 * treat everything as immutable.
 */
export interface Point {
  /**
   * The measurement name, un-escaped the way influxd does at write time: `\,` `\ ` `\=` `\"`
   * become `,` ` ` `=` `"` (spec §1.3 note); other backslashes stay.
   */
  readonly measurement: string
  /**
   * The series key: the measurement as written, then `,key=value` for every tag as written,
   * tags sorted by their escaped key bytes (spec §1.7). No re-escaping or normalisation.
   */
  readonly seriesKey: string
  /** The tags, un-escaped, in series key order. */
  readonly tags: readonly Tag[]
  /** The fields in line order; a key written twice appears twice (the last one wins on write). */
  readonly fields: readonly Field[]
  /** The time in nanoseconds since the Unix epoch. */
  readonly time: bigint
}

/** The separator between the series key and the field key in a TSM, WAL or cache key. */
export const FIELD_KEY_SEPARATOR = '#!~#'

/**
 * The TSM key (also the WAL and cache key) of one field of a series: the series key, `#!~#`, and
 * the un-escaped field key (spec §1.7).
 */
export function tsmKey(seriesKey: string, fieldKey: string): string {
  return seriesKey + FIELD_KEY_SEPARATOR + fieldKey
}

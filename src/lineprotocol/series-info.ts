// Builds what a point needs from its key once per distinct key text: the measurement name, the
// series key string and the tag objects, in series key order (spec §1.7). The parser caches the
// result per key text, so points of one series share these strings and one tags array.

import type { BodyText } from './body-text.js'
import type { FieldKeyInfo } from './key-cache.js'
import { unescapeFieldKey, unescapeTag } from './escape.js'
import type { Tag } from './point.js'
import type { ScanState } from './scan-state.js'

/** The key-derived parts of a point, shared by all points with the same key text. */
export interface SeriesInfo {
  readonly measurement: string
  readonly seriesKey: string
  readonly tags: readonly Tag[]
  /** The field keys of the last line of this series: the next line usually has the same. */
  lastFieldKeys: readonly FieldKeyInfo[]
}

/**
 * Builds the series info of the key `[start, keyEnd)` that scanKey and sortTags just recorded in
 * `st`. `inOrder` says whether the tags were written in series key order.
 */
export function buildSeriesInfo(
  st: ScanState,
  text: BodyText,
  start: number,
  keyEnd: number,
  inOrder: boolean,
): SeriesInfo {
  const whole = text.utf8(start, keyEnd)
  // When every byte decoded to one UTF-16 unit, byte offsets are string offsets.
  const aligned = whole.length === keyEnd - start
  const piece = (s: number, e: number): string =>
    aligned ? whole.slice(s - start, e - start) : text.utf8(s, e)
  const rawMeasurement = piece(start, st.measurementEnd)
  const n = st.tagCount
  const tags: Tag[] = []
  let seriesKey = inOrder ? whole : rawMeasurement
  for (let k = 0; k < n; k++) {
    const t = st.tagOrder[k] ?? 0
    const keyStart = st.tagKeyStart[t] ?? 0
    const eq = st.tagKeyEnd[t] ?? 0
    const rawKey = piece(keyStart, eq)
    const rawValue = piece(eq + 1, st.tagValueEnd[t] ?? 0)
    if (!inOrder) seriesKey += ',' + rawKey + '=' + rawValue
    tags.push({ key: unescapeTag(rawKey), value: unescapeTag(rawValue) })
  }
  return { measurement: unescapeFieldKey(rawMeasurement), seriesKey, tags, lastFieldKeys: [] }
}

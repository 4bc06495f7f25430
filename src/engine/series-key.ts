// Splitting stored keys back into their parts. A TSM key is `<series key>#!~#<field key>`; a series
// key is the measurement and the sorted tags exactly as written in line protocol (escaped). When
// influxd rebuilds its index from TSM keys it un-escapes `\,` and `\ ` in the measurement and
// `\,` `\ ` `\=` in tag keys and values; we do the same so both agree on names.

/** The separator between the series key and the field key in a TSM key. */
export const KEY_FIELD_SEPARATOR = '#!~#'

/** A tag with its key and value un-escaped. */
export interface Tag {
  readonly key: string
  readonly value: string
}

/** Splits a TSM key at the first `#!~#`; a key without one is all series key, empty field. */
export function splitTSMKey(key: string): { seriesKey: string; field: string } {
  const i = key.indexOf(KEY_FIELD_SEPARATOR)
  if (i < 0) return { seriesKey: key, field: '' }
  return { seriesKey: key.slice(0, i), field: key.slice(i + KEY_FIELD_SEPARATOR.length) }
}

/** Joins a series key and an un-escaped field key into a TSM key. */
export function joinTSMKey(seriesKey: string, field: string): string {
  return seriesKey + KEY_FIELD_SEPARATOR + field
}

/** The measurement name of a series key (un-escaped `\,` and `\ `). */
export function measurementOf(seriesKey: string): string {
  const end = scanTo(seriesKey, 0, ',')
  return unescape(seriesKey.slice(0, end), ', ')
}

/**
 * Parses a series key into its measurement name and tags (all un-escaped). A key without a
 * backslash (nearly all) is cut with indexOf, which a shard open runs for each of its series.
 */
export function parseSeriesKey(seriesKey: string): { measurement: string; tags: Tag[] } {
  return seriesKey.includes('\\')
    ? parseEscapedSeriesKey(seriesKey)
    : parsePlainSeriesKey(seriesKey)
}

/** parseSeriesKey of a key without a backslash: the same cuts, found with indexOf. */
export function parsePlainSeriesKey(seriesKey: string): { measurement: string; tags: Tag[] } {
  const length = seriesKey.length
  const at = (i: number): number => (i < 0 ? length : i)
  let end = at(seriesKey.indexOf(','))
  const measurement = seriesKey.slice(0, end)
  const tags: Tag[] = []
  while (end < length) {
    const start = end + 1
    const eq = at(seriesKey.indexOf('=', start))
    const next = at(seriesKey.indexOf(',', eq + 1))
    tags.push({ key: seriesKey.slice(start, eq), value: seriesKey.slice(eq + 1, next) })
    end = next
  }
  return { measurement, tags }
}

/** parseSeriesKey of any key, escapes included. */
export function parseEscapedSeriesKey(seriesKey: string): { measurement: string; tags: Tag[] } {
  let end = scanTo(seriesKey, 0, ',')
  const measurement = unescape(seriesKey.slice(0, end), ', ')
  const tags: Tag[] = []
  while (end < seriesKey.length) {
    const start = end + 1
    const eq = scanTo(seriesKey, start, '=')
    const next = scanTo(seriesKey, eq + 1, ',')
    tags.push({
      key: unescape(seriesKey.slice(start, eq), ', ='),
      value: unescape(seriesKey.slice(eq + 1, next), ', ='),
    })
    end = next
  }
  return { measurement, tags }
}

/** The index of the first unescaped `stop` at or after `from`, or the length of `s`. */
function scanTo(s: string, from: number, stop: string): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i]
    if (c === '\\') i++
    else if (c === stop) return i
  }
  return s.length
}

/** Removes the backslash of `\x` pairs where x is one of `chars`; other pairs stay verbatim. */
function unescape(s: string, chars: string): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? ''
    const n = s[i + 1]
    if (c === '\\' && n !== undefined && chars.includes(n)) {
      out += n
      i++
    } else {
      out += c
    }
  }
  return out
}

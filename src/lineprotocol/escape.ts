// Escaping per line protocol component (spec §1.3). A writer escapes with a backslash exactly the
// characters influxd's own point builders escape; a reader removes the backslash only before the
// characters of that component's set, reading left to right: a backslash before any other byte
// stays, and that byte may itself start the next escape (so `\\,` reads as `\,`), as in influxd.

const MEASUREMENT_SPECIAL = /[, ]/
const MEASUREMENT_SPECIAL_ALL = /[, ]/g
const TAG_SPECIAL = /[, =]/
const TAG_SPECIAL_ALL = /[, =]/g
const FIELD_KEY_SPECIAL = /[, ="]/
const FIELD_KEY_SPECIAL_ALL = /[, ="]/g
const STRING_SPECIAL = /["\\]/
const STRING_SPECIAL_ALL = /["\\]/g

/** Escapes a measurement name for line protocol: `,` and space get a backslash. */
export function escapeMeasurement(name: string): string {
  return MEASUREMENT_SPECIAL.test(name) ? name.replace(MEASUREMENT_SPECIAL_ALL, '\\$&') : name
}

/** Escapes a tag key or tag value: `,`, space and `=` get a backslash. */
export function escapeTag(text: string): string {
  return TAG_SPECIAL.test(text) ? text.replace(TAG_SPECIAL_ALL, '\\$&') : text
}

/** Escapes a field key: `,`, space, `=` and `"` get a backslash. */
export function escapeFieldKey(key: string): string {
  return FIELD_KEY_SPECIAL.test(key) ? key.replace(FIELD_KEY_SPECIAL_ALL, '\\$&') : key
}

/** Escapes a string field value (inside its quotes): `"` and `\` get a backslash. */
export function escapeStringValue(value: string): string {
  return STRING_SPECIAL.test(value) ? value.replace(STRING_SPECIAL_ALL, '\\$&') : value
}

/**
 * Removes the backslash of every `\x` pair whose `x` is in `set`, left to right. After a removed
 * backslash the escaped character is kept and skipped; any other backslash is kept and the next
 * character is examined on its own.
 */
function unescapeSet(text: string, set: string): string {
  let i = text.indexOf('\\')
  if (i < 0) return text
  let out = ''
  let from = 0
  while (i >= 0 && i + 1 < text.length) {
    if (set.includes(text.charAt(i + 1))) {
      out += text.slice(from, i)
      from = i + 1
      i = text.indexOf('\\', i + 2)
    } else {
      i = text.indexOf('\\', i + 1)
    }
  }
  return out + text.slice(from)
}

/**
 * Un-escapes a measurement name as influxd does when it rebuilds names from TSM keys: only `\,`
 * and `\ `. (A parsed Point's `measurement` also removes `\=` and `\"`, as influxd does at write
 * time; that is {@link unescapeFieldKey}'s set.)
 */
export function unescapeMeasurement(text: string): string {
  return unescapeSet(text, ', ')
}

/** Un-escapes a tag key or tag value: `\,` `\ ` `\=`. */
export function unescapeTag(text: string): string {
  return unescapeSet(text, ', =')
}

/** Un-escapes a field key (and a measurement name at write time): `\,` `\ ` `\=` `\"`. */
export function unescapeFieldKey(text: string): string {
  return unescapeSet(text, ', ="')
}

/** Un-escapes the contents of a string field value: `\"` becomes `"` and `\\` becomes `\`. */
export function unescapeStringValue(text: string): string {
  return unescapeSet(text, '"\\')
}

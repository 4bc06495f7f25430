// The shape of a TSM key as InfluxDB writes it: `<series key>#!~#<field key>`, the series key
// being the measurement and its tags as line protocol escapes them
// (`cpu,host=a\ b,region=eu`). Read-side checks only; splitting keys for the index lives in
// the engine (engine/series-key.ts).

/** The index of the first `stop` in `s` in [from, end) that no backslash escapes, or -1. */
function unescaped(s: string, from: number, stop: string, end = s.length): number {
  for (let i = from; i < end; i++) {
    const c = s[i]
    if (c === '\\') i++
    else if (c === stop) return i
  }
  return -1
}

/**
 * What is wrong with TSM key `key`, or undefined when it has a measurement, a field key and tags
 * whose keys and values are not empty (what InfluxDB's line protocol parser lets through).
 */
export function tsmKeyProblem(key: string): string | undefined {
  const sep = key.indexOf('#!~#')
  if (sep < 0) return 'no field key (no "#!~#" separator)'
  if (sep + 4 === key.length) return 'an empty field key'
  let at = unescaped(key, 0, ',', sep)
  if (at === 0 || sep === 0) return 'an empty measurement name'
  while (at >= 0) {
    const start = at + 1
    const next = unescaped(key, start, ',', sep)
    const end = next < 0 ? sep : next
    const eq = unescaped(key, start, '=', end)
    if (eq < 0) return `a tag without "=" at byte ${start} of the series key`
    if (eq === start) return `a tag with an empty key at byte ${start} of the series key`
    if (eq + 1 === end) return `a tag with an empty value at byte ${start} of the series key`
    at = next
  }
  return undefined
}

/**
 * The measurement (as escaped in the key) and field of well-formed TSM key `key`, joined by a NUL:
 * what one type belongs to in a shard.
 */
export function measurementFieldKey(key: string): string {
  const sep = key.indexOf('#!~#')
  const comma = unescaped(key, 0, ',', sep)
  return `${key.slice(0, comma < 0 ? sep : comma)}\0${key.slice(sep + 4)}`
}

// Validation of `tz('...')` names. InfluxDB asks Go's time.LoadLocation, which accepts "", "UTC",
// "Local" and any IANA zone file name, matched case-sensitively. We ask the JavaScript runtime's
// IANA database (Intl) instead, and reject names that differ from a canonical zone only in case,
// since Go would not find their file. Zone aliases (`US/Pacific`) are accepted as Intl knows them
// (in any case, unlike Go), and Go's `posix/...` and `right/...` variants are not.

let canonicalByLowerCase: ReadonlyMap<string, string> | undefined

function canonicalNames(): ReadonlyMap<string, string> {
  if (canonicalByLowerCase === undefined) {
    const map = new Map<string, string>()
    for (const name of Intl.supportedValuesOf('timeZone')) map.set(name.toLowerCase(), name)
    canonicalByLowerCase = map
  }
  return canonicalByLowerCase
}

/** Whether InfluxDB would find a time zone of this name for `tz('...')`. */
export function isKnownTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return false
  let resolved: string
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return false
  }
  const lower = name.toLowerCase()
  if (resolved !== name && resolved.toLowerCase() === lower) return false
  const canonical = canonicalNames().get(lower)
  return canonical === undefined || canonical === name
}

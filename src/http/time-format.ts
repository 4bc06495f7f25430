// Renders result timestamps as InfluxDB does: time.Time marshalled to JSON is RFC3339 with
// nanoseconds and trailing zeros dropped (`2026-11-20T00:00:19.5Z`), `Z` for UTC and `+hh:mm`
// for a tz() offset; with an `epoch` the first column becomes an integer in that unit.

const NS_PER_SECOND = 1_000_000_000n

/**
 * Formats `ns` (nanoseconds since the Unix epoch) as Go's time.RFC3339Nano in a zone `offsetSeconds`
 * east of UTC: `YYYY-MM-DDTHH:MM:SS[.fraction]Z` or `…+hh:mm`.
 */
export function formatRFC3339Nano(ns: bigint, offsetSeconds = 0): string {
  let seconds = ns / NS_PER_SECOND
  let nanos = Number(ns - seconds * NS_PER_SECOND)
  if (nanos < 0) {
    nanos += 1_000_000_000
    seconds -= 1n
  }
  const base = formatSeconds(Number(seconds) + offsetSeconds)
  return (
    (nanos === 0 ? base : base + fraction(nanos)) +
    (offsetSeconds === 0 ? 'Z' : formatOffset(offsetSeconds))
  )
}

/** Two-digit strings 00–99. */
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'))

let cachedDay = Number.NaN
let cachedDate = ''

/** `YYYY-MM-DDTHH:MM:SS` for Unix seconds (proleptic Gregorian, days from civil arithmetic). */
function formatSeconds(unixSeconds: number): string {
  const days = Math.floor(unixSeconds / 86400)
  let rem = unixSeconds - days * 86400
  if (days !== cachedDay) {
    cachedDay = days
    cachedDate = formatDays(days)
  }
  const hh = Math.floor(rem / 3600)
  rem -= hh * 3600
  const mm = Math.floor(rem / 60)
  return `${cachedDate}T${TWO[hh] ?? ''}:${TWO[mm] ?? ''}:${TWO[rem - mm * 60] ?? ''}`
}

/** `YYYY-MM-DD` of a day count since 1970-01-01 (the "civil from days" algorithm). */
function formatDays(z0: number): string {
  const z = z0 + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, '0')}-${TWO[m] ?? ''}-${TWO[d] ?? ''}`
}

/** `.fraction` of 1–999999999 nanoseconds without trailing zeros. */
function fraction(nanos: number): string {
  let digits = 9
  let n = nanos
  while (n % 10 === 0) {
    n /= 10
    digits--
  }
  return `.${String(n).padStart(digits, '0')}`
}

function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'Z'
  const sign = offsetSeconds < 0 ? '-' : '+'
  const abs = Math.abs(offsetSeconds)
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0')
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0')
  return `${sign}${hh}:${mm}`
}

/**
 * The divisor InfluxDB 1.6.7 applies for an `epoch` parameter: `u` 10³, `ms` 10⁶, `s` 10⁹,
 * `m` 6·10¹⁰, `h` 3.6·10¹²; any other non-empty value (`ns`, `n`, `µ`, `x`) means nanoseconds.
 * Undefined for '' (times stay RFC3339 strings).
 */
export function epochDivisor(epoch: string): bigint | undefined {
  switch (epoch) {
    case '':
      return undefined
    case 'u':
      return 1_000n
    case 'ms':
      return 1_000_000n
    case 's':
      return NS_PER_SECOND
    case 'm':
      return 60n * NS_PER_SECOND
    case 'h':
      return 3600n * NS_PER_SECOND
    default:
      return 1n
  }
}

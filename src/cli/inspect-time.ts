// Time text for tidemark-inspect: RFC3339 parsing of the -start/-end flags (nanosecond exact, as
// Go's time.Parse(time.RFC3339, …) accepts them: an optional fraction after the seconds, `Z` or a
// ±hh:mm offset) and the three ways the tools print times — RFC3339 in whole seconds (export
// header), RFC3339 with the shortest nanosecond fraction (dumptsm), and Go's Duration.String.

import { FlagError } from './flags.js'

/** The smallest and largest int64, the default export bounds. */
export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

const NS_PER_SECOND = 1_000_000_000n
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

/**
 * Parses an RFC3339 time (`2020-01-02T03:04:05Z`, `2020-01-02T03:04:05.123456789+01:00`) into
 * nanoseconds since the epoch. Throws FlagError naming `flag` for malformed text, impossible
 * dates (month 13, February 30) and times outside int64 nanoseconds (1677-09-21 … 2262-04-11).
 */
export function parseRFC3339(text: string, flag: string): bigint {
  try {
    return rfc3339Nanos(text)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    throw new FlagError(`invalid value "${text}" for flag -${flag}: ${err.message}`, flag)
  }
}

/**
 * Nanoseconds since the epoch of an RFC3339 time, as parseRFC3339; throws RangeError saying what
 * is wrong with `text`.
 */
export function rfc3339Nanos(text: string): bigint {
  const bad = (why: string): RangeError => new RangeError(why)
  const m = RFC3339.exec(text)
  if (m === null) throw bad('not an RFC3339 time (expected e.g. 2020-01-02T15:04:05Z)')
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (year < 1677 || year > 2262) {
    throw bad('outside the range of nanosecond timestamps (1677-09-21 … 2262-04-11)')
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const back = new Date(ms)
  if (
    month < 1 ||
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw bad('day, month or time of day out of range')
  }
  let offsetSeconds = 0
  if (m[8] !== 'Z') {
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) throw bad('time zone offset out of range')
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60)
  }
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0'))
  const ns = (BigInt(ms / 1000) - BigInt(offsetSeconds)) * NS_PER_SECOND + fraction
  if (ns < INT64_MIN || ns > INT64_MAX) {
    throw bad('outside the range of nanosecond timestamps (1677-09-21 … 2262-04-11)')
  }
  return ns
}

function isoSeconds(ns: bigint): { text: string; fraction: bigint } {
  const seconds = floorDiv(ns, NS_PER_SECOND)
  const text = new Date(Number(seconds) * 1000).toISOString().slice(0, 19)
  return { text, fraction: ns - seconds * NS_PER_SECOND }
}

/** `ns` as RFC3339 in UTC with whole seconds (`2020-01-02T03:04:05Z`), as Go's time.RFC3339. */
export function formatRFC3339(ns: bigint): string {
  return isoSeconds(ns).text + 'Z'
}

/**
 * The process's time zone's wall clock, to the second: made on first use, as making one costs
 * ~25 ms (ICU loads its time zone data), which every tidemark-ctl command would pay at start.
 */
let localClock: Intl.DateTimeFormat | undefined
const newLocalClock = (): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
    era: 'short',
  })

/**
 * `ns` as RFC3339 with whole seconds in the process's time zone (`TZ`), as Go formats
 * time.Unix(0, ns) with time.RFC3339: `2026-11-26T08:01:00-05:00`, or `…Z` where the offset is 0.
 */
export function formatRFC3339Local(ns: bigint): string {
  const seconds = floorDiv(ns, NS_PER_SECOND)
  // Seconds east of UTC, from the local wall clock (local mean time before 1900 has seconds,
  // which Date's getTimezoneOffset rounds away; Go prints only the hh:mm of such an offset).
  const wall = (localClock ??= newLocalClock()).formatToParts(new Date(Number(seconds) * 1000))
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(wall.find((p) => p.type === type)?.value ?? 0)
  const era = wall.find((p) => p.type === 'era')?.value === 'BC' ? -1 : 1
  const localSeconds =
    Date.UTC(
      era * part('year'),
      part('month') - 1,
      part('day'),
      part('hour'),
      part('minute'),
      part('second'),
    ) / 1000
  const offset = localSeconds - Number(seconds)
  if (offset === 0) return formatRFC3339(ns)
  const local = formatRFC3339(ns + BigInt(offset) * NS_PER_SECOND).slice(0, -1)
  const a = Math.abs(offset)
  const hh = String(Math.floor(a / 3600)).padStart(2, '0')
  const mm = String(Math.floor((a % 3600) / 60)).padStart(2, '0')
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`
}

/** `ns` as RFC3339 in UTC with the shortest exact fraction, as Go's time.RFC3339Nano. */
export function formatRFC3339Nano(ns: bigint): string {
  const { text, fraction } = isoSeconds(ns)
  if (fraction === 0n) return text + 'Z'
  return `${text}.${String(fraction).padStart(9, '0').replace(/0+$/, '')}Z`
}

function trimFraction(whole: bigint, frac: bigint, digits: number): string {
  if (frac === 0n) return String(whole)
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`
}

/**
 * A duration in nanoseconds as Go's time.Duration.String prints it: `0s`, `1.5µs`, `250ms`,
 * `1m30s`, `24h0m0s`, `-2s`.
 */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const sign = ns < 0n ? '-' : ''
  const abs = ns < 0n ? -ns : ns
  if (abs < 1000n) return `${sign}${abs}ns`
  if (abs < 1_000_000n) return `${sign}${trimFraction(abs / 1000n, abs % 1000n, 3)}µs`
  if (abs < NS_PER_SECOND) return `${sign}${trimFraction(abs / 1_000_000n, abs % 1_000_000n, 6)}ms`
  const totalSeconds = abs / NS_PER_SECOND
  const seconds = trimFraction(totalSeconds % 60n, abs % NS_PER_SECOND, 9) + 's'
  const totalMinutes = totalSeconds / 60n
  if (totalMinutes === 0n) return sign + seconds
  const hours = totalMinutes / 60n
  const minutes = `${totalMinutes % 60n}m`
  return hours === 0n ? sign + minutes + seconds : `${sign}${hours}h${minutes}${seconds}`
}

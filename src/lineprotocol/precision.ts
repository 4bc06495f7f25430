// Timestamp precision (spec §1.5): the unit a line's timestamp is written in, the valid time
// range, and the server time given to lines without a timestamp.

/** The earliest time a point may have, in ns: int64 min + 2 (influxd reserves the two below). */
export const MIN_TIME_NS = -9223372036854775806n
/** The latest time a point may have, in ns: int64 max − 1. */
export const MAX_TIME_NS = 9223372036854775806n

/**
 * Nanoseconds per unit of an InfluxDB precision: `n` 1, `u` 10³, `ms` 10⁶, `s` 10⁹,
 * `m` 6·10¹⁰, `h` 3.6·10¹². Anything else — including `ns`, `us`, empty or missing — means
 * nanoseconds, as in influxd.
 */
export function precisionMultiplier(precision: string | undefined): bigint {
  switch (precision) {
    case 'u':
      return 1_000n
    case 'ms':
      return 1_000_000n
    case 's':
      return 1_000_000_000n
    case 'm':
      return 60_000_000_000n
    case 'h':
      return 3_600_000_000_000n
    default:
      return 1n
  }
}

/** Rounds `timeNs` down to a multiple of `unitNs` (Go's Time.Truncate; floors negative times). */
export function truncateTime(timeNs: bigint, unitNs: bigint): bigint {
  if (unitNs <= 1n) return timeNs
  const r = timeNs % unitNs
  return r < 0n ? timeNs - r - unitNs : timeNs - r
}

/** The current wall-clock time in nanoseconds since the Unix epoch (microsecond resolution). */
export function nowNs(): bigint {
  const ms = performance.timeOrigin + performance.now()
  const whole = Math.floor(ms)
  return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1000) * 1000)
}

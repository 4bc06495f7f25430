// Small text conversions of tidemark-ctl that must match influxd-ctl: Go's time.Duration.String()
// for the "Backed up in …" lines (RFC3339 flags are read by inspect-time.ts, as for the inspect tool).

/** Formats `ns` nanoseconds as Go's time.Duration.String() does (e.g. 903.539567ms, 1m2.5s). */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  const u = neg ? -ns : ns
  const sign = neg ? '-' : ''
  const frac = (v: bigint, digits: number): string => {
    const s = v.toString().padStart(digits, '0').replace(/0+$/, '')
    return s === '' ? '' : `.${s}`
  }
  if (u < 1000n) return `${sign}${u}ns`
  if (u < 1_000_000n) return `${sign}${u / 1000n}${frac(u % 1000n, 3)}µs`
  if (u < 1_000_000_000n) return `${sign}${u / 1_000_000n}${frac(u % 1_000_000n, 6)}ms`
  const secs = u / 1_000_000_000n
  const s = `${secs % 60n}${frac(u % 1_000_000_000n, 9)}s`
  if (secs < 60n) return sign + s
  const mins = secs / 60n
  if (mins < 60n) return `${sign}${mins}m${s}`
  return `${sign}${mins / 60n}h${mins % 60n}m${s}`
}

// Small text conversions of tidemark-ctl that must match influxd-ctl: Go's time.Duration.String()
// for the "Backed up in …" lines, and RFC3339 timestamps (-start/-end) to Unix nanoseconds.

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

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/

/** Parses an RFC3339 timestamp (fractions to the nanosecond) into Unix ns, or undefined if malformed. */
export function parseRFC3339Nano(text: string): bigint | undefined {
  const m = RFC3339.exec(text)
  if (m === null) return undefined
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`)
  if (Number.isNaN(ms)) return undefined
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
}

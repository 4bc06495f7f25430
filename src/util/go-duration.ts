// Go's time.ParseDuration text ("10m0s", "1h30m", "300ms", "-1.5h") as milliseconds: shared by
// the configuration (src/server) and tidemark-ctl's flags.

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** Parses a Go duration into milliseconds; undefined when it is not one. "0" alone is allowed. */
export function parseGoDurationMs(text: string): number | undefined {
  let s = text.trim()
  if (s === '0') return 0
  let sign = 1
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1
    s = s.slice(1)
  }
  if (s === '') return undefined
  let total = 0
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/
  while (s.length > 0) {
    const m = re.exec(s)
    if (m === null) return undefined
    const unit = DURATION_UNITS[m[2] ?? '']
    if (unit === undefined) return undefined
    total += Number(m[1]) * unit
    s = s.slice(m[0].length)
  }
  return sign * total
}

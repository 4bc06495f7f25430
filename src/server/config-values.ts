// Parsing of InfluxDB-style configuration values: Go durations ("10m0s", "1h30m", "300ms") and
// sizes (bytes, or a number with a k/m/g suffix in binary multiples, as InfluxDB's toml.Size).

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

/** Formats milliseconds as Go prints a time.Duration ("10m0s", "4h0m0s", "1s", "0s", "500ms"). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s'
  const neg = ms < 0
  let rest = Math.abs(ms)
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const m = Math.floor(rest / 60_000)
  rest -= m * 60_000
  const s = rest / 1000
  let out = ''
  if (h > 0) out += `${h}h`
  if (h > 0 || m > 0) out += `${m}m`
  out += `${s}s`
  return (neg ? '-' : '') + out
}

/** Parses a size: an integer number of bytes, or digits with k/m/g (×1024ⁿ); undefined if not one. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  const m = /^(\d+)\s*([kKmMgG]?)[bB]?$/.exec(value.trim())
  if (m === null) return undefined
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1
  return Number(m[1]) * mult
}

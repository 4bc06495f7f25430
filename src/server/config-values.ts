// Parsing of InfluxDB-style configuration values: Go durations ("10m0s", "1h30m", "300ms") and
// sizes (bytes, or a number with a k/m/g suffix in binary multiples, as InfluxDB's toml.Size).

export { parseGoDurationMs } from '../util/index.js'

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

// The importer's log lines, in the form influx's importer writes them through Go's log package
// (`2026/11/25 19:18:31 message`, local time; a newline is added unless the message ends in one),
// and Go's time.Duration text for its progress line (`1.036892166s`, `512.25ms`, `1m40s`).

import type { Writable } from 'node:stream'

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/** Go's log.LstdFlags prefix for `d` in local time: `YYYY/MM/DD hh:mm:ss `. */
export function logPrefix(d: Date): string {
  return (
    `${d.getFullYear()}/${pad2(d.getMonth() + 1)}/${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} `
  )
}

/** A Go-style logger over one stream. `now` is injectable for tests. */
export class GoLogger {
  readonly #out: Writable
  readonly #now: () => Date

  constructor(out: Writable, now: () => Date = () => new Date()) {
    this.#out = out
    this.#now = now
  }

  /** Writes `message` with the date prefix, adding a newline unless it ends in one. */
  print(message: string): void {
    const text = logPrefix(this.#now()) + message
    this.#out.write(text.endsWith('\n') ? text : text + '\n')
  }
}

/** Go's `time.Duration.String()` of `ns` nanoseconds. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  let u = neg ? -ns : ns
  let text: string
  if (u < 1_000_000_000n) {
    let unit: string
    let div: bigint
    if (u < 1_000n) {
      return (neg ? '-' : '') + `${u}ns`
    } else if (u < 1_000_000n) {
      unit = 'µs'
      div = 1_000n
    } else {
      unit = 'ms'
      div = 1_000_000n
    }
    text = fraction(u, div) + unit
  } else {
    const h = u / 3_600_000_000_000n
    u -= h * 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u -= m * 60_000_000_000n
    text = fraction(u, 1_000_000_000n) + 's'
    if (h > 0n) text = `${h}h${m}m` + text
    else if (m > 0n) text = `${m}m` + text
  }
  return (neg ? '-' : '') + text
}

/** `v / div` in decimal with trailing zeros (and a bare point) removed. */
function fraction(v: bigint, div: bigint): string {
  const whole = v / div
  const rest = v % div
  if (rest === 0n) return String(whole)
  const digits = String(div).length - 1
  const frac = String(rest).padStart(digits, '0').replace(/0+$/, '')
  return `${whole}.${frac}`
}

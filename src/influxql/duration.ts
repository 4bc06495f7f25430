// InfluxQL durations, in nanoseconds as int64 (`bigint`). A duration literal is one or more
// <integer><unit> pairs (`1h30m`), units ns, u or µ, ms, s, m, h, d and w; a leading `-` is
// allowed in bound parameters. Arithmetic wraps at 64 bits as Go's does, and a sum that wraps
// negative is InfluxDB's "overflowed duration" error.

import { InfluxQLParseError } from './errors.js'

const NS = 1n
const US = 1000n
const MS = 1_000_000n
const S = 1_000_000_000n
const M = 60n * S
const H = 60n * M
const D = 24n * H
const W = 7n * D
const INT64_MAX = (1n << 63n) - 1n

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v)

/** The error text of a malformed duration. */
export const INVALID_DURATION = 'invalid duration'

const SIMPLE = /^([0-9]{1,15})(ns|ms|[uµsmhdw])$/
const UNITS: Readonly<Record<string, bigint>> = {
  ns: NS,
  u: US,
  µ: US,
  ms: MS,
  s: S,
  m: M,
  h: H,
  d: D,
  w: W,
}

/**
 * Parses a duration literal to nanoseconds, or returns InfluxDB's error text (`invalid duration`,
 * `overflowed duration 15251w: choose a smaller duration or INF`) when it is not one.
 */
export function tryParseDuration(text: string): bigint | string {
  // Fast path: one <integer><unit> pair that cannot overflow.
  const simple = SIMPLE.exec(text)
  if (simple !== null) {
    const d = BigInt(simple[1] ?? '') * (UNITS[simple[2] ?? ''] ?? 0n)
    if (d <= INT64_MAX) return d
  }
  return parseDurationSlowly(text)
}

function parseDurationSlowly(text: string): bigint | string {
  // Go checks the length in UTF-8 bytes: a lone `µ` (two bytes) passes this check.
  if (text.length === 0 || (text.length === 1 && text.charCodeAt(0) < 0x80)) return INVALID_DURATION
  const a = Array.from(text)
  let i = 0
  let negative = false
  if (a[0] === '-') {
    negative = true
    i++
  }
  let d = 0n
  let measure = 0n
  let unit = ''
  while (i < a.length) {
    const start = i
    while (i < a.length && (a[i] ?? '') >= '0' && (a[i] ?? '') <= '9') i++
    if (i >= a.length || i === start) return INVALID_DURATION
    const n = BigInt(a.slice(start, i).join(''))
    if (n > INT64_MAX) return INVALID_DURATION
    measure = n
    const c = a[i] ?? ''
    unit = c
    let scale: bigint
    switch (c) {
      case 'n':
        if (a[i + 1] !== 's') return INVALID_DURATION
        unit = 'ns'
        scale = NS
        i++
        break
      case 'u':
      case 'µ':
        scale = US
        break
      case 'm':
        if (a[i + 1] === 's') {
          unit = 'ms'
          scale = MS
          i++
        } else {
          scale = M
        }
        break
      case 's':
        scale = S
        break
      case 'h':
        scale = H
        break
      case 'd':
        scale = D
        break
      case 'w':
        scale = W
        break
      default:
        return INVALID_DURATION
    }
    d = wrap(d + wrap(n * scale))
    i++
  }
  if (d < 0n && !negative)
    return `overflowed duration ${measure}${unit}: choose a smaller duration or INF`
  return negative ? wrap(-d) : d
}

/**
 * Parses an InfluxQL duration literal (`10s`, `1h30m`, `-5m`) to nanoseconds.
 * @throws InfluxQLParseError with InfluxDB's text when the literal is malformed or overflows.
 */
export function parseDuration(text: string): bigint {
  const d = tryParseDuration(text)
  if (typeof d === 'string') throw InfluxQLParseError.plain(d)
  return d
}

/**
 * Formats nanoseconds as InfluxQL prints a duration literal: in the largest unit that divides it
 * exactly, from weeks down to nanoseconds (`2w`, `90m`, `1500ms`, `3u`, `0s`).
 */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  if (ns % W === 0n) return `${ns / W}w`
  if (ns % D === 0n) return `${ns / D}d`
  if (ns % H === 0n) return `${ns / H}h`
  if (ns % M === 0n) return `${ns / M}m`
  if (ns % S === 0n) return `${ns / S}s`
  if (ns % MS === 0n) return `${ns / MS}ms`
  if (ns % US === 0n) return `${ns / US}u`
  return `${ns}ns`
}

/** The fraction v / 10^prec as `.123` without trailing zeros ('' when zero), and v / 10^prec. */
function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = ''
  let printing = false
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n
    printing = printing || digit !== 0n
    if (printing) digits = digit.toString() + digits
    v /= 10n
  }
  return [printing ? '.' + digits : '', v]
}

/**
 * Formats nanoseconds as Go's time.Duration.String() does (`1h0m0s`, `1.5s`, `100ms`, `2µs`),
 * which InfluxQL uses when it prints CREATE DATABASE ... WITH DURATION.
 */
export function formatGoDuration(ns: bigint): string {
  const negative = ns < 0n
  let u = negative ? -ns : ns
  if (u === 0n) return '0s'
  let out: string
  if (u < S) {
    let prec: number
    let unit: string
    if (u < US) {
      prec = 0
      unit = 'ns'
    } else if (u < MS) {
      prec = 3
      unit = 'µs'
    } else {
      prec = 6
      unit = 'ms'
    }
    const [frac, whole] = fraction(u, prec)
    out = `${whole}${frac}${unit}`
  } else {
    const [frac, secs] = fraction(u, 9)
    u = secs
    out = `${u % 60n}${frac}s`
    u /= 60n
    if (u > 0n) {
      out = `${u % 60n}m` + out
      u /= 60n
      if (u > 0n) out = `${u}h` + out
    }
  }
  return negative ? '-' + out : out
}

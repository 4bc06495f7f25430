// Export data lines: one line per field value, `<series key> <field key>=<value> <time ns>\n`,
// exactly as influx_inspect export writes them (spec backup-formats.md §5.2–§5.3): the series key
// verbatim from the TSM/WAL key (it is already escaped line protocol), the field key escaped
// (`,` `=` space `"`), floats in Go's shortest 'g' form, `12i`, `12u`, `true`/`false`, strings
// quoted with `\` and `"` escaped (other bytes raw, newlines included).

import { escapeFieldKey, escapeStringValue, formatFloat } from '../lineprotocol/index.js'
import type { Values } from '../lineprotocol/index.js'
import type { TimeRange } from '../tsm/index.js'
import type { TextSink } from './inspect-io.js'

const FIELD_SEPARATOR = '#!~#'

/** Counts kept while writing lines. */
export interface LineCounts {
  /** Lines written. */
  lines: number
  /** Float values that are NaN or infinite: line protocol cannot express them; not written. */
  invalid: number
}

/**
 * The text every line of a TSM key starts with: `<series key> <escaped field key>=`. The key is
 * split at the first `#!~#`, as influxd does.
 */
export function linePrefix(tsmKey: string): string {
  const at = tsmKey.indexOf(FIELD_SEPARATOR)
  if (at < 0) return `${tsmKey} =`
  return `${tsmKey.slice(0, at)} ${escapeFieldKey(tsmKey.slice(at + FIELD_SEPARATOR.length))}=`
}

/** The first index whose time is ≥ t (`times` ascending). */
export function lowerBound(times: BigInt64Array, t: bigint, from = 0): number {
  let lo = from
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((times[mid] ?? 0n) < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

function valueFormatter(v: Values): (i: number) => string | undefined {
  switch (v.kind) {
    case 'float': {
      const a = v.values
      return (i) => {
        const f = a[i] ?? 0
        return Number.isFinite(f) ? formatFloat(f) : undefined
      }
    }
    case 'integer': {
      const a = v.values
      return (i) => `${a[i] ?? 0n}i`
    }
    case 'unsigned': {
      const a = v.values
      return (i) => `${a[i] ?? 0n}u`
    }
    case 'boolean': {
      const a = v.values
      return (i) => (a[i] === 1 ? 'true' : 'false')
    }
    case 'string': {
      const a = v.values
      return (i) => `"${escapeStringValue(a[i] ?? '')}"`
    }
    default: {
      const never: never = v
      throw new TypeError(`unknown values ${String(never)}`)
    }
  }
}

/**
 * Appends a line for each value of `v` (sorted by time) with `range.min ≤ time ≤ range.max` whose
 * time is not in `skip` (sorted; the WAL's newer values for the same key), and adds to `counts`.
 */
export function appendValueLines(
  sink: TextSink,
  prefix: string,
  v: Values,
  range: TimeRange,
  counts: LineCounts,
  skip?: BigInt64Array,
): void {
  const times = v.times
  const start = lowerBound(times, range.min)
  let end = times.length
  if (end > 0 && (times[end - 1] ?? 0n) > range.max) end = lowerBound(times, range.max + 1n, start)
  if (start >= end) return
  const format = valueFormatter(v)
  let k = skip === undefined ? 0 : lowerBound(skip, times[start] ?? 0n)
  const skipLength = skip === undefined ? 0 : skip.length
  let text = ''
  let lines = 0
  for (let i = start; i < end; i++) {
    const t = times[i] ?? 0n
    if (k < skipLength && skip !== undefined) {
      while (k < skipLength && (skip[k] ?? 0n) < t) k++
      if (k < skipLength && skip[k] === t) continue
    }
    const value = format(i)
    if (value === undefined) {
      counts.invalid++
      continue
    }
    // BigInt's own toString is faster here than decimal formatting from the 32-bit halves.
    text += prefix + value + ' ' + String(t) + '\n'
    lines++
  }
  counts.lines += lines
  sink.append(text)
}

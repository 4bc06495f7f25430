// Time zones for tz('…'): the UTC offset of a zone at an instant (from the platform's IANA
// database through Intl), and GROUP BY time windows aligned to local time as InfluxDB 1.6's
// IteratorOptions.Window aligns them (the offset at the point, then again at the window start
// when it changed by less than the interval).

import type { TimeInterval } from './select-plan.js'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    formatters.set(zone, f)
  }
  return f
}

/** The offset of `zone` from UTC in seconds at `ns` (0 for UTC or an unknown zone). */
export function zoneOffsetSeconds(zone: string | null, ns: bigint): number {
  if (zone === null || zone === 'UTC' || zone === '') return 0
  let ms = Number(ns / 1_000_000n)
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) ms = ms < 0 ? -8.64e15 : 8.64e15
  let part: string | undefined
  try {
    part = formatterOf(zone)
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value
  } catch {
    return 0
  }
  const m = /GMT([+-])(\d\d):(\d\d)(?::(\d\d))?/.exec(part ?? '')
  if (m === null) return 0
  const secs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)
  return m[1] === '-' ? -secs : secs
}

/** The start of the window holding `t`, in `zone`'s local time when one is given. */
export function windowStartIn(t: bigint, iv: TimeInterval, zone: string | null): bigint {
  const x = t - iv.offsetNs
  const zoneNs = BigInt(zoneOffsetSeconds(zone, x)) * 1_000_000_000n
  let dt = (x + zoneNs) % iv.durationNs
  if (dt < 0n) dt += iv.durationNs
  let start = x - dt
  if (zone !== null) {
    const startNs = BigInt(zoneOffsetSeconds(zone, start)) * 1_000_000_000n
    const o = zoneNs - startNs
    if (o !== 0n && (o < 0n ? -o : o) < iv.durationNs) start += o
  }
  return start + iv.offsetNs
}

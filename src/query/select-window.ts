// fill() for GROUP BY time: each call's windows of one tag set are completed, as InfluxDB's fill
// iterator does per call and per tag set, from the window of the range start (or of the call's
// first point when the range has no lower bound) to the window of the range end (now() when
// unbounded), with null (0 for count), none, previous, linear or a number. In a time zone the
// windows step across daylight-saving switches as InfluxDB's do.

import { StatementError } from './errors.js'
import type { FillOption } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import type { TimeInterval } from './select-plan.js'

/** The value fill(<number>) gives a call whose results look like `sample`. */
function numberFill(sample: QueryCell, fillValue: number | bigint): QueryCell {
  if (typeof sample === 'bigint')
    return typeof fillValue === 'bigint' ? fillValue : BigInt(Math.trunc(fillValue))
  if (typeof sample === 'string') return ''
  if (typeof sample === 'boolean') return false
  return Number(fillValue)
}

/**
 * Filled windows one statement may build (each costs ~1 KB until its rows are sent): a GROUP BY
 * time(1s) from 1970 to now would otherwise exhaust the heap and take the whole node down. Until
 * fill streams, such a statement fails with a clear error instead (fill(none) builds no windows).
 */
export const FILL_WINDOW_BUDGET = 2_000_000

/** fill(linear): the value on the line between two filled-in windows (window indexes as InfluxDB uses). */
function linear(
  w: bigint,
  prev: readonly [bigint, QueryCell],
  next: readonly [bigint, QueryCell],
  durationNs: bigint,
): QueryCell {
  const [pw, pv] = prev
  const [nw, nv] = next
  const x = Number(w / durationNs - pw / durationNs)
  const span = Number(nw / durationNs - pw / durationNs)
  if (typeof pv === 'number' && typeof nv === 'number') return ((nv - pv) / span) * x + pv
  if (typeof pv === 'bigint' && typeof nv === 'bigint')
    return BigInt(Math.trunc((Number(nv - pv) / span) * x + Number(pv)))
  return null
}

export interface FillSpec {
  readonly fill: FillOption
  readonly fillValue: number | bigint | null
  readonly ascending: boolean
  /** Window of the range start; undefined when unbounded. */
  readonly firstWindow: bigint | undefined
  readonly lastWindow: bigint
}

/**
 * One call's [window, cell] list for a tag set, filled and in output order. A call without points
 * in a tag set that has some is still filled (InfluxDB iterates the tag set's series for every
 * call), over the windows of `span` ([earliest, latest] window of the tag set) when unbounded.
 */
export function fillCall(
  found: ReadonlyMap<bigint, QueryCell>,
  fn: string,
  iv: TimeInterval,
  spec: FillSpec,
  span: readonly [bigint, bigint],
  typeSample: QueryCell,
  stepper?: (start: bigint) => (w: bigint) => bigint,
  budget?: { windows: number },
): [bigint, QueryCell][] {
  const real = [...found.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (!spec.ascending) real.reverse()
  if (spec.fill === 'none') return real.map((w) => [w, found.get(w) ?? null])
  const step = spec.ascending ? iv.durationNs : -iv.durationNs
  const lowest = spec.ascending ? real[0] : real[real.length - 1]
  const start = spec.ascending ? (spec.firstWindow ?? lowest ?? span[0]) : spec.lastWindow
  const end = spec.ascending ? spec.lastWindow : (spec.firstWindow ?? lowest ?? span[0])
  const firstReal = real[0]
  const sample = firstReal !== undefined ? (found.get(firstReal) ?? typeSample) : typeSample
  let fill = spec.fill
  let fillValue = spec.fillValue
  if (fill === 'null' && fn === 'count') {
    fill = 'number'
    fillValue = 0n
  }
  const out: [bigint, QueryCell][] = []
  let prev: [bigint, QueryCell] | undefined
  let nextIdx = 0
  const next = stepper?.(start) ?? ((w: bigint): bigint => w + step)
  for (let w = start; spec.ascending ? w <= end : w >= end; w = next(w)) {
    if (budget !== undefined && --budget.windows < 0) {
      const span = (end > start ? end - start : start - end) / iv.durationNs + 1n
      throw new StatementError(
        `GROUP BY time() would fill ${span} windows, more than the ${FILL_WINDOW_BUDGET} a statement may fill: narrow the time range, use a longer interval or fill(none)`,
      )
    }
    if (found.has(w)) {
      const cell = found.get(w) ?? null
      prev = [w, cell]
      out.push(prev)
      nextIdx++
      continue
    }
    let cell: QueryCell = null
    if (fill === 'number' && fillValue !== null) cell = numberFill(sample, fillValue)
    else if (fill === 'previous' && prev !== undefined) cell = prev[1]
    else if (fill === 'linear' && prev !== undefined) {
      const nw = real[nextIdx]
      if (nw !== undefined) cell = linear(w, prev, [nw, found.get(nw) ?? null], iv.durationNs)
    }
    out.push([w, cell])
  }
  return out
}

/**
 * The window after `w` in a time zone, as InfluxDB's fill iterator steps: one interval on, then
 * moved by the change of UTC offset when a daylight-saving switch was crossed (if smaller than
 * the interval). `offsetNs(t)` is the zone's offset at t.
 */
export function zoneStepper(
  iv: TimeInterval,
  ascending: boolean,
  offsetNs: (t: bigint) => bigint,
): (start: bigint) => (w: bigint) => bigint {
  return (start) => {
    let offset = offsetNs(start)
    return (w) => {
      let t = ascending ? w + iv.durationNs : w - iv.durationNs
      const o = offsetNs(t - 1n)
      if (o !== offset) {
        const diff = offset - o
        if ((diff < 0n ? -diff : diff) < iv.durationNs) t += diff
        offset = o
      }
      return t
    }
  }
}

// The aggregates InfluxDB 1.6 computes over every point of a window at once: median, mode,
// stddev and percentile. Values are sorted by value with Go's unstable sort.Sort (go-sort.ts), so
// which of several equal values' points percentile selects, and which value mode prefers on a tie,
// follow InfluxDB.
// median and stddev are float for every numeric input; mode keeps the input type; percentile is a
// selector (its point's time and aux for a lone selector) and emits nothing when the rank
// floor(n·p/100 + 0.5) − 1 falls outside the window. stddev of fewer than two points is NaN, which
// InfluxDB's HTTP layer shows as null.

import type { Expr } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { checkArgCount, checkFieldArg, numberArg } from './arguments.js'
import { isNumeric, plain, selectorTimeOf, toFloat, unsupportedType } from './common.js'
import { goSort, goSortByKeys } from './go-sort.js'
import type {
  AggregateFunction,
  InputPoint,
  OutputPoint,
  Reducer,
  ReducerContext,
  ValueType,
} from './types.js'

/** Collects a window's points, then computes once in emit(). */
class SliceReducer implements Reducer {
  readonly #points: InputPoint[] = []
  readonly #compute: (pts: InputPoint[]) => OutputPoint[]
  constructor(compute: (pts: InputPoint[]) => OutputPoint[]) {
    this.#compute = compute
  }
  push(p: InputPoint): void {
    this.#points.push(p)
  }
  emit(): OutputPoint[] {
    return this.#points.length === 0 ? [] : this.#compute(this.#points)
  }
}

/** InfluxDB's <type>PointsByValue Less: `<` on the value (false < true). */
function lessByValue(a: InputPoint, b: InputPoint): boolean {
  return a.value < b.value
}

/** Numbers as exact float64 keys for goSortByKeys: floats, and integers within ±2^53. */
function numericKeys(pts: readonly InputPoint[]): Float64Array | undefined {
  const keys = new Float64Array(pts.length)
  for (let i = 0; i < pts.length; i++) {
    const v = (pts[i] as InputPoint).value
    if (typeof v === 'number') keys[i] = v
    else if (typeof v === 'bigint' && v <= MAX_EXACT && v >= -MAX_EXACT) keys[i] = Number(v)
    else return undefined
  }
  return keys
}

const MAX_EXACT = 2n ** 53n

/** The points sorted by value exactly as InfluxDB's sort.Sort(…PointsByValue) leaves them. */
function byValue(pts: InputPoint[]): InputPoint[] {
  const s = pts.slice()
  const keys = numericKeys(s)
  if (keys !== undefined) goSortByKeys(s, keys)
  else goSort(s, lessByValue)
  return s
}

function median(pts: InputPoint[], ctx: ReducerContext): OutputPoint[] {
  const s = byValue(pts)
  const n = s.length
  const mid = s[n >> 1]
  if (mid === undefined) return []
  if (n % 2 === 1) return [plain(ctx.windowStart, toFloat(mid.value))]
  const lo = s[(n >> 1) - 1]?.value ?? 0
  const hi = mid.value
  // Go computes float64(lo) + float64(hi-lo)/2 with the difference in the input type.
  const half =
    typeof lo === 'bigint' && typeof hi === 'bigint'
      ? Number(hi - lo) / 2
      : (toFloat(hi) - toFloat(lo)) / 2
  return [plain(ctx.windowStart, toFloat(lo) + half)]
}

function mode(pts: InputPoint[], ctx: ReducerContext): OutputPoint[] {
  const first = pts[0]
  if (first === undefined) return []
  if (pts.length === 1) return [plain(ctx.windowStart, first.value)]
  if (typeof first.value === 'boolean') {
    let trues = 0
    for (const p of pts) if (p.value === true) trues++
    return [plain(ctx.windowStart, trues >= pts.length - trues)]
  }
  // InfluxDB's scan over the sorted values: a group becomes the mode when its running count
  // reaches the best count, unless its first point is later than the best's latest counted point.
  const s = byValue(pts)
  const s0 = s[0] ?? first
  let mostFreq = 0
  let currFreq = 0
  let currMode = s0.value
  let mostMode = s0.value
  let mostTime = s0.time
  let currTime = s0.time
  for (const p of s) {
    if (p.value !== currMode) {
      currFreq = 1
      currMode = p.value
      currTime = p.time
      continue
    }
    currFreq++
    if (mostFreq > currFreq || (mostFreq === currFreq && currTime > mostTime)) continue
    mostFreq = currFreq
    mostMode = p.value
    mostTime = p.time
  }
  return [plain(ctx.windowStart, mostMode)]
}

function stddev(pts: InputPoint[], ctx: ReducerContext): OutputPoint[] {
  if (pts.length < 2) return [plain(ctx.windowStart, Number.NaN)]
  let mean = 0
  let count = 0
  for (const p of pts) {
    const v = toFloat(p.value)
    if (Number.isNaN(v)) continue
    count++
    mean += (v - mean) / count
  }
  let variance = 0
  for (const p of pts) {
    const v = toFloat(p.value)
    if (Number.isNaN(v)) continue
    variance += (v - mean) ** 2
  }
  return [plain(ctx.windowStart, Math.sqrt(variance / (count - 1)))]
}

function percentile(pts: InputPoint[], ctx: ReducerContext): OutputPoint[] {
  const pct = numberArg(ctx.args, 0, 0)
  const i = Math.floor((pts.length * pct) / 100 + 0.5) - 1
  if (i < 0 || i >= pts.length) return []
  const p = byValue(pts)[i]
  return p === undefined ? [] : [{ time: selectorTimeOf(ctx, p.time), value: p.value, aux: p.aux }]
}

function numericInput(
  label: string,
  out: (t: ValueType) => ValueType,
): (t: ValueType) => ValueType {
  return (t) => {
    if (!isNumeric(t)) throw unsupportedType(label, t)
    return out(t)
  }
}

function sliceFunction(
  name: string,
  kind: 'aggregate' | 'selector',
  validate: (args: readonly Expr[]) => void,
  outputType: (t: ValueType) => ValueType,
  compute: (pts: InputPoint[], ctx: ReducerContext) => OutputPoint[],
): AggregateFunction {
  return {
    name,
    kind,
    validate,
    outputType,
    newReducer: (t, ctx) => {
      outputType(t)
      return new SliceReducer((pts) => compute(pts, ctx))
    },
  }
}

function oneField(name: string): (args: readonly Expr[]) => void {
  return (args) => {
    checkArgCount(name, args, 1)
    checkFieldArg(name, args[0])
  }
}

function validatePercentile(args: readonly Expr[]): void {
  checkArgCount('percentile', args, 2)
  const k = args[1]?.kind
  if (k !== 'IntegerLiteral' && k !== 'NumberLiteral')
    throw new StatementError('expected float argument in percentile()')
  checkFieldArg('percentile', args[0])
}

/** median(field): float; the mean of the two middle values for an even count. */
export const medianFn = sliceFunction(
  'median',
  'aggregate',
  oneField('median'),
  numericInput('median', () => 'float'),
  median,
)

/** mode(field): the most frequent value (InfluxDB's tie rules); any type. */
export const modeFn = sliceFunction('mode', 'aggregate', oneField('mode'), (t) => t, mode)

/** stddev(field): sample standard deviation as float; NaN for fewer than two points. */
export const stddevFn = sliceFunction(
  'stddev',
  'aggregate',
  oneField('stddev'),
  numericInput('stddev', () => 'float'),
  stddev,
)

/** percentile(field, P): selector returning the point at rank floor(n·P/100 + 0.5) in value order. */
export const percentileFn = sliceFunction(
  'percentile',
  'selector',
  validatePercentile,
  numericInput('percentile', (t) => t),
  percentile,
)

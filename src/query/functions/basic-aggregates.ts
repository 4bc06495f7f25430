// The map/reduce aggregates and selectors InfluxDB 1.6 pushes down to the shards: count, sum,
// mean, spread (aggregates: the window start is the time) and min, max, first, last (selectors:
// the selected point's time and aux for a lone selector). Ties follow InfluxDB's reducers: min and
// max keep the earlier point at equal values; first and last keep the larger value at equal times
// (for booleans first keeps false and last keeps true). Integer sums wrap around as int64 does.

import type { Expr } from '../../influxql/index.js'
import { checkArgCount, checkFieldArg } from './arguments.js'
import {
  compare,
  isNumeric,
  plain,
  selectorTimeOf,
  toFloat,
  unsupportedType,
  wrap,
} from './common.js'
import { validateDistinct } from './distinct.js'
import type {
  AggregateFunction,
  InputPoint,
  OutputPoint,
  Reducer,
  ReducerContext,
  ValueType,
} from './types.js'

/** count, sum, mean, …: one field argument (count also takes `distinct(field)`). */
function validateSimple(name: string, args: readonly Expr[]): void {
  checkArgCount(name, args, 1)
  const a = args[0]
  if (name === 'count' && a !== undefined) {
    if (a.kind === 'Call' && a.name === 'distinct') return validateDistinct(a.args)
    if (a.kind === 'Distinct') return
  }
  checkFieldArg(name, a)
}

class CountReducer implements Reducer {
  #n = 0n
  readonly #ctx: ReducerContext
  constructor(ctx: ReducerContext) {
    this.#ctx = ctx
  }
  push(): void {
    this.#n++
  }
  emit(): OutputPoint[] {
    return this.#n === 0n ? [] : [plain(this.#ctx.windowStart, this.#n)]
  }
}

class FloatSumReducer implements Reducer {
  #sum = 0
  #n = 0
  readonly #ctx: ReducerContext
  readonly #mean: boolean
  constructor(ctx: ReducerContext, mean: boolean) {
    this.#ctx = ctx
    this.#mean = mean
  }
  push(p: InputPoint): void {
    this.#sum += p.value as number
    this.#n++
  }
  emit(): OutputPoint[] {
    if (this.#n === 0) return []
    return [plain(this.#ctx.windowStart, this.#mean ? this.#sum / this.#n : this.#sum)]
  }
}

class IntSumReducer implements Reducer {
  #sum = 0n
  #n = 0
  readonly #ctx: ReducerContext
  readonly #type: ValueType
  readonly #mean: boolean
  constructor(ctx: ReducerContext, type: ValueType, mean: boolean) {
    this.#ctx = ctx
    this.#type = type
    this.#mean = mean
  }
  push(p: InputPoint): void {
    this.#sum += p.value as bigint
    this.#n++
  }
  emit(): OutputPoint[] {
    if (this.#n === 0) return []
    const sum = wrap(this.#type, this.#sum)
    return [plain(this.#ctx.windowStart, this.#mean ? Number(sum) / this.#n : sum)]
  }
}

class SpreadReducer implements Reducer {
  #min: number | bigint | undefined
  #max: number | bigint | undefined
  readonly #ctx: ReducerContext
  readonly #type: ValueType
  constructor(ctx: ReducerContext, type: ValueType) {
    this.#ctx = ctx
    this.#type = type
  }
  push(p: InputPoint): void {
    const v = p.value as number | bigint
    if (this.#min === undefined || v < this.#min) this.#min = v
    if (this.#max === undefined || v > this.#max) this.#max = v
  }
  emit(): OutputPoint[] {
    const lo = this.#min
    const hi = this.#max
    if (lo === undefined || hi === undefined) return []
    const v =
      typeof lo === 'bigint' && typeof hi === 'bigint'
        ? wrap(this.#type, hi - lo)
        : toFloat(hi) - toFloat(lo)
    return [plain(this.#ctx.windowStart, v)]
  }
}

type Better = (p: InputPoint, best: InputPoint) => boolean

const BETTER: Readonly<Record<'min' | 'max' | 'first' | 'last', Better>> = {
  min: (p, b) => {
    const c = compare(p.value, b.value)
    return c < 0 || (c === 0 && p.time < b.time)
  },
  max: (p, b) => {
    const c = compare(p.value, b.value)
    return c > 0 || (c === 0 && p.time < b.time)
  },
  first: (p, b) => p.time < b.time || (p.time === b.time && firstTieWins(p, b)),
  last: (p, b) => p.time > b.time || (p.time === b.time && compare(p.value, b.value) > 0),
}

/** InfluxDB's first() keeps the larger value at equal times, except booleans where false wins. */
function firstTieWins(p: InputPoint, b: InputPoint): boolean {
  if (typeof p.value === 'boolean') return !p.value && b.value === true
  return compare(p.value, b.value) > 0
}

/** min, max, first, last: keeps one point; reports its time (lone selector) and its aux. */
export class SelectorReducer implements Reducer {
  #best: InputPoint | undefined
  readonly #better: Better
  readonly #ctx: ReducerContext
  constructor(better: Better, ctx: ReducerContext) {
    this.#better = better
    this.#ctx = ctx
  }
  push(p: InputPoint): void {
    if (this.#best === undefined || this.#better(p, this.#best)) this.#best = p
  }
  emit(): OutputPoint[] {
    const b = this.#best
    return b === undefined
      ? []
      : [{ time: selectorTimeOf(this.#ctx, b.time), value: b.value, aux: b.aux }]
  }
}

function numericOnly(label: string): (input: ValueType) => void {
  return (input) => {
    if (!isNumeric(input)) throw unsupportedType(label, input)
  }
}

function aggregate(
  name: string,
  kind: 'aggregate' | 'selector',
  outputType: (input: ValueType) => ValueType,
  make: (input: ValueType, ctx: ReducerContext) => Reducer,
): AggregateFunction {
  return {
    name,
    kind,
    validate: (args) => validateSimple(name, args),
    outputType,
    newReducer: (input, ctx) => {
      outputType(input)
      return make(input, ctx)
    },
  }
}

const sumCheck = numericOnly('sum')
const meanCheck = numericOnly('mean')
const spreadCheck = numericOnly('spread')
const minCheck = (t: ValueType): void => {
  if (t === 'string') throw unsupportedType('min', t)
}
const maxCheck = (t: ValueType): void => {
  if (t === 'string') throw unsupportedType('max', t)
}

/** count(field): integer number of points; any input type. */
export const count = aggregate(
  'count',
  'aggregate',
  () => 'integer',
  (_t, ctx) => new CountReducer(ctx),
)

/** sum(field): same type as the input (float, integer, unsigned). */
export const sum = aggregate(
  'sum',
  'aggregate',
  (t) => (sumCheck(t), t),
  (t, ctx) => (t === 'float' ? new FloatSumReducer(ctx, false) : new IntSumReducer(ctx, t, false)),
)

/** mean(field): always float; integer sums are int64 (wrapping) before the division, as InfluxDB. */
export const mean = aggregate(
  'mean',
  'aggregate',
  (t) => (meanCheck(t), 'float'),
  (t, ctx) => (t === 'float' ? new FloatSumReducer(ctx, true) : new IntSumReducer(ctx, t, true)),
)

/** spread(field): max − min in the input type. */
export const spread = aggregate(
  'spread',
  'aggregate',
  (t) => (spreadCheck(t), t),
  (t, ctx) => new SpreadReducer(ctx, t),
)

/** min(field): selector; numbers and booleans (false < true); the earlier point wins a tie. */
export const min = aggregate(
  'min',
  'selector',
  (t) => (minCheck(t), t),
  (_t, ctx) => new SelectorReducer(BETTER.min, ctx),
)

/** max(field): selector; numbers and booleans; the earlier point wins a tie. */
export const max = aggregate(
  'max',
  'selector',
  (t) => (maxCheck(t), t),
  (_t, ctx) => new SelectorReducer(BETTER.max, ctx),
)

/** first(field): selector; any type; the larger value (false for booleans) wins at equal times. */
export const first = aggregate(
  'first',
  'selector',
  (t) => t,
  (_t, ctx) => new SelectorReducer(BETTER.first, ctx),
)

/** last(field): selector; any type; the larger value (true for booleans) wins at equal times. */
export const last = aggregate(
  'last',
  'selector',
  (t) => t,
  (_t, ctx) => new SelectorReducer(BETTER.last, ctx),
)

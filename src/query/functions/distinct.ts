// distinct(field): every distinct value of a window, each once. InfluxDB keeps the first point
// seen with each value, orders the values by that point's time (then by value), and reports them
// all at the window start (epoch 0 without GROUP BY time), since distinct is not a selector.

import type { Expr } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { compare } from './common.js'
import type {
  AggregateFunction,
  InputPoint,
  OutputPoint,
  Reducer,
  ReducerContext,
} from './types.js'

/** InfluxDB's checks of distinct's arguments (also used for `count(distinct(x))`). */
export function validateDistinct(args: readonly Expr[]): void {
  if (args.length === 0)
    throw new StatementError('distinct function requires at least one argument')
  if (args.length !== 1) throw new StatementError('distinct function can only have one argument')
  if (args[0]?.kind !== 'VarRef') throw new StatementError('expected field argument in distinct()')
}

class DistinctReducer implements Reducer {
  readonly #seen = new Map<string | number | bigint | boolean, InputPoint>()
  readonly #ctx: ReducerContext
  constructor(ctx: ReducerContext) {
    this.#ctx = ctx
  }
  push(p: InputPoint): void {
    // -0 and 0 are one key in Go's float map and in a JS Map (SameValueZero).
    if (!this.#seen.has(p.value)) this.#seen.set(p.value, p)
  }
  emit(): OutputPoint[] {
    const pts = [...this.#seen.values()]
    pts.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : compare(a.value, b.value)))
    const t = this.#ctx.windowStart
    return pts.map((p) => ({ time: t, value: p.value, aux: [] }))
  }
}

/** distinct(field): any type, output type = input type, several points per window. */
export const distinct: AggregateFunction = {
  name: 'distinct',
  kind: 'aggregate',
  validate: validateDistinct,
  outputType: (t) => t,
  newReducer: (_t, ctx) => new DistinctReducer(ctx),
}

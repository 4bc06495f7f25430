// sample(field, N): up to N points of the window chosen uniformly at random (reservoir sampling,
// as InfluxDB). The points keep their own time and aux, also with GROUP BY time, and come out in
// time order (equal times by value).

import type { Expr } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { checkArgCount, checkFieldArg, intArg } from './arguments.js'
import { compare } from './common.js'
import type {
  AggregateFunction,
  InputPoint,
  OutputPoint,
  Reducer,
  ReducerContext,
} from './types.js'

function validateSample(args: readonly Expr[]): void {
  checkArgCount('sample', args, 2)
  const n = args[1]
  if (n?.kind !== 'IntegerLiteral')
    throw new StatementError('expected integer argument in sample()')
  if (n.value <= 0n)
    throw new StatementError(`sample window must be greater than 1, got ${n.value}`)
  checkFieldArg('sample', args[0])
}

class SampleReducer implements Reducer {
  readonly #size: number
  readonly #random: () => number
  readonly #points: InputPoint[] = []
  #count = 0
  constructor(ctx: ReducerContext, random: () => number) {
    this.#size = Number(intArg(ctx.args, 0, 1n))
    this.#random = random
  }
  push(p: InputPoint): void {
    this.#count++
    if (this.#points.length < this.#size) {
      this.#points.push(p)
      return
    }
    const r = Math.floor(this.#random() * this.#count)
    if (r < this.#size) this.#points[r] = p
  }
  emit(): OutputPoint[] {
    const pts = this.#points.slice()
    pts.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : compare(a.value, b.value)))
    return pts.map((p) => ({ time: p.time, value: p.value, aux: p.aux }))
  }
}

/**
 * sample(field, N) using `random` (default Math.random, values in [0, 1)) — tests pass a seeded
 * generator.
 */
export function sampleFunction(random: () => number = Math.random): AggregateFunction {
  return {
    name: 'sample',
    kind: 'selector',
    validate: validateSample,
    outputType: (t) => t,
    newReducer: (_t, ctx) => new SampleReducer(ctx, random),
  }
}

/** sample(field, N): selector; any type. */
export const sample = sampleFunction()

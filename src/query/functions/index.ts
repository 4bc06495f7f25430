// The InfluxQL function library: aggregates, selectors, transformations, math functions and
// binary arithmetic with InfluxDB 1.6's semantics. The SELECT engine looks functions up by name
// here and drives them through the contract in types.ts.

import * as basic from './basic-aggregates.js'
import { distinct } from './distinct.js'
import { integral } from './integral.js'
import { sample } from './sample.js'
import { medianFn, modeFn, percentileFn, stddevFn } from './slice-aggregates.js'
import { bottom, top } from './top-bottom.js'
import { holtWintersFn, holtWintersWithFitFn } from './holt-winters.js'
import { TRANSFORMS as STREAM_TRANSFORMS } from './transforms.js'
import type { AggregateFunction, TransformFunction } from './types.js'

export type * from './types.js'
export type { WholeTagSetAggregate, WindowedReducerContext } from './extensions.js'
export { isWholeTagSet } from './extensions.js'
export { unsupportedType } from './common.js'
export { checkTopBottomLimit } from './top-bottom.js'
export { sampleFunction } from './sample.js'
export { mathFunction, roundHalfAway } from './math-functions.js'
export type { MathFunction } from './math-functions.js'
export { binaryType, evalBinary } from './binary.js'
export type { TypedValue } from './binary.js'

const AGGREGATES: ReadonlyMap<string, AggregateFunction> = new Map<string, AggregateFunction>([
  ['count', basic.count],
  ['sum', basic.sum],
  ['mean', basic.mean],
  ['spread', basic.spread],
  ['min', basic.min],
  ['max', basic.max],
  ['first', basic.first],
  ['last', basic.last],
  ['distinct', distinct],
  ['median', medianFn],
  ['mode', modeFn],
  ['stddev', stddevFn],
  ['percentile', percentileFn],
  ['integral', integral],
  ['sample', sample],
  ['top', top],
  ['bottom', bottom],
])

const TRANSFORMS: ReadonlyMap<string, TransformFunction> = new Map<string, TransformFunction>(
  [...STREAM_TRANSFORMS, holtWintersFn, holtWintersWithFitFn].map((t) => [t.name, t]),
)

/** The aggregate or selector called `name` (lower case), or undefined when it is not one. */
export function aggregateFunction(name: string): AggregateFunction | undefined {
  return AGGREGATES.get(name)
}

/** The transformation called `name` (derivative, difference, …), or undefined. */
export function transformFunction(name: string): TransformFunction | undefined {
  return TRANSFORMS.get(name)
}

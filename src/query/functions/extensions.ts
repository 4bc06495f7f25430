// Optional additions to the engine contract (types.ts) that only some functions need. They live
// here so types.ts stays the shared, stable contract; the engine checks for them with the guards.

import type { AggregateFunction, ReducerContext } from './types.js'

/**
 * An aggregate InfluxDB runs as a stream over the whole tag set: integral(), which interpolates
 * across GROUP BY time window boundaries. The engine creates ONE reducer per tag set with the query
 * range as its window (`windowStart` = range start, `windowEnd` = range end + 1, `intervalNs` =
 * the GROUP BY interval), pushes every point of every window in read order (descending for ORDER
 * BY time DESC), and emit() returns the points InfluxDB's reducer emits, in that order.
 */
export interface WholeTagSetAggregate extends AggregateFunction {
  readonly wholeTagSet: true
}

/** True when `fn` must see the whole tag set through one reducer (see {@link WholeTagSetAggregate}). */
export function isWholeTagSet(fn: AggregateFunction): fn is WholeTagSetAggregate {
  return (fn as Partial<WholeTagSetAggregate>).wholeTagSet === true
}

/**
 * A reducer context that also maps a time to the start of its GROUP BY time window (offset and
 * time zone applied). Whole-tag-set reducers use it when present; otherwise they floor the time
 * to a multiple of `intervalNs`.
 */
export interface WindowedReducerContext extends ReducerContext {
  readonly windowOf?: (timeNs: bigint) => bigint
  /** The points come in descending time order (ORDER BY time DESC). */
  readonly descending?: boolean
}

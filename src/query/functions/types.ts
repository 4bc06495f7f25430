// The contract between the SELECT engine (src/query/select-*.ts) and the function library
// (src/query/functions/): what an aggregate, selector, transformation or math function is given
// and what it gives back. The engine plans the statement, reads points per tag set in time order
// and routes them to these objects; the functions own InfluxDB 1.x's semantics (output types,
// output timestamps, tie-breaking, argument validation and its error texts).

import type { Expr } from '../../influxql/index.js'
import type { QueryCell } from '../result.js'

/** The data type of a stream of values, as InfluxDB's influxql.DataType. */
export type ValueType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean'

/**
 * One value: `number` for float, `bigint` for integer and unsigned (the stream's ValueType says
 * which), `string`, `boolean`.
 */
export type Scalar = number | bigint | string | boolean

/** One input point of a tag set. `aux` carries the values of the query's other columns (selectors return them with the selected point). */
export interface InputPoint {
  readonly time: bigint
  readonly value: Scalar
  readonly aux: readonly QueryCell[]
  /** The point's full series tags (top/bottom with tag arguments pick by them). */
  readonly tags: Readonly<Record<string, string>>
}

/** One output point. `time` follows InfluxDB (window start, or the selected point's time; see {@link ReducerContext}). */
export interface OutputPoint {
  readonly time: bigint
  readonly value: Scalar | null
  readonly aux: readonly QueryCell[]
  /** Tag values an output column shows (top/bottom(field, tag…, N) output the tags as columns). */
  readonly tagValues?: readonly string[]
}

/** What a reducer knows of the window it reduces. */
export interface ReducerContext {
  /** The window's start (GROUP BY time) or the query range's start (epoch 0 when unbounded). */
  readonly windowStart: bigint
  /** The window's end, exclusive (the range end + 1 when there is no GROUP BY time). */
  readonly windowEnd: bigint
  /** GROUP BY time interval in ns, or 0n without one. */
  readonly intervalNs: bigint
  /** Selectors report the selected point's time (InfluxDB: no GROUP BY time and a lone selector call). */
  readonly selectorTime: boolean
  /** The literal arguments after the field (percentile's N, top's N, integral's unit…), already validated. */
  readonly args: readonly Expr[]
}

/** Reduces the points of one window of one tag set (fed in time order, all series of the tag set merged). */
export interface Reducer {
  push(p: InputPoint): void
  /** The window's output points in output order; none when the window had no points (count: a 0 is the engine's fill). */
  emit(): OutputPoint[]
}

/** An aggregate or selector function (count … bottom). */
export interface AggregateFunction {
  readonly name: string
  readonly kind: 'aggregate' | 'selector'
  /** Throws StatementError with InfluxDB's text for bad arguments (count, types of literals). */
  validate(args: readonly Expr[]): void
  /** The output type for an input type; throws StatementError(`unsupported <name> iterator type: <type>`)-like texts as InfluxDB. */
  outputType(input: ValueType): ValueType
  newReducer(input: ValueType, ctx: ReducerContext): Reducer
}

/** A transformation over the (time-ordered) output points of a tag set: derivative, difference, moving_average … */
export interface Transform {
  push(p: OutputPoint): OutputPoint[]
  flush(): OutputPoint[]
}

/** derivative, non_negative_derivative, difference, non_negative_difference, elapsed, moving_average, cumulative_sum, holt_winters(_with_fit). */
export interface TransformFunction {
  readonly name: string
  validate(args: readonly Expr[], hasGroupByTime: boolean): void
  outputType(input: ValueType): ValueType
  newTransform(
    input: ValueType,
    ctx: {
      readonly intervalNs: bigint
      readonly args: readonly Expr[]
      readonly ascending: boolean
    },
  ): Transform
}

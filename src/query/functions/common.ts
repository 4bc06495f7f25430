// Small helpers shared by the function library: InfluxDB's "unsupported … iterator type" error,
// int64/uint64 wrap-around, value comparison with InfluxDB's ordering for every value type, and
// the output time rule for selectors.

import { StatementError } from '../errors.js'
import type { OutputPoint, ReducerContext, Scalar, ValueType } from './types.js'

/**
 * InfluxDB's error for a function that cannot read a value type, e.g.
 * `unsupported sum iterator type: *query.stringInterruptIterator`. `label` is the iterator's name
 * in the text (`cumulative sum`, `moving average` use a space).
 */
export function unsupportedType(label: string, input: ValueType): StatementError {
  return new StatementError(
    `unsupported ${label} iterator type: *query.${input}InterruptIterator`,
    { function: label, type: input },
  )
}

/** True for the numeric types (float, integer, unsigned). */
export function isNumeric(t: ValueType): boolean {
  return t === 'float' || t === 'integer' || t === 'unsigned'
}

/** Wraps a bigint to the value range of an integer (int64) or unsigned (uint64) stream. */
export function wrap(t: ValueType, v: bigint): bigint {
  return t === 'unsigned' ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v)
}

/** A value as float64 (bigint values convert as Go's float64(x) does: nearest double). */
export function toFloat(v: Scalar): number {
  return typeof v === 'number'
    ? v
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'boolean'
        ? Number(v)
        : Number.NaN
}

/** Compares two values of one type: numbers and strings by `<`, booleans false < true. */
export function compare(a: Scalar, b: Scalar): number {
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b)
  return a < b ? -1 : a > b ? 1 : 0
}

/** The output time of a selector's point: its own time for a lone selector, else the window start. */
export function selectorTimeOf(ctx: ReducerContext, pointTime: bigint): bigint {
  return ctx.selectorTime ? pointTime : ctx.windowStart
}

/** One output point with no aux values (aggregates that are not selectors). */
export function plain(time: bigint, value: Scalar | null): OutputPoint {
  return { time, value, aux: [] }
}

// Type casts of variable references (`value::integer`), as InfluxDB 1.6 applies them. A field of a
// shard is cast by the TSM engine's cursors (tsm1 Engine.buildCursor): float, integer and unsigned
// convert into each other, and any other pair reads nothing, so the field is absent. A column of
// a subquery is cast by query.castToType: the same numeric conversions, and a value of any other
// type passes unchanged. Conversions follow Go on amd64: float to integer truncates toward zero
// and gives -2^63 when out of range or NaN; float to unsigned converts values below 2^63 as
// integers (negative ones wrap) and subtracts 2^63 from the others, then sets the top bit (so
// NaN and values from 2^64 on give 2^63);
// integer and unsigned reinterpret the 64 bits. The same cursors read a field whose type in a shard
// differs from the type the query gives it (the highest among the shards, select-source.ts).

import type { DataType } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import type { ValueType } from './functions/index.js'

/** A type a reference can be cast to. */
export type CastType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean'

const TWO_63 = 2 ** 63
const INT64_MIN = -(2n ** 63n)

/** The cast a VarRef's type annotation asks for; undefined for none, `::field`, `::tag` and the like. */
export function castOf(t: DataType): CastType | undefined {
  switch (t) {
    case 'float':
    case 'integer':
    case 'unsigned':
    case 'string':
    case 'boolean':
      return t
    default:
      return undefined
  }
}

/** Go's int64(f) on amd64 (CVTTSD2SQ): truncation, -2^63 for NaN and out-of-range values. */
export function goFloatToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= TWO_63 || f < -TWO_63) return INT64_MIN
  return BigInt(Math.trunc(f))
}

/** Go's uint64(f) on amd64, as a non-negative bigint. */
export function goFloatToUint64(f: number): bigint {
  if (f < TWO_63) return BigInt.asUintN(64, goFloatToInt64(f))
  return BigInt.asUintN(64, goFloatToInt64(f - TWO_63) | INT64_MIN)
}

/** Converts a numeric cell; `unsigned` says a bigint is uint64. Undefined when not numeric. */
function numeric(
  v: QueryCell,
  unsigned: boolean,
  to: 'float' | 'integer' | 'unsigned',
): QueryCell | undefined {
  if (typeof v === 'number') {
    if (to === 'float') return v
    return to === 'integer' ? goFloatToInt64(v) : goFloatToUint64(v)
  }
  if (typeof v === 'bigint') {
    const bits = unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v)
    if (to === 'float') return Number(bits)
    return to === 'integer' ? BigInt.asIntN(64, bits) : BigInt.asUintN(64, bits)
  }
  return undefined
}

/**
 * A shard field of type `from` read as `to` (the engine's cursor casts): numeric types convert;
 * otherwise a field of another type reads as absent (null).
 */
export function cursorCast(v: QueryCell, from: ValueType | undefined, to: CastType): QueryCell {
  if (v === null || from === undefined || from === to) return v
  if (to === 'string' || to === 'boolean' || from === 'string' || from === 'boolean') return null
  return numeric(v, from === 'unsigned', to) ?? null
}

/**
 * A value of a shard's field read as `to` when the query types the field `to` (as a cast does):
 * numeric values convert, a string or boolean of another type reads as absent (null). The value's
 * own type is its JS type; a bigint converts alike whether the shard held it as int64 or uint64.
 */
export function readAs(v: QueryCell, to: CastType): QueryCell {
  if (typeof v === 'string') return to === 'string' ? v : null
  if (typeof v === 'boolean') return to === 'boolean' ? v : null
  if (to === 'string' || to === 'boolean') return null
  return numeric(v, typeof v === 'bigint' && v >= 0n, to) ?? null
}

/** A subquery column read as `to` (query.castToType): numeric conversions, anything else unchanged. */
export function valueCast(v: QueryCell, unsigned: boolean, to: CastType): QueryCell {
  if (v === null || to === 'string' || to === 'boolean') return v
  return numeric(v, unsigned, to) ?? v
}

// How the slots of a compiled select list are typed in one measurement: the casts of aux
// references and of call fields (`v::unsigned`, converted by select-cast.ts), and which aux slots,
// call slots and output columns hold uint64 rather than int64 integers (both are bigint, and
// InfluxDB computes and stores them differently). A store measurement's field is read as the type
// the query gives it (or its cast): a shard holding it as another type converts its values or
// reads it as absent, as InfluxDB's cursors do.

import type { Expr } from '../influxql/index.js'
import type { FieldType } from '../lineprotocol/index.js'
import type { QueryCell } from './result.js'
import { type CastType, readAs, valueCast } from './select-cast.js'
import { isArithmetic } from './select-eval.js'
import type { AuxRef, CallPlan, FieldExpr, FieldPlan } from './select-fields.js'
import { higherFieldType, type MeasurementSchema } from './select-source.js'
import type { ValueType } from './functions/index.js'

/** Which aux slots and call slots hold uint64 integers, for typed arithmetic. */
export interface SlotTypes {
  readonly aux: readonly boolean[]
  readonly calls: readonly boolean[]
}

/** No unsigned slot. */
export const SIGNED_SLOTS: SlotTypes = { aux: [], calls: [] }

/** Whether a select-list expression gives a uint64 when it gives an integer. */
export function isUnsignedField(e: FieldExpr, types: SlotTypes): boolean {
  switch (e.kind) {
    case 'ref':
      return types.aux[e.slot] === true
    case 'call':
      return types.calls[e.slot] === true
    case 'literal':
      return e.unsigned
    case 'binary':
      return isArithmetic(e.op) && (isUnsignedField(e.lhs, types) || isUnsignedField(e.rhs, types))
    case 'math': {
      const arg = e.args[0]
      return (
        (e.name === 'abs' || e.name === 'floor' || e.name === 'ceil' || e.name === 'round') &&
        arg !== undefined &&
        isUnsignedField(arg, types)
      )
    }
    case 'wildcard':
      return false
  }
}

/** The output columns (time first) whose integers are uint64; undefined when there is none. */
export function unsignedColumns(
  fields: readonly FieldPlan[],
  types: SlotTypes,
): readonly boolean[] | undefined {
  const flags = fields.map((f) => isUnsignedField(f.expr, types))
  return flags.some((u) => u) ? [false, ...flags] : undefined
}

/**
 * Each field's type for the whole statement, as InfluxDB's RewriteFields gives it: the highest of
 * its types in every source (the shards of each measurement, the columns of each subquery).
 */
export function statementFieldTypes(
  schemas: readonly MeasurementSchema[],
): ReadonlyMap<string, FieldType> {
  const types = new Map<string, FieldType>()
  for (const s of schemas)
    for (const [f, t] of s.fields) types.set(f, higherFieldType(types.get(f), t))
  return types
}

/** A store measurement's schema with its fields of the types `types` gives them. */
export function withFieldTypes(
  schema: MeasurementSchema,
  types: ReadonlyMap<string, FieldType>,
): MeasurementSchema {
  const fields = new Map<string, FieldType>()
  for (const [f, t] of schema.fields) fields.set(f, types.get(f) ?? t)
  return { ...schema, fields }
}

/**
 * The WHERE condition of a store measurement with each untyped reference to a field that some
 * shard holds as another type typed as the query types it, so that the per-point evaluation reads
 * it through the same casts (select-eval.ts) as InfluxDB's condition cursors.
 */
export function typedCondition(cond: Expr | null, schema: MeasurementSchema): Expr | null {
  if (cond === null) return null
  const walk = (e: Expr): Expr => {
    switch (e.kind) {
      case 'VarRef': {
        const t = schema.fields.get(e.name)
        return t === undefined ||
          (e.dataType !== 'unknown' && e.dataType !== 'field') ||
          readsAsIs(schema, e.name, t)
          ? e
          : { ...e, dataType: t }
      }
      case 'BinaryExpr':
        return { ...e, lhs: walk(e.lhs), rhs: walk(e.rhs) }
      case 'ParenExpr':
        return { ...e, expr: walk(e.expr) }
      case 'Call':
        return { ...e, args: e.args.map(walk) }
      default:
        return e
    }
  }
  return walk(cond)
}

/** Whether every shard holds field `name` as `to`, so its values need no converting. */
function readsAsIs(schema: MeasurementSchema, name: string, to: CastType): boolean {
  const types = schema.shardTypes?.get(name)
  if (types === undefined) return schema.fields.get(name) === to
  for (const t of types) if (t !== to) return false
  return true
}

/**
 * How the aux slots of one measurement are read: a converter for each slot whose values may
 * change (the engine's cursor casts for a shard's fields, castToType for a subquery's columns),
 * and which slots hold unsigned integers once converted.
 */
export function auxTyping(
  aux: readonly AuxRef[],
  isField: readonly boolean[],
  schema: MeasurementSchema,
  direct: boolean,
): { readonly convert: readonly (AuxConvert | undefined)[]; readonly unsigned: boolean[] } {
  const convert: (AuxConvert | undefined)[] = []
  const unsigned: boolean[] = []
  aux.forEach((r, k) => {
    const from = isField[k] === true ? schema.fields.get(r.name) : undefined
    const cast = r.cast
    if (from !== undefined && !direct) {
      const to = cast ?? from
      convert.push(readsAsIs(schema, r.name, to) ? undefined : (c) => readAs(c, to))
      unsigned.push(to === 'unsigned')
    } else if (cast === undefined || from === undefined) {
      convert.push(undefined)
      unsigned.push(from === 'unsigned')
    } else {
      const fromUnsigned = from === 'unsigned'
      convert.push((c) => valueCast(c, fromUnsigned, cast))
      unsigned.push(
        cast === 'unsigned' || (fromUnsigned && (cast === 'string' || cast === 'boolean')),
      )
    }
  })
  return { convert, unsigned }
}

/** Converts one aux cell (a cast). */
export type AuxConvert = (c: QueryCell) => QueryCell

/** How a call reads its field in one measurement: the type it sees, and the cast converting each value. */
export interface CallInputType {
  readonly type: ValueType
  readonly convert: AuxConvert | undefined
}

/** How call `c` reads its field in a measurement; undefined when the measurement lacks the field. */
export function callInputOf(
  c: CallPlan,
  schema: MeasurementSchema,
  direct: boolean,
): CallInputType | undefined {
  const from = schema.fields.get(c.field)
  const cast = c.cast
  if (from !== undefined && !direct) {
    const to = cast ?? from
    return { type: to, convert: readsAsIs(schema, c.field, to) ? undefined : (v) => readAs(v, to) }
  }
  if (from === undefined || cast === undefined || cast === from) {
    return from === undefined ? undefined : { type: from, convert: undefined }
  }
  // A subquery's column keeps its value when the cast is not numeric.
  const numeric = cast === 'float' || cast === 'integer' || cast === 'unsigned'
  return {
    type: numeric ? cast : from,
    convert: (v) => valueCast(v, from === 'unsigned', cast),
  }
}

/** Everything typed about the slots of a select list in one measurement. */
export interface MeasurementTyping {
  /** The converter of each cast aux slot. */
  readonly auxConvert: readonly (AuxConvert | undefined)[]
  /** How each call reads its field (undefined when the measurement lacks it). */
  readonly calls: readonly (CallInputType | undefined)[]
  readonly slots: SlotTypes
  /** The output columns holding uint64 (time first); undefined when none does. */
  readonly unsignedColumns: readonly boolean[] | undefined
}

/**
 * Types the slots of `fields` (aux refs `aux`, calls `calls`) in a measurement with `schema`;
 * `outputType` gives a call's output type for its input type (throwing for an invalid one).
 */
export function measurementTyping(
  fields: readonly FieldPlan[],
  aux: readonly AuxRef[],
  calls: readonly CallPlan[],
  isField: readonly boolean[],
  schema: MeasurementSchema,
  direct: boolean,
  outputType: (c: CallPlan, input: ValueType) => ValueType,
): MeasurementTyping {
  const a = auxTyping(aux, isField, schema, direct)
  const inputs = calls.map((c) => callInputOf(c, schema, direct))
  const slots: SlotTypes = {
    aux: a.unsigned,
    calls: calls.map((c, k) => {
      const input = inputs[k]
      if (input === undefined) return false
      try {
        return outputType(c, input.type) === 'unsigned'
      } catch {
        return false
      }
    }),
  }
  return {
    auxConvert: a.convert,
    calls: inputs,
    slots,
    unsignedColumns: unsignedColumns(fields, slots),
  }
}

// The output columns of a SELECT: the GROUP BY tag keys (listed, `*`, regexes), the select
// list with `*` expanded over every measurement's schema, InfluxDB's column names, and the
// evaluation of the select list on one output row (aux values, call values, math, arithmetic),
// with the slots' types (select-typing.ts).

import type { QueryCell } from './result.js'
import { type EvalValue, evalBinary, evalMath, MISSING } from './select-eval.js'
import { isUnsignedField, SIGNED_SLOTS, type SlotTypes } from './select-typing.js'
import type { AuxRef, FieldExpr, FieldPlan } from './select-fields.js'
import type { SelectPlan } from './select-plan.js'
import type { MeasurementSchema } from './select-source.js'
import { zoneOffsetSeconds } from './select-tz.js'
import { regexMatches } from './regex.js'

/** The select list after wildcards are expanded, with the aux refs it reads. */
export interface Expanded {
  readonly fields: readonly FieldPlan[]
  readonly aux: readonly AuxRef[]
  readonly columns: readonly string[]
}

/** The GROUP BY tag keys: listed keys, every key for `*`, keys matching a regex; sorted. */
export function dimensionsOf(plan: SelectPlan, schemas: readonly MeasurementSchema[]): string[] {
  const keys = new Set(plan.dimensions.keys)
  for (const s of schemas) {
    for (const k of s.tagKeys) {
      if (plan.dimensions.all || plan.dimensions.regexes.some((r) => regexMatches(r, k)))
        keys.add(k)
    }
  }
  return [...keys].sort()
}

/** Expands `*`, `*::field` and `*::tag` over every measurement's schema (fields and tags sorted together). */
export function expand(
  plan: SelectPlan,
  schemas: readonly MeasurementSchema[],
  dims: ReadonlySet<string>,
): Expanded {
  const aux = [...plan.fields.aux]
  const fields: FieldPlan[] = []
  for (const f of plan.fields.fields) {
    if (f.expr.kind !== 'wildcard') {
      fields.push(f)
      continue
    }
    const type = f.expr.type
    const names = new Map<string, 'field' | 'tag'>()
    for (const s of schemas) {
      if (type !== 'tag') for (const n of s.fields.keys()) names.set(n, 'field')
      if (type !== 'field')
        for (const t of s.tagKeys) if (!dims.has(t) && !names.has(t)) names.set(t, 'tag')
    }
    for (const name of [...names.keys()].sort()) {
      aux.push({ name, type: names.get(name) ?? 'field' })
      fields.push({
        column: name,
        aliased: false,
        expr: { kind: 'ref', slot: aux.length - 1 },
        source: null,
      })
    }
  }
  return { fields, aux, columns: columnNamesOf(plan.fields.timeColumn, fields) }
}

/** InfluxDB's ColumnNames: aliases as written, then generated names made unique with `_1`, `_2` … */
function columnNamesOf(timeColumn: string, fields: readonly FieldPlan[]): string[] {
  const names = new Map<string, number>()
  const out: string[] = fields.map((f) => {
    if (f.aliased) names.set(f.column, 1)
    return f.aliased ? f.column : ''
  })
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    if (f === undefined || f.aliased) continue
    let name = f.column
    let count = names.get(name)
    if (count !== undefined) {
      for (;;) {
        const resolved = `${name}_${count}`
        if (!names.has(resolved)) {
          names.set(name, count + 1)
          name = resolved
          break
        }
        count++
      }
    }
    names.set(name, (names.get(name) ?? 0) + 1)
    out[i] = name
  }
  return [timeColumn, ...out]
}

/** Evaluates a select-list expression on one output row (`types` says which slots are unsigned). */
export function evalField(
  e: FieldExpr,
  slots: readonly (QueryCell | undefined)[],
  aux: readonly QueryCell[],
  types: SlotTypes = SIGNED_SLOTS,
): EvalValue {
  switch (e.kind) {
    case 'ref': {
      const v = aux[e.slot]
      return v === undefined || v === null || typeof v === 'object' ? null : v
    }
    case 'call': {
      const v = slots[e.slot]
      return v === undefined || v === null || typeof v === 'object' ? null : v
    }
    case 'literal':
      return e.value
    case 'binary':
      return evalBinary(
        e.op,
        evalField(e.lhs, slots, aux, types),
        evalField(e.rhs, slots, aux, types),
        isUnsignedField(e.lhs, types),
        isUnsignedField(e.rhs, types),
      )
    case 'math':
      return evalMath(
        e.name,
        e.args.map((a) => evalField(a, slots, aux, types)),
      )
    case 'wildcard':
      return null
  }
}

export function toCell(v: EvalValue): QueryCell {
  if (v === null || v === MISSING || v instanceof RegExp) return null
  if (typeof v === 'number' && Number.isNaN(v)) return null
  return v
}

export function timeCell(ns: bigint, zone: string | null): QueryCell {
  if (zone === null) return { kind: 'time', ns }
  return { kind: 'time', ns, offsetSeconds: zoneOffsetSeconds(zone, ns) }
}

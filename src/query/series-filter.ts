// Which series of a measurement a WHERE condition selects, with InfluxDB 1.6's index semantics
// (tsdb/index.go seriesByExprIterator): `tag = ''` selects series without the tag, `!=` and the
// other operators with a string select series without that value, regexes that match '' include
// series lacking the tag, `_name` compares the measurement name, and a comparison the index
// cannot answer (a field, a number, arithmetic) selects every series but marks it with a residual
// expression. DELETE and DROP SERIES refuse such marked series; the SHOW statements ignore marks.

import type { BinaryExpr, Expr, VarRef } from '../influxql/index.js'
import type { MeasurementView } from './database-index.js'
import { regexMatches } from './regex.js'

/**
 * What remains to be checked for a selected series: nothing, the literal `true` (a `_name`
 * regex that matched), or some other expression the index could not evaluate.
 */
export type Residual = 'none' | 'true' | 'other'

/** Selected series keys, each with its residual. */
export type SeriesSelection = Map<string, Residual>

function all(view: MeasurementView, residual: Residual): SeriesSelection {
  const out: SeriesSelection = new Map()
  for (const k of view.series().keys()) out.set(k, residual)
  return out
}

function fromSet(keys: Iterable<string>): SeriesSelection {
  const out: SeriesSelection = new Map()
  for (const k of keys) out.set(k, 'none')
  return out
}

function andResidual(a: Residual, b: Residual): Residual {
  if (a === 'none') return b
  if (b === 'none') return a
  return a === 'true' && b === 'true' ? 'true' : 'other'
}

function intersect(a: SeriesSelection | null, b: SeriesSelection | null): SeriesSelection | null {
  if (a === null || b === null) return null
  const out: SeriesSelection = new Map()
  for (const [k, ra] of a) {
    const rb = b.get(k)
    if (rb !== undefined) out.set(k, andResidual(ra, rb))
  }
  return out
}

function union(a: SeriesSelection | null, b: SeriesSelection | null): SeriesSelection | null {
  if (a === null) return b
  if (b === null) return a
  const out: SeriesSelection = new Map(a)
  for (const [k, rb] of b) {
    const ra = out.get(k)
    if (ra === undefined) out.set(k, rb)
    else if (ra === 'none' || rb === 'none') out.set(k, 'none')
    else out.set(k, ra === 'true' || rb === 'true' ? 'true' : 'other')
  }
  return out
}

function difference(a: SeriesSelection | null, minus: ReadonlySet<string>): SeriesSelection | null {
  if (a === null) return null
  const out: SeriesSelection = new Map()
  for (const [k, r] of a) if (!minus.has(k)) out.set(k, r)
  return out
}

/**
 * The series of `view` that `expr` selects; null when none (InfluxDB's nil iterator). A null
 * `expr` selects every series. `mode` picks the index's rules (SHOW SERIES, SHOW TAG VALUES,
 * DELETE) or those the query engine uses to build tag sets (the SHOW statements InfluxDB runs as
 * SELECTs), which differ for operators other than =, !=, =~, !~ and for tag-to-tag comparisons.
 */
export function selectSeries(
  view: MeasurementView,
  expr: Expr | null,
  mode: FilterMode = 'index',
): SeriesSelection | null {
  if (expr === null) return all(view, 'none')
  switch (expr.kind) {
    case 'BinaryExpr':
      if (expr.op === 'AND')
        return intersect(selectSeries(view, expr.lhs, mode), selectSeries(view, expr.rhs, mode))
      if (expr.op === 'OR')
        return union(selectSeries(view, expr.lhs, mode), selectSeries(view, expr.rhs, mode))
      return selectByComparison(view, expr, mode)
    case 'ParenExpr':
      return selectSeries(view, expr.expr, mode)
    case 'BooleanLiteral':
      return expr.value ? all(view, 'none') : null
    default:
      return null
  }
}

/** Whose rules select series: the index's, or the query engine's tag-set builder's. */
export type FilterMode = 'index' | 'tagsets'

/** The system fields a SELECT types as strings (so they count as fields, not tags). */
const STRING_SYSTEM_FIELDS = new Set(['_tagKey', '_tagValue', '_seriesKey'])

function isField(view: MeasurementView, ref: VarRef, mode: FilterMode): boolean {
  if (ref.name === '_name') return false
  if (ref.dataType === 'unknown')
    return view.hasField(ref.name) || (mode === 'tagsets' && STRING_SYSTEM_FIELDS.has(ref.name))
  return ref.dataType !== 'tag'
}

function selectByComparison(
  view: MeasurementView,
  n: BinaryExpr,
  mode: FilterMode,
): SeriesSelection | null {
  if (n.lhs.kind === 'BinaryExpr' || n.rhs.kind === 'BinaryExpr') return all(view, 'other')
  let key: VarRef
  let value: Expr
  if (n.lhs.kind === 'VarRef') {
    key = n.lhs
    value = n.rhs
  } else if (n.rhs.kind === 'VarRef') {
    key = n.rhs
    value = n.lhs
  } else {
    return all(view, 'other')
  }
  if (isField(view, key, mode)) return all(view, 'other')
  if (value.kind === 'VarRef') {
    // InfluxDB tests the key's type here where it means the value's; kept for equal answers.
    const valueIsField =
      value.name !== '_name' && (isField(view, value, mode) || key.dataType === 'field')
    if (valueIsField) return all(view, 'other')
  }
  if (mode === 'tagsets') return selectForTagSets(view, n.op, key.name, value)
  switch (value.kind) {
    case 'StringLiteral':
      return selectByString(view, key.name, value.value, n.op)
    case 'RegexLiteral':
      return selectByRegex(view, key.name, value.pattern, n.op)
    case 'VarRef': {
      const a = fromSet(view.seriesWithTagKey(key.name))
      const b = view.seriesWithTagKey(value.name)
      return n.op === '=' ? intersect(a, fromSet(b)) : difference(a, b)
    }
    default:
      return all(view, 'other')
  }
}

/** The inmem measurement's idsForExpr, which the query engine's tag sets use. */
function selectForTagSets(
  view: MeasurementView,
  op: BinaryExpr['op'],
  key: string,
  value: Expr,
): SeriesSelection | null {
  switch (value.kind) {
    case 'StringLiteral':
      if (key !== '_name' && op !== '=' && op !== '!=') return null
      return selectByString(view, key, value.value, op)
    case 'RegexLiteral':
      if (key !== '_name' && op !== '=~' && op !== '!~') return null
      return selectByRegex(view, key, value.pattern, op)
    case 'VarRef': {
      const same = new Set<string>()
      for (const v of view.tagValues(key)) {
        const other = view.seriesWithTagValue(value.name, v)
        for (const s of view.seriesWithTagValue(key, v)) if (other.has(s)) same.add(s)
      }
      if (op === '=') return fromSet(same)
      if (op === '!=') return difference(all(view, 'none'), same)
      return null
    }
    default:
      return all(view, 'other')
  }
}

function selectByString(
  view: MeasurementView,
  key: string,
  value: string,
  op: BinaryExpr['op'],
): SeriesSelection | null {
  if (key === '_name') {
    const eq = value === view.name
    return (op === '=' && eq) || (op === '!=' && !eq) ? all(view, 'none') : null
  }
  if (op === '=') {
    if (value !== '') return fromSet(view.seriesWithTagValue(key, value))
    return difference(all(view, 'none'), view.seriesWithTagKey(key))
  }
  if (value !== '') return difference(all(view, 'none'), view.seriesWithTagValue(key, value))
  return fromSet(view.seriesWithTagKey(key))
}

function selectByRegex(
  view: MeasurementView,
  key: string,
  pattern: string,
  op: BinaryExpr['op'],
): SeriesSelection | null {
  if (key === '_name') {
    const match = regexMatches(pattern, view.name)
    return (op === '=~' && match) || (op === '!~' && !match) ? all(view, 'true') : null
  }
  const matches = op === '=~'
  const matchEmpty = regexMatches(pattern, '')
  const values = view.tagValues(key)
  const withValues = (pick: (matched: boolean) => boolean): Set<string> => {
    const out = new Set<string>()
    for (const v of values)
      if (pick(regexMatches(pattern, v)))
        for (const s of view.seriesWithTagValue(key, v)) out.add(s)
    return out
  }
  if (matches) {
    if (matchEmpty)
      return values.length === 0
        ? all(view, 'none')
        : difference(
            all(view, 'none'),
            withValues((m) => !m),
          )
    return values.length === 0 ? null : fromSet(withValues((m) => m))
  }
  if (matchEmpty) return values.length === 0 ? null : fromSet(withValues((m) => !m))
  return values.length === 0
    ? all(view, 'none')
    : difference(
        all(view, 'none'),
        withValues((m) => m),
      )
}

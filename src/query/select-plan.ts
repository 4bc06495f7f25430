// Compiles a normalised SELECT into what the engine runs: the selected expressions (field or tag
// references for a raw query, aggregate and selector calls otherwise) with InfluxDB's column
// names, the GROUP BY tag dimensions, and the time range and tag condition split from WHERE.
// Everything this first slice of the engine cannot run fails with a clear statement error.

import type { Expr, FillOption, SelectStatement } from '../influxql/index.js'
import type { TimeRange } from './condition.js'
import { conditionExpr } from './condition.js'
import { NotImplementedError, StatementError } from './errors.js'

/** The aggregate and selector functions this slice runs. */
export type AggregateName = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'first' | 'last' | 'spread'

const AGGREGATES: ReadonlySet<string> = new Set<AggregateName>(['count', 'sum', 'mean', 'min', 'max', 'first', 'last', 'spread'])
const SELECTORS: ReadonlySet<string> = new Set(['min', 'max', 'first', 'last'])

/** A reference in the select list; `type` says whether it was written `::field` / `::tag`. */
export interface RefItem {
  readonly kind: 'ref'
  readonly column: string
  readonly name: string
  readonly type: 'field' | 'tag' | 'any'
}

/** An aggregate or selector call on one field. */
export interface CallItem {
  readonly kind: 'call'
  readonly column: string
  readonly fn: AggregateName
  readonly field: string
}

/** A wildcard, expanded per query over the measurements' schemas. */
export interface WildcardItem {
  readonly kind: 'wildcard'
  readonly type: 'field' | 'tag' | null
}

/** GROUP BY time(duration[, offset]): windows start at epoch + offset + k × duration. */
export interface TimeInterval {
  readonly durationNs: bigint
  /** In [0, durationNs). */
  readonly offsetNs: bigint
}

/** A compiled SELECT. */
export interface SelectPlan {
  readonly mode: 'raw' | 'aggregate'
  /** Raw: refs and wildcards; aggregate: calls only. Columns not yet de-duplicated for wildcards. */
  readonly items: readonly (RefItem | CallItem | WildcardItem)[]
  /** GROUP BY tag keys; `all` for GROUP BY *. */
  readonly dimensions: { readonly all: boolean; readonly keys: readonly string[] }
  readonly range: TimeRange
  /** The WHERE condition without its time comparisons. */
  readonly condition: Expr | null
  /** Whether the output time is the selected point's (a lone selector). */
  readonly selectorTime: boolean
  readonly ascending: boolean
  /** GROUP BY time(…); null without one. */
  readonly interval: TimeInterval | null
  readonly fill: FillOption
  readonly fillValue: number | bigint | null
}

function compileInterval(args: readonly Expr[]): TimeInterval {
  const [d, o] = args
  if (args.length < 1 || args.length > 2 || d === undefined) throw new StatementError('time dimension expected 1 or 2 arguments')
  if (d.kind !== 'DurationLiteral') throw new StatementError('time dimension must have duration argument')
  const durationNs = d.value
  if (durationNs <= 0n) throw new StatementError('time dimension must have duration argument')
  if (o === undefined) return { durationNs, offsetNs: 0n }
  if (o.kind !== 'DurationLiteral') throw new NotImplementedError('GROUP BY time() offsets other than a duration')
  // Go's % keeps the dividend's sign; a negative remainder shifts windows the same as its positive twin.
  const r = o.value % durationNs
  return { durationNs, offsetNs: r < 0n ? r + durationNs : r }
}

function unwrap(e: Expr): Expr {
  return e.kind === 'ParenExpr' ? unwrap(e.expr) : e
}

function compileCall(name: string, args: readonly Expr[], column: string): CallItem {
  if (!AGGREGATES.has(name)) throw new NotImplementedError(`function ${name}`)
  const arg = args[0]
  if (args.length !== 1 || arg === undefined) throw new StatementError(`invalid number of arguments for ${name}, expected 1, got ${args.length}`)
  const a = unwrap(arg)
  if (a.kind !== 'VarRef') throw new NotImplementedError(`${name}() of anything but a field`)
  return { kind: 'call', column, fn: name as AggregateName, field: a.name }
}

/** Compiles `stmt` (already normalised) with now() at `nowNs`. */
export function planSelect(stmt: SelectStatement, nowNs: bigint): SelectPlan {
  if (stmt.target !== null) throw new NotImplementedError('SELECT INTO')
  if (stmt.location !== null) throw new NotImplementedError('tz()')
  const items: (RefItem | CallItem | WildcardItem)[] = []
  let refs = 0
  let calls = 0
  for (const f of stmt.fields) {
    const e = unwrap(f.expr)
    switch (e.kind) {
      case 'VarRef':
        if (e.name.toLowerCase() === 'time') continue
        refs++
        items.push({
          kind: 'ref',
          column: f.alias !== '' ? f.alias : e.name,
          name: e.name,
          type: e.dataType === 'tag' ? 'tag' : e.dataType === 'field' || e.dataType !== 'unknown' ? 'field' : 'any',
        })
        break
      case 'Wildcard':
        refs++
        items.push({ kind: 'wildcard', type: e.wildcardType })
        break
      case 'Call':
        calls++
        items.push(compileCall(e.name, e.args, f.alias !== '' ? f.alias : e.name))
        break
      case 'Distinct':
        throw new NotImplementedError('function distinct')
      case 'BinaryExpr':
        throw new NotImplementedError('arithmetic in the select list')
      default:
        throw new NotImplementedError('literals in the select list')
    }
  }
  if (items.length === 0) throw new StatementError('at least 1 non-time field must be queried')
  if (calls > 0 && refs > 0) {
    const onlySelector = calls === 1 && items.some((i) => i.kind === 'call' && SELECTORS.has(i.fn))
    if (onlySelector) throw new NotImplementedError('tags or fields next to a selector')
    throw new StatementError('mixing aggregate and non-aggregate queries is not supported')
  }
  const keys: string[] = []
  let all = false
  let interval: TimeInterval | null = null
  for (const d of stmt.dimensions) {
    const e = unwrap(d.expr)
    if (e.kind === 'VarRef') keys.push(e.name)
    else if (e.kind === 'Wildcard') all = true
    else if (e.kind === 'Call' && e.name === 'time') {
      if (interval !== null) throw new StatementError('multiple time dimensions not allowed')
      interval = compileInterval(e.args)
    } else throw new NotImplementedError('GROUP BY with a regex')
  }
  if (calls === 0) {
    if (stmt.fill === 'none') throw new StatementError('fill(none) must be used with a function')
    if (stmt.fill === 'linear') throw new StatementError('fill(linear) must be used with a function')
    if (interval !== null) throw new StatementError('GROUP BY requires at least one aggregate function')
  }
  const { condition, range } = conditionExpr(stmt.condition, nowNs)
  const sort = stmt.sortFields[0]
  const selectorTime = interval === null && calls === 1 && items.length === 1 && items.some((i) => i.kind === 'call' && SELECTORS.has(i.fn))
  return {
    mode: calls > 0 ? 'aggregate' : 'raw',
    items,
    dimensions: { all, keys: [...new Set(keys)].sort() },
    range,
    condition,
    selectorTime,
    ascending: sort === undefined || sort.ascending,
    interval,
    fill: stmt.fill,
    fillValue: stmt.fillValue,
  }
}

/**
 * InfluxDB's column naming: `time` first, then each name, a repeated name getting `_1`, `_2`, …
 * (skipping names already taken).
 */
export function columnNames(names: readonly string[]): string[] {
  const out = ['time']
  const used = new Set<string>(['time'])
  for (const n of names) {
    let name = n
    for (let k = 1; used.has(name); k++) name = `${n}_${k}`
    used.add(name)
    out.push(name)
  }
  return out
}

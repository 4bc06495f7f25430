// Wildcards and regexes inside the select list that need the schema before planning, as
// InfluxDB's RewriteFields expands them: `mean(*)` and `max(/re/)` (also inside a transformation,
// `derivative(mean(*))`) become one call per field of a type the function takes, named
// `<name>_<field>`; a bare `/re/` becomes the fields and tags whose names match. Plain `*` is
// expanded later by the engine. InfluxDB checks the select list before it expands it (Compile,
// then RewriteFields), so wildcards that match no field (an empty database, data deleted or
// dropped) leave a statement that reads nothing, not "at least 1 non-time field must be queried".

import type { DataType, Expr, Field, SelectStatement } from '../influxql/index.js'
import type { FieldType } from '../lineprotocol/index.js'
import { StatementError } from './errors.js'
import { regexMatches } from './regex.js'
import { fieldName } from './select-fields.js'

/** Whether the select list has a wildcard or regex this pass expands. */
export function hasSchemaWildcards(stmt: SelectStatement): boolean {
  return stmt.fields.some(
    (f) =>
      f.expr.kind === 'RegexLiteral' || (f.expr.kind === 'Call' && innermost(f.expr) !== undefined),
  )
}

/** The innermost call's wildcard or regex argument of a call chain, if any. */
function innermost(e: Expr & { kind: 'Call' }): Expr | undefined {
  let call = e
  for (;;) {
    const a = call.args[0]
    if (a === undefined) return undefined
    if (a.kind === 'Call') {
      call = a
      continue
    }
    return a.kind === 'Wildcard' || a.kind === 'RegexLiteral' ? a : undefined
  }
}

/** `e` with the innermost call's first argument replaced by `ref`. */
function replaceInnermost(e: Expr & { kind: 'Call' }, ref: Expr): Expr & { kind: 'Call' } {
  const [a, ...rest] = e.args
  if (a !== undefined && a.kind === 'Call')
    return { ...e, args: [replaceInnermost(a, ref), ...rest] }
  return { ...e, args: [ref, ...rest] }
}

function innermostName(e: Expr & { kind: 'Call' }): string {
  const a = e.args[0]
  return a !== undefined && a.kind === 'Call' ? innermostName(a) : e.name
}

function supports(fn: string, t: FieldType): boolean {
  if (t === 'float' || t === 'integer') return true
  if (t === 'unsigned') return fn !== 'holt_winters' && fn !== 'holt_winters_with_fit'
  const all = ['count', 'first', 'last', 'distinct', 'elapsed', 'mode', 'sample']
  if (t === 'string') return all.includes(fn)
  return all.includes(fn) || fn === 'min' || fn === 'max'
}

/** Expands the schema-dependent wildcards of the select list over `fields` and `tagKeys` (all sources). */
export function expandSchemaWildcards(
  stmt: SelectStatement,
  fields: ReadonlyMap<string, FieldType>,
  tagKeys: readonly string[],
): SelectStatement {
  const dims = new Set(
    stmt.dimensions.flatMap((d) => (d.expr.kind === 'VarRef' ? [d.expr.name] : [])),
  )
  const names = [...fields.keys()].sort()
  const out: Field[] = []
  for (const f of stmt.fields) {
    const e = f.expr
    if (e.kind === 'RegexLiteral') {
      const refs = new Map<string, DataType>()
      for (const n of names) refs.set(n, fields.get(n) ?? 'unknown')
      for (const k of tagKeys) if (!dims.has(k) && !refs.has(k)) refs.set(k, 'tag')
      for (const n of [...refs.keys()].sort())
        if (regexMatches(e.pattern, n))
          out.push({
            expr: { kind: 'VarRef', name: n, dataType: refs.get(n) ?? 'unknown' },
            alias: '',
          })
      continue
    }
    const arg = e.kind === 'Call' ? innermost(e) : undefined
    if (e.kind !== 'Call' || arg === undefined) {
      out.push(f)
      continue
    }
    const fn = innermostName(e)
    if (arg.kind === 'Wildcard' && arg.wildcardType === 'tag')
      throw new StatementError(`unable to use tag wildcard in ${fn}()`)
    const base = fieldName(f)
    for (const n of names) {
      const t = fields.get(n)
      if (t === undefined || !supports(fn, t)) continue
      if (arg.kind === 'RegexLiteral' && !regexMatches(arg.pattern, n)) continue
      out.push({
        expr: replaceInnermost(e, { kind: 'VarRef', name: n, dataType: t }),
        alias: `${base}_${n}`,
      })
    }
  }
  return { ...stmt, fields: out }
}

/** Whether expanding `stmt`'s wildcards left no field but `time` to read. */
export function expandedToNothing(stmt: SelectStatement): boolean {
  return stmt.fields.every((f) => f.expr.kind === 'VarRef' && f.expr.name === 'time')
}

/**
 * `stmt` with each schema wildcard or regex standing for one field, to make the checks InfluxDB
 * makes before it expands them (fill(none) without a function, GROUP BY time without one …).
 */
export function withWildcardStandIns(stmt: SelectStatement): SelectStatement {
  const standIn: Expr = { kind: 'VarRef', name: '*', dataType: 'unknown' }
  return {
    ...stmt,
    fields: stmt.fields.map((f) => {
      const e = f.expr
      if (e.kind === 'RegexLiteral') return { ...f, expr: standIn }
      // top() and bottom() take no wildcard or regex: InfluxDB refuses them here ("expected
      // first argument to be a field in top(), found *"), so they keep theirs for the check.
      if (
        e.kind === 'Call' &&
        innermost(e) !== undefined &&
        !['top', 'bottom'].includes(innermostName(e))
      )
        return { ...f, expr: replaceInnermost(e, standIn) }
      return f
    }),
  }
}

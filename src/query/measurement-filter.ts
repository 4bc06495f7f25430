// Which measurements a condition selects (InfluxDB's IndexSet.measurementNamesByExpr), and the
// rewrites the SHOW statements apply to their conditions first: FROM sources become `_name`
// comparisons, and a condition is split into its `_name` part and its tag part. A tag comparison
// works per measurement: `k = v` keeps measurements with some series having k=v, `k != v` keeps
// measurements having the key k but no series with k=v; measurements without k never match.

import type { BinaryExpr, Expr, Source } from '../influxql/index.js'
import { compareStrings } from './database-index.js'
import type { DatabaseIndex } from './database-index.js'
import { StatementError } from './errors.js'
import { regexMatches } from './regex.js'

/** InfluxQL's system names (influxql.IsSystemName). */
export function isSystemName(name: string): boolean {
  switch (name) {
    case '_fieldKeys':
    case '_measurements':
    case '_name':
    case '_series':
    case '_tagKey':
    case '_tagKeys':
    case '_tags':
      return true
    default:
      return false
  }
}

function isComparison(op: BinaryExpr['op']): boolean {
  return op === '=' || op === '!=' || op === '=~' || op === '!~'
}

/**
 * InfluxDB's rewriteSourcesCondition: the FROM measurements as `_name = 'm'` / `_name =~ /re/`
 * joined by OR, ANDed with `cond` (each side parenthesised).
 */
export function sourcesCondition(sources: readonly Source[], cond: Expr | null): Expr | null {
  let scond: Expr | null = null
  for (const s of sources) {
    if (s.kind !== 'Measurement') continue
    let e: Expr | null = null
    const name: Expr = { kind: 'VarRef', name: '_name', dataType: 'unknown' }
    if (s.regex !== null) e = { kind: 'BinaryExpr', op: '=~', lhs: name, rhs: s.regex }
    else if (s.name !== '')
      e = { kind: 'BinaryExpr', op: '=', lhs: name, rhs: { kind: 'StringLiteral', value: s.name } }
    if (e === null) continue
    scond = scond === null ? e : { kind: 'BinaryExpr', op: 'OR', lhs: scond, rhs: e }
  }
  if (cond !== null && scond !== null) {
    return {
      kind: 'BinaryExpr',
      op: 'AND',
      lhs: { kind: 'ParenExpr', expr: scond },
      rhs: { kind: 'ParenExpr', expr: cond },
    }
  }
  return cond ?? scond
}

/**
 * InfluxQL's RewriteExpr with a function that drops the comparisons `keep` rejects: a binary
 * expression left with one side becomes that side, with none disappears (null).
 */
export function pruneComparisons(expr: Expr | null, keep: (e: BinaryExpr) => boolean): Expr | null {
  if (expr === null) return null
  switch (expr.kind) {
    case 'BinaryExpr': {
      const lhs = pruneComparisons(expr.lhs, keep)
      const rhs = pruneComparisons(expr.rhs, keep)
      let e: Expr
      if (lhs !== null && rhs === null) e = lhs
      else if (rhs !== null && lhs === null) e = rhs
      else if (lhs === null && rhs === null) return null
      else
        e =
          lhs === expr.lhs && rhs === expr.rhs
            ? expr
            : { ...expr, lhs: lhs ?? expr.lhs, rhs: rhs ?? expr.rhs }
      if (e.kind === 'BinaryExpr' && isComparison(e.op) && !keep(e)) return null
      return e
    }
    case 'ParenExpr': {
      const inner = pruneComparisons(expr.expr, keep)
      if (inner === null) return null
      return inner === expr.expr ? expr : { kind: 'ParenExpr', expr: inner }
    }
    default:
      return expr
  }
}

/** The `_name` comparisons of a condition only (what selects measurements). */
export function measurementPart(cond: Expr | null): Expr | null {
  return pruneComparisons(cond, (e) => e.lhs.kind === 'VarRef' && e.lhs.name === '_name')
}

/** The condition without comparisons on system names (what filters series). */
export function tagPart(cond: Expr | null): Expr | null {
  return pruneComparisons(cond, (e) => e.lhs.kind === 'VarRef' && !isSystemName(e.lhs.name))
}

/** The measurement names `expr` selects, sorted; every name when `expr` is null. */
export function measurementNamesByExpr(index: DatabaseIndex, expr: Expr | null): string[] {
  if (expr === null) return [...index.measurementNames()]
  return byExpr(index, expr)
}

function byExpr(index: DatabaseIndex, expr: Expr): string[] {
  switch (expr.kind) {
    case 'BinaryExpr': {
      if (expr.op === 'AND' || expr.op === 'OR') {
        const lhs = byExpr(index, expr.lhs)
        const rhs = byExpr(index, expr.rhs)
        if (expr.op === 'OR') return [...new Set([...lhs, ...rhs])].sort(compareStrings)
        const r = new Set(rhs)
        return lhs.filter((n) => r.has(n))
      }
      if (!isComparison(expr.op)) throw new StatementError('invalid tag comparison operator')
      if (expr.lhs.kind !== 'VarRef')
        throw new StatementError(`left side of '${expr.op}' must be a tag key`)
      const regexOp = expr.op === '=~' || expr.op === '!~'
      let value = ''
      let pattern: string | undefined
      if (regexOp) {
        if (expr.rhs.kind !== 'RegexLiteral')
          throw new StatementError(`right side of '${expr.op}' must be a regular expression`)
        pattern = expr.rhs.pattern
      } else {
        if (expr.rhs.kind !== 'StringLiteral')
          throw new StatementError(`right side of '${expr.op}' must be a tag value string`)
        value = expr.rhs.value
      }
      const key = expr.lhs.name
      if (key === '_name') return byName(index, expr.op, value, pattern)
      if (isSystemName(key)) return []
      return byTag(index, expr.op, key, value, pattern)
    }
    case 'ParenExpr':
      return byExpr(index, expr.expr)
    default:
      throw new StatementError(`invalid measurement condition: ${expr.kind}`)
  }
}

function matcher(value: string, pattern: string | undefined): (s: string) => boolean {
  if (pattern !== undefined) return (s) => regexMatches(pattern, s)
  return (s) => s === value
}

function byName(
  index: DatabaseIndex,
  op: BinaryExpr['op'],
  value: string,
  pattern: string | undefined,
): string[] {
  const match = matcher(value, pattern)
  const positive = op === '=' || op === '=~'
  return index.measurementNames().filter((n) => match(n) === positive)
}

function byTag(
  index: DatabaseIndex,
  op: BinaryExpr['op'],
  key: string,
  value: string,
  pattern: string | undefined,
): string[] {
  const match = matcher(value, pattern)
  const positive = op === '=' || op === '=~'
  const out: string[] = []
  for (const name of index.measurementNames()) {
    const m = index.measurement(name)
    if (m === undefined || !m.hasTagKey(key)) continue
    const tagMatch = m.tagValues(key).some(match)
    if (tagMatch === positive) out.push(name)
  }
  return out
}

// The `WITH KEY` part of SHOW TAG VALUES (and its CARDINALITY form): InfluxDB turns it into
// `_tagKey` comparisons joined to the WHERE clause, then picks a measurement's tag keys with the
// inmem index's TagKeysByExpr: only `_tagKey` comparisons count, other comparisons are ignored
// (an AND or OR with one ignored side is its other side), and an all-ignored condition gives none.

import type { BinaryExpr, Expr, TagKeyFilter } from '../influxql/index.js'
import { StatementError } from './errors.js'
import { regexMatches } from './regex.js'

/** The `_tagKey` condition for `WITH KEY op expr` (IN becomes ORed equalities). */
export function tagKeyCondition(f: TagKeyFilter): Expr {
  const key: Expr = { kind: 'VarRef', name: '_tagKey', dataType: 'unknown' }
  const e = f.tagKeyExpr
  if (e.kind === 'ListLiteral') {
    let out: Expr | null = null
    for (const v of e.values) {
      const eq: Expr = {
        kind: 'BinaryExpr',
        op: '=',
        lhs: key,
        rhs: { kind: 'StringLiteral', value: v },
      }
      out = out === null ? eq : { kind: 'BinaryExpr', op: 'OR', lhs: out, rhs: eq }
    }
    return out ?? { kind: 'BooleanLiteral', value: false }
  }
  const op: BinaryExpr['op'] = f.op === 'IN' ? '=' : f.op
  return { kind: 'BinaryExpr', op, lhs: key, rhs: e }
}

/**
 * The tag keys (of `keys`, sorted) that `expr` selects, in order; null when the condition says
 * nothing about `_tagKey`. Throws StatementError with InfluxDB's texts for malformed comparisons.
 */
export function tagKeysByExpr(keys: readonly string[], expr: Expr | null): string[] | null {
  if (expr === null) return [...keys]
  switch (expr.kind) {
    case 'BinaryExpr': {
      const op = expr.op
      if (op === '=' || op === '!=' || op === '=~' || op === '!~') {
        if (expr.lhs.kind !== 'VarRef')
          throw new StatementError(`left side of '${op}' must be a tag key`)
        if (expr.lhs.name !== '_tagKey') return null
        if (op === '=~' || op === '!~') {
          if (expr.rhs.kind !== 'RegexLiteral')
            throw new StatementError(`right side of '${op}' must be a regular expression`)
          const pattern = expr.rhs.pattern
          return keys.filter((k) => regexMatches(pattern, k) === (op === '=~'))
        }
        if (expr.rhs.kind !== 'StringLiteral')
          throw new StatementError(`right side of '${op}' must be a tag value string`)
        const v = expr.rhs.value
        return keys.filter((k) => (k === v) === (op === '='))
      }
      if (op === 'AND' || op === 'OR') {
        const lhs = tagKeysByExpr(keys, expr.lhs)
        const rhs = tagKeysByExpr(keys, expr.rhs)
        if (lhs !== null && rhs !== null) {
          const r = new Set(rhs)
          if (op === 'AND') return lhs.filter((k) => r.has(k))
          const l = new Set(lhs)
          return keys.filter((k) => l.has(k) || r.has(k))
        }
        return lhs ?? rhs
      }
      throw new StatementError('invalid operator')
    }
    case 'ParenExpr':
      return tagKeysByExpr(keys, expr.expr)
    default:
      throw new StatementError(`invalid tag key condition: ${expr.kind}`)
  }
}

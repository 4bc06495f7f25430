// InfluxQL's EvalBool over a map of strings (a series' tags plus `_tagKey`), as the query engine
// uses it to pick tag values for `count(distinct(_tagValue))`. Only what such a map can answer is
// evaluated: string comparisons, regexes, AND/OR, parentheses and boolean literals. A name
// missing from the map is nil, and any comparison with nil is false, as in Go's ValuerEval.

import type { Expr } from '../influxql/index.js'
import { regexMatches } from './regex.js'

type Value = string | boolean | { readonly regex: string } | number | bigint | null

function evaluate(expr: Expr, vars: ReadonlyMap<string, string>): Value {
  switch (expr.kind) {
    case 'VarRef':
      return vars.get(expr.name) ?? null
    case 'StringLiteral':
      return expr.value
    case 'BooleanLiteral':
      return expr.value
    case 'RegexLiteral':
      return { regex: expr.pattern }
    case 'IntegerLiteral':
    case 'UnsignedLiteral':
      return expr.value
    case 'NumberLiteral':
      return expr.value
    case 'ParenExpr':
      return evaluate(expr.expr, vars)
    case 'BinaryExpr': {
      let lhs = evaluate(expr.lhs, vars)
      let rhs = evaluate(expr.rhs, vars)
      if (lhs === null && typeof rhs === 'boolean') lhs = false
      if (rhs === null && typeof lhs === 'boolean') rhs = false
      const op = expr.op
      if (typeof lhs === 'boolean') {
        const ok = typeof rhs === 'boolean'
        if (op === 'AND') return ok && lhs && rhs
        if (op === 'OR') return ok && (lhs || rhs)
        if (op === '=') return ok && lhs === rhs
        if (op === '!=') return ok && lhs !== rhs
      } else if (typeof lhs === 'string') {
        if (op === '=') return typeof rhs === 'string' && lhs === rhs
        if (op === '!=') return typeof rhs === 'string' && lhs !== rhs
        if (op === '=~')
          return rhs !== null && typeof rhs === 'object' && regexMatches(rhs.regex, lhs)
        if (op === '!~')
          return rhs !== null && typeof rhs === 'object' && !regexMatches(rhs.regex, lhs)
      }
      return op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>='
        ? false
        : null
    }
    default:
      return null
  }
}

/** Whether `expr` is true for `vars` (false for anything that is not a boolean true). */
export function evalBool(expr: Expr, vars: ReadonlyMap<string, string>): boolean {
  return evaluate(expr, vars) === true
}

// Evaluation of InfluxQL expressions on one row of values, with InfluxDB 1.6's ValuerEval rules:
// arithmetic on floats and integers (integer division gives a float, division by zero gives 0,
// int64 wraps around), comparisons across numeric types, string equality and regexes, a nil
// operand next to a boolean counts as false, anything else with a nil is nil (or false for a
// comparison). Used for the select list (per output row) and for WHERE conditions on fields
// (per point). Math functions are the library's (query/math.go).

import type { BinaryOperator, Expr } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import { compileRegex } from './regex.js'
import {
  evalBinary as binaryOp,
  mathFunction,
  type Scalar,
  type TypedValue,
} from './functions/index.js'

/**
 * A field a point lacks, in a WHERE condition: InfluxDB reads it as a typed nil, which no
 * comparison matches (unlike an untyped nil, which next to a boolean counts as false).
 */
export const MISSING: unique symbol = Symbol('missing')

/** A value during evaluation: a scalar, nil, a missing field, or a compiled regex (the right side of =~). */
export type EvalValue = Scalar | null | RegExp | typeof MISSING

/** The math functions (query/math.go isMathFunction). */
export const MATH_FUNCTIONS: ReadonlySet<string> = new Set([
  'abs',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'exp',
  'log',
  'ln',
  'log2',
  'log10',
  'sqrt',
  'pow',
  'floor',
  'ceil',
  'round',
])

/** How many arguments a math function takes. */
export function mathArgCount(name: string): number {
  return name === 'atan2' || name === 'pow' || name === 'log' ? 2 : 1
}

function isComparison(op: BinaryOperator): boolean {
  return op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>='
}

/** A row value as the function library's typed operand (integers here are int64). */
function typed(v: Scalar | null): TypedValue {
  const type =
    typeof v === 'number'
      ? 'float'
      : typeof v === 'bigint'
        ? 'integer'
        : typeof v === 'boolean'
          ? 'boolean'
          : 'string'
  return { type, value: v }
}

/** `lhs op rhs` as InfluxDB's ValuerEval (with integer division giving floats). */
export function evalBinary(op: BinaryOperator, lhs: EvalValue, rhs: EvalValue): EvalValue {
  if (lhs === MISSING || rhs === MISSING) {
    return isComparison(op) || op === 'AND' || op === 'OR' ? false : null
  }
  if (op === '=~' || op === '!~') {
    return typeof lhs === 'string' ? rhs instanceof RegExp && rhs.test(lhs) === (op === '=~') : null
  }
  if (lhs instanceof RegExp || rhs instanceof RegExp) {
    // A regex is no operand: comparisons are false, and so are a boolean's logic operators.
    const logic = op === 'AND' || op === 'OR' || op === '&' || op === '|' || op === '^'
    return isComparison(op) || (typeof lhs === 'boolean' && logic) ? false : null
  }
  // Numbers, booleans and strings follow the function library's rules (one implementation).
  return binaryOp(op, typed(lhs), typed(rhs))
}

/** A math function on evaluated arguments (the library's, query/math.go MathValuer); null for an unknown name. */
export function evalMath(name: string, args: readonly EvalValue[]): EvalValue {
  const fn = mathFunction(name)
  if (fn === undefined) return null
  return fn.call(args.map((a) => (a === null || a === MISSING || a instanceof RegExp ? null : a)))
}

/** Reads a name's value for a condition (a field's value at the point, or the series' tag). */
export type NameLookup = (name: string) => QueryCell | typeof MISSING | undefined

const regexCache = new Map<string, RegExp>()

function regexOf(pattern: string): RegExp {
  let r = regexCache.get(pattern)
  if (r === undefined) {
    r = compileRegex(pattern)
    if (regexCache.size > 1000) regexCache.clear()
    regexCache.set(pattern, r)
  }
  return r
}

/** Evaluates a WHERE condition (time already removed) for one point. */
export function evalExpr(e: Expr, lookup: NameLookup): EvalValue {
  switch (e.kind) {
    case 'BinaryExpr':
      return evalBinary(e.op, evalExpr(e.lhs, lookup), evalExpr(e.rhs, lookup))
    case 'ParenExpr':
      return evalExpr(e.expr, lookup)
    case 'VarRef': {
      const v = lookup(e.name)
      if (v === MISSING) return MISSING
      if (v === undefined || v === null || typeof v === 'object') return null
      return v
    }
    case 'Call':
      return evalMath(
        e.name,
        e.args.map((a) => evalExpr(a, lookup)),
      )
    case 'NumberLiteral':
    case 'IntegerLiteral':
    case 'UnsignedLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'DurationLiteral':
    case 'TimeLiteral':
      return e.value
    case 'RegexLiteral':
      return regexOf(e.pattern)
    default:
      return null
  }
}

// Evaluation of InfluxQL expressions on one row of values, with InfluxDB 1.6's ValuerEval rules:
// arithmetic on floats and integers (integer division gives a float, division by zero gives 0,
// int64 wraps around), comparisons across numeric types, string equality and regexes, a nil
// operand next to a boolean counts as false, anything else with a nil is nil (or false for a
// comparison). Used for the select list (per output row) and for WHERE conditions on fields
// (per point). Math functions are the library's (query/math.go).

import type { BinaryOperator, Expr } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import { compileRegex } from './regex.js'
import { mathFunction, type Scalar } from './functions/index.js'

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

const i64 = (v: bigint): bigint => BigInt.asIntN(64, v)

function isComparison(op: BinaryOperator): boolean {
  return op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>='
}

function compareNum(
  op: BinaryOperator,
  a: number | bigint,
  b: number | bigint,
): boolean | undefined {
  switch (op) {
    case '=':
      return a === b
    case '!=':
      return a !== b
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
    default:
      return undefined
  }
}

function floatOp(op: BinaryOperator, a: number, b: number): EvalValue {
  const c = compareNum(op, a, b)
  if (c !== undefined) return c
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      return b === 0 ? 0 : a / b
    case '%':
      return a % b
    default:
      return null
  }
}

function intOp(op: BinaryOperator, a: bigint, b: bigint): EvalValue {
  const c = compareNum(op, a, b)
  if (c !== undefined) return c
  switch (op) {
    case '+':
      return i64(a + b)
    case '-':
      return i64(a - b)
    case '*':
      return i64(a * b)
    case '/':
      return b === 0n ? 0 : Number(a) / Number(b)
    case '%':
      return b === 0n ? 0n : a % b
    case '&':
      return a & b
    case '|':
      return a | b
    case '^':
      return a ^ b
    default:
      return null
  }
}

/** `lhs op rhs` as InfluxDB's ValuerEval (with integer division giving floats). */
export function evalBinary(op: BinaryOperator, lhs: EvalValue, rhs: EvalValue): EvalValue {
  if (lhs === MISSING || rhs === MISSING) {
    return isComparison(op) || op === 'AND' || op === 'OR' ? false : null
  }
  if (lhs === null && typeof rhs === 'boolean') lhs = false
  else if (rhs === null && typeof lhs === 'boolean') rhs = false
  if (typeof lhs === 'boolean') {
    const ok = typeof rhs === 'boolean'
    switch (op) {
      case 'AND':
      case '&':
        return ok && lhs && rhs
      case 'OR':
      case '|':
        return ok && (lhs || rhs)
      case '^':
        return ok && lhs !== rhs
      case '=':
        return ok && lhs === rhs
      case '!=':
        return ok && lhs !== rhs
      default:
        break
    }
  } else if (typeof lhs === 'number') {
    if (typeof rhs === 'number' || typeof rhs === 'bigint') return floatOp(op, lhs, Number(rhs))
    if (isComparison(op)) return false
    if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') return null
  } else if (typeof lhs === 'bigint') {
    if (typeof rhs === 'number') return floatOp(op, Number(lhs), rhs)
    if (typeof rhs === 'bigint') return intOp(op, lhs, rhs)
  } else if (typeof lhs === 'string') {
    switch (op) {
      case '=':
        return typeof rhs === 'string' && lhs === rhs
      case '!=':
        return typeof rhs === 'string' && lhs !== rhs
      case '=~':
        return rhs instanceof RegExp && rhs.test(lhs)
      case '!~':
        return rhs instanceof RegExp && !rhs.test(lhs)
      default:
        break
    }
  }
  return isComparison(op) ? false : null
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

// Evaluation of InfluxQL expressions on one row of values, with InfluxDB 1.6's ValuerEval rules:
// arithmetic on floats, integers and unsigned integers (integer division gives a float in the
// select list and an integer in WHERE conditions, division by zero gives 0, int64 and uint64 wrap
// around, integer with unsigned computes in uint64), comparisons across numeric types, string
// equality and regexes, a nil operand next to a boolean counts as false, anything else with a nil
// is nil (or false for a comparison). Integers and unsigned integers are both bigint, so callers
// say which operands are unsigned: the expression's static type (unsigned fields, casts to
// unsigned, uint64 literals, arithmetic on them). Used for the select list (per output row) and
// for WHERE conditions on fields (per point). Math functions are the library's (query/math.go).

import type { BinaryOperator, Expr } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import { compileRegex } from './regex.js'
import { castOf, cursorCast } from './select-cast.js'
import {
  evalBinary as binaryOp,
  mathFunction,
  type Scalar,
  type TypedValue,
  type ValueType,
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

/** A row value as the function library's typed operand (`unsigned` for a uint64 bigint). */
function typed(v: Scalar | null, unsigned: boolean): TypedValue {
  const type =
    typeof v === 'number'
      ? 'float'
      : typeof v === 'bigint'
        ? unsigned
          ? 'unsigned'
          : 'integer'
        : typeof v === 'boolean'
          ? 'boolean'
          : 'string'
  return { type, value: v }
}

/** Whether a binary operator computes a number (arithmetic and bitwise), rather than a boolean. */
export function isArithmetic(op: BinaryOperator): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || isBitwise(op)
}

function isBitwise(op: BinaryOperator): boolean {
  return op === '&' || op === '|' || op === '^'
}

/**
 * `lhs op rhs` as InfluxDB's ValuerEval. `lhsUnsigned`/`rhsUnsigned` say that a bigint operand
 * is a uint64; `integerDivision` evaluates int64 / int64 as an int64 (WHERE conditions).
 */
export function evalBinary(
  op: BinaryOperator,
  lhs: EvalValue,
  rhs: EvalValue,
  lhsUnsigned = false,
  rhsUnsigned = false,
  integerDivision = false,
): EvalValue {
  if (lhs === MISSING || rhs === MISSING) {
    return isComparison(op) || op === 'AND' || op === 'OR' ? false : null
  }
  if (op === '=~' || op === '!~') {
    return typeof lhs === 'string' ? rhs instanceof RegExp && rhs.test(lhs) === (op === '=~') : null
  }
  if (lhs instanceof RegExp || rhs instanceof RegExp) {
    // A regex is no operand: comparisons are false, and so are a boolean's logic operators.
    const logic = op === 'AND' || op === 'OR' || isBitwise(op)
    return isComparison(op) || (typeof lhs === 'boolean' && logic) ? false : null
  }
  // Numbers, booleans and strings follow the function library's rules (one implementation).
  return binaryOp(op, typed(lhs, lhsUnsigned), typed(rhs, rhsUnsigned), integerDivision)
}

/** A math function on evaluated arguments (the library's, query/math.go MathValuer); null for an unknown name. */
export function evalMath(name: string, args: readonly EvalValue[]): EvalValue {
  const fn = mathFunction(name)
  if (fn === undefined) return null
  return fn.call(args.map((a) => (a === null || a === MISSING || a instanceof RegExp ? null : a)))
}

/** Reads a name's value for a condition (a field's value at the point, or the series' tag). */
export type NameLookup = (name: string) => QueryCell | typeof MISSING | undefined

/** The type of a name's values where it matters: which fields are unsigned, for casts too. */
export type NameType = (name: string) => ValueType | undefined

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

/**
 * Whether `e` evaluates to a uint64 when it gives an integer: an unsigned field or a cast to
 * unsigned, a uint64 literal, arithmetic with an unsigned operand, abs/floor/ceil/round of one.
 */
export function isUnsignedExpr(e: Expr, typeOf: NameType | undefined): boolean {
  switch (e.kind) {
    case 'VarRef': {
      const cast = castOf(e.dataType)
      return cast !== undefined ? cast === 'unsigned' : typeOf?.(e.name) === 'unsigned'
    }
    case 'UnsignedLiteral':
      return true
    case 'ParenExpr':
      return isUnsignedExpr(e.expr, typeOf)
    case 'BinaryExpr':
      return isArithmetic(e.op) && (isUnsignedExpr(e.lhs, typeOf) || isUnsignedExpr(e.rhs, typeOf))
    case 'Call': {
      const arg = e.args[0]
      return (
        (e.name === 'abs' || e.name === 'floor' || e.name === 'ceil' || e.name === 'round') &&
        arg !== undefined &&
        isUnsignedExpr(arg, typeOf)
      )
    }
    default:
      return false
  }
}

/**
 * Evaluates a WHERE condition (time already removed) for one point. `typeOf` gives the fields'
 * types (unsigned fields, and the source type of a cast `field::type`).
 */
export function evalExpr(e: Expr, lookup: NameLookup, typeOf?: NameType): EvalValue {
  switch (e.kind) {
    case 'BinaryExpr':
      return evalBinary(
        e.op,
        evalExpr(e.lhs, lookup, typeOf),
        evalExpr(e.rhs, lookup, typeOf),
        isUnsignedExpr(e.lhs, typeOf),
        isUnsignedExpr(e.rhs, typeOf),
        true,
      )
    case 'ParenExpr':
      return evalExpr(e.expr, lookup, typeOf)
    case 'VarRef': {
      let v = lookup(e.name)
      if (v === MISSING) return MISSING
      if (v === undefined || v === null || typeof v === 'object') return null
      const cast = castOf(e.dataType)
      if (cast !== undefined) {
        // The engine reads the field through a casting cursor; one it cannot cast is absent.
        v = cursorCast(v, typeOf?.(e.name), cast)
        if (v === null || typeof v === 'object') return MISSING
      }
      return v
    }
    case 'Call':
      return evalMath(
        e.name,
        e.args.map((a) => evalExpr(a, lookup, typeOf)),
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

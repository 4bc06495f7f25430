// Binary operators between two row values as InfluxDB 1.6 evaluates SELECT expressions
// (influxql's ValuerEval with IntegerFloatDivision on, unless asked otherwise for WHERE
// conditions): integer / integer is float, and division
// by zero gives 0 (float 0 for float and integer division, 0 for unsigned; integer and unsigned
// modulo by zero give 0). Mixing float with integer or unsigned computes in float; integer with
// unsigned computes in uint64. int64 and uint64 arithmetic wraps around. Bitwise operators take
// integers, unsigned or booleans. Comparisons give booleans (false when the types do not compare);
// anything else that does not apply gives null. A null beside a boolean counts as false.

import type { BinaryOperator } from '../../influxql/index.js'
import type { Scalar, ValueType } from './types.js'

/** A value with its type (needed because integer and unsigned are both bigint); null is a missing value. */
export interface TypedValue {
  readonly type: ValueType
  readonly value: Scalar | null
}

const CMP = new Set<BinaryOperator>(['=', '!=', '<', '<=', '>', '>='])

function cmp(
  op: BinaryOperator,
  a: number | bigint | string,
  b: number | bigint | string,
): boolean {
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
      return false
  }
}

function floatOp(op: BinaryOperator, a: number, b: number): Scalar | null {
  if (CMP.has(op)) return cmp(op, a, b)
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

function intOp(
  op: BinaryOperator,
  a: bigint,
  b: bigint,
  unsigned: boolean,
  integerDivision: boolean,
): Scalar | null {
  if (CMP.has(op)) return cmp(op, a, b)
  const w = unsigned
    ? (x: bigint): bigint => BigInt.asUintN(64, x)
    : (x: bigint): bigint => BigInt.asIntN(64, x)
  switch (op) {
    case '+':
      return w(a + b)
    case '-':
      return w(a - b)
    case '*':
      return w(a * b)
    case '/':
      if (unsigned) return b === 0n ? 0n : a / b
      if (integerDivision) return b === 0n ? 0n : BigInt.asIntN(64, a / b)
      return b === 0n ? 0 : Number(a) / Number(b)
    case '%':
      return b === 0n ? 0n : a % b
    case '&':
      return w(a & b)
    case '|':
      return w(a | b)
    case '^':
      return w(a ^ b)
    default:
      return null
  }
}

/** Compares a negative int64 with a uint64 the way InfluxDB does (a negative is less than any uint64). */
function signedVsUnsigned(op: BinaryOperator, negativeOnLeft: boolean): Scalar {
  const lt = negativeOnLeft
  switch (op) {
    case '<':
    case '<=':
      return lt
    case '>':
    case '>=':
      return !lt
    default:
      return false
  }
}

function fallthrough(op: BinaryOperator): Scalar | null {
  return CMP.has(op) ? false : null
}

/**
 * Evaluates `lhs op rhs` for two row values (InfluxDB's rules, see the file comment). With
 * `integerDivision` (WHERE conditions, which InfluxDB evaluates without IntegerFloatDivision),
 * int64 / int64 is an int64 truncated toward zero, and 0 when dividing by zero.
 */
export function evalBinary(
  op: BinaryOperator,
  lhs: TypedValue,
  rhs: TypedValue,
  integerDivision = false,
): Scalar | null {
  let l = lhs.value
  let r = rhs.value
  if (l === null && typeof r === 'boolean') l = false
  else if (r === null && typeof l === 'boolean') r = false
  if (typeof l === 'boolean') {
    const ok = typeof r === 'boolean'
    switch (op) {
      case 'AND':
      case '&':
        return ok && l && r
      case 'OR':
      case '|':
        return ok && (l || r)
      case '^':
        return ok && l !== r
      case '=':
        return ok && l === r
      case '!=':
        return ok && l !== r
      default:
        return fallthrough(op)
    }
  }
  if (typeof l === 'number') {
    const rf =
      typeof r === 'number'
        ? r
        : typeof r === 'bigint'
          ? Number(rhs.type === 'unsigned' ? BigInt.asUintN(64, r) : r)
          : undefined
    if (rf === undefined) return fallthrough(op)
    return floatOp(op, l, rf)
  }
  if (typeof l === 'bigint') {
    const lu = lhs.type === 'unsigned'
    if (typeof r === 'number') return floatOp(op, Number(lu ? BigInt.asUintN(64, l) : l), r)
    if (typeof r !== 'bigint') return fallthrough(op)
    const ru = rhs.type === 'unsigned'
    if (!lu && !ru) return intOp(op, l, r, false, integerDivision)
    if (CMP.has(op) && op !== '=' && op !== '!=') {
      if (!lu && l < 0n) return signedVsUnsigned(op, true)
      if (!ru && r < 0n) return signedVsUnsigned(op, false)
    }
    return intOp(op, BigInt.asUintN(64, l), BigInt.asUintN(64, r), true, integerDivision)
  }
  if (typeof l === 'string' && typeof r === 'string' && (op === '=' || op === '!='))
    return cmp(op, l, r)
  return fallthrough(op)
}

/** The type of `lhs op rhs` for column typing: boolean for comparisons and logic, float for int/int division. */
export function binaryType(op: BinaryOperator, lhs: ValueType, rhs: ValueType): ValueType {
  if (CMP.has(op) || op === 'AND' || op === 'OR' || op === '=~' || op === '!~') return 'boolean'
  if (lhs === 'boolean' || rhs === 'boolean') return 'boolean'
  if (lhs === 'float' || rhs === 'float') return 'float'
  if (lhs === 'unsigned' || rhs === 'unsigned') return 'unsigned'
  if (lhs === 'integer' && rhs === 'integer') return op === '/' ? 'float' : 'integer'
  return lhs
}

// The type check InfluxDB 1.6 runs on the select list once wildcards and field types are known
// (query.validateTypes): each binary expression is evaluated on its operands' zero values and
// fails with `type error: <expr>: incompatible types: <lhs> and <rhs>` when that gives nothing
// (string + string, float + boolean …). An integer and an unsigned operand need a cast unless the
// integer is a literal beside an unsigned variable. The expression prints with its field types
// (`note::string`).

import type { Expr } from '../influxql/index.js'
import { formatExpr } from '../influxql/index.js'
import { StatementError } from './errors.js'
import { evalBinary, isArithmetic, MATH_FUNCTIONS, type EvalValue } from './select-eval.js'
import type { FunctionLibrary } from './select-plan.js'

/** A type as InfluxDB's TypeValuerEval sees it. */
type EvalType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean' | 'tag' | 'unknown'

/** How a name resolves: a field's type, 'tag', or undefined when unknown. */
export type NameType = (name: string) => EvalType | undefined

function zero(t: EvalType): EvalValue {
  switch (t) {
    case 'float':
      return 0
    case 'integer':
    case 'unsigned':
      return 0n
    case 'string':
    case 'tag':
      return ''
    case 'boolean':
      return false
    case 'unknown':
      return null
  }
}

function inspect(v: EvalValue, unsigned: boolean): EvalType {
  if (typeof v === 'number') return 'float'
  if (typeof v === 'bigint') return unsigned ? 'unsigned' : 'integer'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'boolean'
  return 'unknown'
}

/** The expression with every variable typed, as InfluxDB prints it in type errors. */
function typed(e: Expr, types: NameType): Expr {
  switch (e.kind) {
    case 'VarRef': {
      const t = types(e.name)
      return t === undefined || t === 'unknown' || e.dataType !== 'unknown'
        ? e
        : { ...e, dataType: t }
    }
    case 'BinaryExpr':
      return { ...e, lhs: typed(e.lhs, types), rhs: typed(e.rhs, types) }
    case 'ParenExpr':
      return { ...e, expr: typed(e.expr, types) }
    case 'Call':
      return { ...e, args: e.args.map((a) => typed(a, types)) }
    default:
      return e
  }
}

function typeOf(e: Expr, types: NameType, lib: FunctionLibrary, root: Expr): EvalType {
  switch (e.kind) {
    case 'VarRef':
      // A variable with a type (a cast, `::tag`) has that type (TypeValuerEval).
      if (e.dataType !== 'unknown' && e.dataType !== 'field' && e.dataType !== 'time')
        return e.dataType === 'duration' ? 'unknown' : e.dataType
      return types(e.name) ?? 'unknown'
    case 'NumberLiteral':
      return 'float'
    case 'IntegerLiteral':
      return 'integer'
    case 'UnsignedLiteral':
      return 'unsigned'
    case 'StringLiteral':
      return 'string'
    case 'BooleanLiteral':
      return 'boolean'
    case 'ParenExpr':
      return typeOf(e.expr, types, lib, root)
    case 'Call': {
      const args = e.args.map((a) => typeOf(a, types, lib, root))
      const a0 = args[0] ?? 'unknown'
      if (MATH_FUNCTIONS.has(e.name))
        return e.name === 'abs' || e.name === 'floor' || e.name === 'ceil' || e.name === 'round'
          ? a0
          : 'float'
      const fn = lib.aggregate(e.name)
      if (fn !== undefined) {
        if (a0 === 'unknown' || a0 === 'tag') return 'unknown'
        try {
          return fn.outputType(a0)
        } catch {
          return 'unknown'
        }
      }
      return lib.transform(e.name) !== undefined ? 'float' : 'unknown'
    }
    case 'BinaryExpr': {
      const lhs = typeOf(e.lhs, types, lib, root)
      const rhs = typeOf(e.rhs, types, lib, root)
      checkIntegerUnsigned(e, lhs, rhs, types)
      if (lhs === 'unknown') return rhs
      if (rhs === 'unknown') return lhs
      // InfluxDB evaluates the zero values without IntegerFloatDivision: integer / integer is an integer.
      const lu = lhs === 'unsigned'
      const ru = rhs === 'unsigned'
      const v = evalBinary(e.op, zero(lhs), zero(rhs), lu, ru, true)
      const t = inspect(v, isArithmetic(e.op) && (lu || ru))
      if (t === 'unknown') {
        throw new StatementError(
          `type error: ${formatExpr(typed(e, types))}: incompatible types: ${lhs} and ${rhs}`,
        )
      }
      return t
    }
    default:
      return 'unknown'
  }
}

function isLiteral(e: Expr): boolean {
  switch (e.kind) {
    case 'BooleanLiteral':
    case 'BoundParameter':
    case 'DurationLiteral':
    case 'IntegerLiteral':
    case 'UnsignedLiteral':
    case 'NilLiteral':
    case 'NumberLiteral':
    case 'RegexLiteral':
    case 'ListLiteral':
    case 'StringLiteral':
    case 'TimeLiteral':
      return true
    default:
      return false
  }
}

/**
 * An integer and an unsigned operand only combine when the integer is a literal next to an
 * unsigned variable; otherwise InfluxDB asks for a cast or refuses the literal.
 */
function checkIntegerUnsigned(
  e: Expr & { kind: 'BinaryExpr' },
  lhs: EvalType,
  rhs: EvalType,
  types: NameType,
): void {
  let message: string | undefined
  if (lhs === 'unsigned' && rhs === 'integer') {
    if (isLiteral(e.lhs)) message = `cannot use ${e.op} with an integer and unsigned literal`
    else if (!isLiteral(e.rhs))
      message = `cannot use ${e.op} between an integer and unsigned, an explicit cast is required`
  } else if (lhs === 'integer' && rhs === 'unsigned') {
    if (isLiteral(e.rhs)) message = `cannot use ${e.op} with an integer and unsigned literal`
    else if (!isLiteral(e.lhs))
      message = `cannot use ${e.op} between an integer and unsigned, an explicit cast is required`
  }
  if (message !== undefined)
    throw new StatementError(`type error: ${formatExpr(typed(e, types))}: ${message}`)
}

/** Throws InfluxDB's type error for the first select-list expression whose types do not combine. */
export function checkTypes(exprs: readonly Expr[], types: NameType, lib: FunctionLibrary): void {
  for (const e of exprs) typeOf(e, types, lib, e)
}

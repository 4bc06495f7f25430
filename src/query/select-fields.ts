// Compiles the select list of a SELECT into what the engine evaluates, as InfluxDB 1.6's compiler
// and value mapper do: every top-level function call (aggregate, selector or transformation over
// one) becomes a call slot the engine computes per tag set; field and tag references become aux
// slots; math functions, arithmetic and literals stay as an expression evaluated per output row.
// It validates the list with InfluxDB's error texts and names the columns (`Field.Name()`).

import type { BinaryOperator, Expr, Field } from '../influxql/index.js'
import { NotImplementedError, StatementError } from './errors.js'
import { evalBinary, MATH_FUNCTIONS, mathArgCount } from './select-eval.js'
import { castOf, type CastType } from './select-cast.js'
import type { Scalar } from './functions/index.js'

/** The selectors (InfluxDB's influxql.IsSelector). */
export const SELECTOR_NAMES: ReadonlySet<string> = new Set([
  'first',
  'last',
  'min',
  'max',
  'percentile',
  'sample',
  'top',
  'bottom',
])

/** The transformations, applied to the output of an aggregate (or to raw points without GROUP BY time). */
export const TRANSFORM_NAMES: ReadonlySet<string> = new Set([
  'derivative',
  'non_negative_derivative',
  'difference',
  'non_negative_difference',
  'elapsed',
  'moving_average',
  'cumulative_sum',
  'holt_winters',
  'holt_winters_with_fit',
])

/** An expression of the select list after compilation. */
export type FieldExpr =
  | { readonly kind: 'ref'; readonly slot: number }
  | { readonly kind: 'call'; readonly slot: number }
  | { readonly kind: 'literal'; readonly value: Scalar | null; readonly unsigned: boolean }
  | {
      readonly kind: 'binary'
      readonly op: BinaryOperator
      readonly lhs: FieldExpr
      readonly rhs: FieldExpr
    }
  | { readonly kind: 'math'; readonly name: string; readonly args: readonly FieldExpr[] }
  | { readonly kind: 'wildcard'; readonly type: 'field' | 'tag' | null }

/** A field or tag reference read next to the points (raw columns, or a selector's aux values). */
export interface AuxRef {
  readonly name: string
  readonly type: 'field' | 'tag' | 'any'
  /** A cast (`name::unsigned`): the field is read as this type (select-cast.ts). */
  readonly cast?: CastType
}

/** One function-call slot: an aggregate (or raw points), then transformations, innermost first. */
export interface CallPlan {
  /** The call as text, to share a slot between equal calls. */
  readonly key: string
  /** The aggregate or selector; null when a transformation reads raw points. */
  readonly aggregate: {
    readonly name: string
    readonly args: readonly Expr[]
    readonly ofDistinct?: boolean
  } | null
  /** The field the innermost call reads. */
  readonly field: string
  /** A cast of that field (`max(v::unsigned)`): the call reads it as this type. */
  readonly cast?: CastType
  readonly transforms: readonly { readonly name: string; readonly args: readonly Expr[] }[]
}

/** One output column. */
export interface FieldPlan {
  readonly column: string
  /** Whether the column name is an AS alias (aliases are never renamed to `name_1`). */
  readonly aliased: boolean
  readonly expr: FieldExpr
  /** The select-list expression (constants folded), for the type check; null for generated columns. */
  readonly source: Expr | null
}

/** The compiled select list. */
export interface CompiledFields {
  readonly fields: readonly FieldPlan[]
  readonly calls: readonly CallPlan[]
  readonly aux: readonly AuxRef[]
  /** The time column's name (`SELECT time AS t …`). */
  readonly timeColumn: string
  /** A lone selector call: rows carry the selected point's time (without GROUP BY time). */
  readonly selector: boolean
  readonly hasWildcard: boolean
  readonly hasDistinct: boolean
  /** Whether the top-level calls include top() or bottom(). */
  readonly topBottom: string
}

/** InfluxDB's column name of a field (`Field.Name()`): alias, call name, or the names in an expression joined by `_`. */
export function fieldName(f: Field): string {
  if (f.alias !== '') return f.alias
  const name = (e: Expr): string => {
    switch (e.kind) {
      case 'Call':
        return e.name
      case 'ParenExpr':
        return name(e.expr)
      case 'VarRef':
        return e.name
      case 'Distinct':
        return 'distinct'
      case 'BinaryExpr':
        return binaryNames(e, []).join('_')
      default:
        return ''
    }
  }
  return name(f.expr)
}

function binaryNames(e: Expr, out: string[]): string[] {
  switch (e.kind) {
    case 'VarRef':
      out.push(e.name)
      break
    case 'Call':
      out.push(e.name)
      break
    case 'Distinct':
      out.push('distinct')
      break
    case 'BinaryExpr':
      binaryNames(e.lhs, out)
      binaryNames(e.rhs, out)
      break
    case 'ParenExpr':
      binaryNames(e.expr, out)
      break
    default:
      break
  }
  return out
}

function isLiteral(e: Expr): boolean {
  switch (e.kind) {
    case 'NumberLiteral':
    case 'IntegerLiteral':
    case 'UnsignedLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'DurationLiteral':
    case 'TimeLiteral':
    case 'RegexLiteral':
    case 'NilLiteral':
    case 'ListLiteral':
    case 'BoundParameter':
      return true
    default:
      return false
  }
}

function literalValue(e: Expr): Scalar | null {
  switch (e.kind) {
    case 'NumberLiteral':
    case 'IntegerLiteral':
    case 'UnsignedLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'DurationLiteral':
    case 'TimeLiteral':
      return e.value
    default:
      return null
  }
}

function literalField(e: Expr): FieldExpr {
  return { kind: 'literal', value: literalValue(e), unsigned: e.kind === 'UnsignedLiteral' }
}

/**
 * Whether InfluxDB's Reduce folds `lhs op rhs` with a uint64 literal: with an integer or uint64
 * literal (no bitwise operators), or a float literal on the right; otherwise it stays as written.
 */
function foldsUnsigned(op: BinaryOperator, lhs: Expr, rhs: Expr): boolean {
  if (op === '&' || op === '|' || op === '^') return false
  const intOrUnsigned = (e: Expr): boolean =>
    e.kind === 'IntegerLiteral' || e.kind === 'UnsignedLiteral'
  return intOrUnsigned(lhs) && (intOrUnsigned(rhs) || rhs.kind === 'NumberLiteral')
}

/** Folds constant arithmetic (`v * (2 + 3)`), as InfluxDB's Reduce does before compiling. */
export function foldConstants(e: Expr): Expr {
  switch (e.kind) {
    case 'ParenExpr': {
      const inner = foldConstants(e.expr)
      return isLiteral(inner) ? inner : { kind: 'ParenExpr', expr: inner }
    }
    case 'BinaryExpr': {
      const lhs = foldConstants(e.lhs)
      const rhs = foldConstants(e.rhs)
      const lu = lhs.kind === 'UnsignedLiteral'
      const ru = rhs.kind === 'UnsignedLiteral'
      if (isLiteral(lhs) && isLiteral(rhs) && (!(lu || ru) || foldsUnsigned(e.op, lhs, rhs))) {
        const v = evalBinary(e.op, literalValue(lhs), literalValue(rhs), lu, ru)
        if (typeof v === 'number') return { kind: 'NumberLiteral', value: v }
        if (typeof v === 'bigint')
          return lu || ru
            ? { kind: 'UnsignedLiteral', value: v }
            : { kind: 'IntegerLiteral', value: v }
        if (typeof v === 'boolean') return { kind: 'BooleanLiteral', value: v }
        if (typeof v === 'string') return { kind: 'StringLiteral', value: v }
      }
      return { kind: 'BinaryExpr', op: e.op, lhs, rhs }
    }
    case 'Call':
      return { kind: 'Call', name: e.name, args: e.args.map(foldConstants) }
    default:
      return e
  }
}

/** The options the compiler needs from the statement. */
export interface CompileFieldOptions {
  readonly hasInterval: boolean
  /** The GROUP BY interval was inherited from an outer query (a subquery). */
  readonly inheritedInterval: boolean
  readonly hasTarget: boolean
  readonly limit: number
  readonly fill: string
  /** Validates a function's arguments with the library's texts; returns false for an unknown name. */
  readonly validateCall: (name: string, args: readonly Expr[], hasInterval: boolean) => boolean
}

/** The printed form of a call, for de-duplication. */
function keyOf(e: Expr): string {
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
}

class Compiler {
  readonly calls: CallPlan[] = []
  readonly aux: AuxRef[] = []
  readonly auxIndex = new Map<string, number>()
  callCount = 0
  onlySelectors = true
  hasAux = false
  hasWildcard = false
  hasDistinct = false
  topBottom = ''
  readonly opt: CompileFieldOptions
  readonly extraFields: FieldPlan[] = []

  constructor(opt: CompileFieldOptions) {
    this.opt = opt
  }

  auxSlot(name: string, type: AuxRef['type'], cast?: CastType): number {
    const key = `${name}\u0000${type}\u0000${cast ?? ''}`
    let slot = this.auxIndex.get(key)
    if (slot === undefined) {
      slot = this.aux.length
      this.aux.push(cast === undefined ? { name, type } : { name, type, cast })
      this.auxIndex.set(key, slot)
    }
    return slot
  }

  callSlot(plan: CallPlan): number {
    const found = this.calls.findIndex((c) => c.key === plan.key)
    if (found >= 0) return found
    this.calls.push(plan)
    return this.calls.length - 1
  }

  compile(e: Expr, allowWildcard: boolean): FieldExpr {
    switch (e.kind) {
      case 'VarRef':
        this.hasAux = true
        return {
          kind: 'ref',
          slot: this.auxSlot(
            e.name,
            e.dataType === 'tag' ? 'tag' : e.dataType === 'unknown' ? 'any' : 'field',
            castOf(e.dataType),
          ),
        }
      case 'Wildcard':
        this.hasAux = true
        if (!allowWildcard)
          throw new StatementError('unable to use wildcard in a binary expression')
        this.hasWildcard = true
        return { kind: 'wildcard', type: e.wildcardType }
      case 'RegexLiteral':
        if (!allowWildcard) throw new StatementError('unable to use regex in a binary expression')
        throw new NotImplementedError('regex field selectors')
      case 'ParenExpr':
        return this.compile(e.expr, allowWildcard)
      case 'Distinct':
        return this.compileCall({
          kind: 'Call',
          name: 'distinct',
          args: [{ kind: 'VarRef', name: e.name, dataType: 'unknown' }],
        })
      case 'Call':
        if (MATH_FUNCTIONS.has(e.name)) {
          const n = mathArgCount(e.name)
          if (e.args.length !== n)
            throw new StatementError(
              `invalid number of arguments for ${e.name}, expected ${n}, got ${e.args.length}`,
            )
          return {
            kind: 'math',
            name: e.name,
            args: e.args.map((a) =>
              isLiteral(a) ? literalField(a) : this.compile(a, allowWildcard),
            ),
          }
        }
        return this.compileCall(e)
      case 'BinaryExpr': {
        const l = isLiteral(e.lhs)
        const r = isLiteral(e.rhs)
        if (l && r) throw new StatementError('cannot perform a binary expression on two literals')
        const lhs: FieldExpr = l ? literalField(e.lhs) : this.compile(e.lhs, false)
        const rhs: FieldExpr = r ? literalField(e.rhs) : this.compile(e.rhs, false)
        return { kind: 'binary', op: e.op, lhs, rhs }
      }
      default:
        throw new StatementError('field must contain at least one variable')
    }
  }

  compileCall(e: Expr & { kind: 'Call' }): FieldExpr {
    this.callCount++
    const plan = this.callPlan(e, false)
    return { kind: 'call', slot: this.callSlot(plan) }
  }

  /** The slot plan of a call; `nested` for the argument of a transformation. */
  callPlan(e: Expr & { kind: 'Call' }, nested: boolean): CallPlan {
    const name = e.name
    if (!this.opt.validateCall(name, e.args, this.opt.hasInterval))
      throw new StatementError(`undefined function ${name}()`)
    if (!SELECTOR_NAMES.has(name)) this.onlySelectors = false
    if (name === 'distinct' && !nested) this.hasDistinct = true
    const arg0 = e.args[0]
    if (name === 'top' || name === 'bottom') {
      if (this.topBottom !== '')
        throw new StatementError(
          `selector function ${this.topBottom}() cannot be combined with other functions`,
        )
      this.topBottom = name
      if (!this.opt.hasTarget) {
        for (const a of e.args.slice(1, -1)) {
          if (a.kind === 'VarRef')
            this.extraFields.push({
              column: a.name,
              aliased: false,
              expr: { kind: 'ref', slot: this.auxSlot(a.name, 'any') },
              source: null,
            })
        }
      }
    }
    if (TRANSFORM_NAMES.has(name)) {
      if (arg0 !== undefined && arg0.kind === 'Call') {
        const inner = this.callPlan(arg0, true)
        return {
          ...inner,
          key: keyOf(e),
          transforms: [...inner.transforms, { name, args: e.args.slice(1) }],
        }
      }
      if (arg0 !== undefined && arg0.kind === 'Distinct') {
        const inner = this.callPlan(
          {
            kind: 'Call',
            name: 'distinct',
            args: [{ kind: 'VarRef', name: arg0.name, dataType: 'unknown' }],
          },
          true,
        )
        return {
          ...inner,
          key: keyOf(e),
          transforms: [...inner.transforms, { name, args: e.args.slice(1) }],
        }
      }
      const cast = arg0 !== undefined && arg0.kind === 'VarRef' ? castOf(arg0.dataType) : undefined
      return {
        key: keyOf(e),
        aggregate: null,
        field: arg0 !== undefined && arg0.kind === 'VarRef' ? arg0.name : '',
        transforms: [{ name, args: e.args.slice(1) }],
        ...(cast !== undefined && { cast }),
      }
    }
    if (arg0 !== undefined && (arg0.kind === 'Wildcard' || arg0.kind === 'RegexLiteral'))
      throw new NotImplementedError(`${name}() of a wildcard or regex`)
    if (
      name === 'count' &&
      arg0 !== undefined &&
      (arg0.kind === 'Distinct' || (arg0.kind === 'Call' && arg0.name === 'distinct'))
    ) {
      // count(distinct(x)): the distinct values of each window, counted.
      const inner =
        arg0.kind === 'Distinct'
          ? arg0.name
          : arg0.args[0]?.kind === 'VarRef'
            ? arg0.args[0].name
            : ''
      return {
        key: keyOf(e),
        aggregate: { name, args: e.args, ofDistinct: true },
        field: inner,
        transforms: [],
      }
    }
    if (arg0 !== undefined && (arg0.kind === 'Call' || arg0.kind === 'Distinct'))
      throw new NotImplementedError(`${name}() of a function`)
    const field = arg0 !== undefined && arg0.kind === 'VarRef' ? arg0.name : ''
    const cast = arg0 !== undefined && arg0.kind === 'VarRef' ? castOf(arg0.dataType) : undefined
    return {
      key: keyOf(e),
      aggregate: { name, args: e.args },
      field,
      transforms: [],
      ...(cast !== undefined && { cast }),
    }
  }
}

/** Compiles the select list (after constant folding); throws StatementError with InfluxDB's texts. */
export function compileFields(fields: readonly Field[], opt: CompileFieldOptions): CompiledFields {
  const c = new Compiler(opt)
  const out: FieldPlan[] = []
  let timeColumn = 'time'
  for (const f of fields) {
    if (f.expr.kind === 'VarRef' && f.expr.name === 'time') {
      if (f.alias !== '') timeColumn = f.alias
      continue
    }
    const expr = foldConstants(f.expr)
    const column = fieldName({ expr, alias: f.alias })
    out.push({ column, aliased: f.alias !== '', expr: c.compile(expr, true), source: expr })
    out.push(...c.extraFields.splice(0))
  }
  if (out.length === 0) throw new StatementError('at least 1 non-time field must be queried')
  if (c.callCount > 1 && c.topBottom !== '')
    throw new StatementError(
      `selector function ${c.topBottom}() cannot be combined with other functions`,
    )
  if (c.callCount === 0) {
    if (opt.fill === 'none') throw new StatementError('fill(none) must be used with a function')
    if (opt.fill === 'linear') throw new StatementError('fill(linear) must be used with a function')
    if (opt.hasInterval && !opt.inheritedInterval)
      throw new StatementError('GROUP BY requires at least one aggregate function')
  }
  if (c.hasDistinct && (c.callCount !== 1 || c.hasAux))
    throw new StatementError(
      'aggregate function distinct() cannot be combined with other functions or fields',
    )
  if (c.hasAux && c.callCount > 0) {
    if (!c.onlySelectors)
      throw new StatementError('mixing aggregate and non-aggregate queries is not supported')
    if (c.callCount > 1)
      throw new StatementError(
        'mixing multiple selector functions with tags or fields is not supported',
      )
  }
  const lone = c.calls.length === 1 && c.callCount >= 1 ? c.calls[0] : undefined
  const selector =
    lone !== undefined &&
    lone.transforms.length === 0 &&
    lone.aggregate !== null &&
    SELECTOR_NAMES.has(lone.aggregate.name)
  return {
    fields: out,
    calls: c.calls,
    aux: c.aux,
    timeColumn,
    selector,
    hasWildcard: c.hasWildcard,
    hasDistinct: c.hasDistinct,
    topBottom: c.topBottom,
  }
}

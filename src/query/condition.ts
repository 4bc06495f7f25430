// WHERE-clause helpers shared by the meta statements: InfluxQL's ConditionExpr (split a condition
// into its time range and the rest), HasTimeExpr, and the part of Reduce they need (now(), time
// and duration arithmetic, literal comparisons, AND/OR with boolean literals). Bounds follow
// InfluxDB: `time > t` starts at t+1ns, `time < t` ends at t-1ns, both sides are intersected even
// under OR, and a missing bound means the minimum or maximum representable time.

import type { BinaryExpr, Expr } from '../influxql/index.js'
import { formatExpr } from '../influxql/index.js'
import { StatementError } from './errors.js'
import { formatRFC3339 } from './time-text.js'

/** The smallest time InfluxQL represents (math.MinInt64 + 2). */
export const MIN_TIME_NS = -(2n ** 63n) + 2n
/** The largest time InfluxQL represents (math.MaxInt64 - 1). */
export const MAX_TIME_NS = 2n ** 63n - 2n

/** A time range; a missing bound is unbounded. Both bounds inclusive, in ns. */
export interface TimeRange {
  readonly minNs?: bigint
  readonly maxNs?: bigint
}

/** The condition without its time comparisons, and the time range they describe. */
export interface SplitCondition {
  readonly condition: Expr | null
  readonly range: TimeRange
}

/** Whether `expr` compares `time` (LHS only, as InfluxDB's HasTimeExpr checks). */
export function hasTimeExpr(expr: Expr | null): boolean {
  if (expr === null) return false
  switch (expr.kind) {
    case 'BinaryExpr':
      if (expr.op === 'AND' || expr.op === 'OR')
        return hasTimeExpr(expr.lhs) || hasTimeExpr(expr.rhs)
      return expr.lhs.kind === 'VarRef' && expr.lhs.name.toLowerCase() === 'time'
    case 'ParenExpr':
      return hasTimeExpr(expr.expr)
    default:
      return false
  }
}

/** The lower bound of a range as a number (MIN_TIME_NS when unbounded). */
export function rangeMin(r: TimeRange): bigint {
  return r.minNs ?? MIN_TIME_NS
}

/** The upper bound of a range as a number (MAX_TIME_NS when unbounded). */
export function rangeMax(r: TimeRange): bigint {
  return r.maxNs ?? MAX_TIME_NS
}

function intersect(a: TimeRange, b: TimeRange): TimeRange {
  let minNs = a.minNs
  let maxNs = a.maxNs
  if (b.minNs !== undefined && (minNs === undefined || b.minNs > minNs)) minNs = b.minNs
  if (b.maxNs !== undefined && (maxNs === undefined || b.maxNs < maxNs)) maxNs = b.maxNs
  return { ...(minNs !== undefined && { minNs }), ...(maxNs !== undefined && { maxNs }) }
}

/**
 * InfluxQL's ConditionExpr: removes the time comparisons from `cond` and returns them as a range.
 * `nowNs` replaces now() (undefined leaves it, which makes `time > now()` an error, as with a nil
 * valuer in InfluxDB). Throws StatementError with InfluxDB's texts.
 */
export function conditionExpr(cond: Expr | null, nowNs: bigint | undefined): SplitCondition {
  let { condition, range } = split(cond, nowNs)
  if (condition?.kind === 'ParenExpr') condition = condition.expr
  if (condition?.kind === 'BooleanLiteral' && condition.value) condition = null
  return { condition, range }
}

function split(cond: Expr | null, nowNs: bigint | undefined): SplitCondition {
  if (cond === null) return { condition: null, range: {} }
  switch (cond.kind) {
    case 'BinaryExpr': {
      if (cond.op === 'AND' || cond.op === 'OR') {
        const l = split(cond.lhs, nowNs)
        const r = split(cond.rhs, nowNs)
        const range = intersect(l.range, r.range)
        if (r.condition === null) return { condition: l.condition, range }
        if (l.condition === null) return { condition: r.condition, range }
        return {
          condition: reduce(
            { kind: 'BinaryExpr', op: cond.op, lhs: l.condition, rhs: r.condition },
            undefined,
          ),
          range,
        }
      }
      if (cond.lhs.kind === 'VarRef' && cond.lhs.name.toLowerCase() === 'time') {
        return { condition: null, range: timeRange(cond.op, cond.rhs, nowNs) }
      }
      if (cond.rhs.kind === 'VarRef' && cond.rhs.name.toLowerCase() === 'time') {
        const swapped = { '>': '<', '<': '>', '>=': '<=', '<=': '>=' } as const
        const op = cond.op in swapped ? swapped[cond.op as keyof typeof swapped] : cond.op
        return { condition: null, range: timeRange(op, cond.lhs, nowNs) }
      }
      return { condition: reduce(cond, nowNs), range: {} }
    }
    case 'ParenExpr': {
      const inner = split(cond.expr, nowNs)
      if (inner.condition === null) return inner
      return {
        condition: reduce({ kind: 'ParenExpr', expr: inner.condition }, undefined),
        range: inner.range,
      }
    }
    case 'BooleanLiteral':
      return { condition: cond, range: {} }
    default:
      throw new StatementError(`invalid condition expression: ${formatExpr(cond)}`)
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}.+/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const LAYOUT_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/
const LAYOUT_RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/

/** Parses an InfluxQL time string (`2006-01-02`, `2006-01-02 15:04:05.999`, RFC3339Nano) to ns. */
export function parseTimeString(s: string): bigint | undefined {
  if (DATE.test(s))
    return civilNs(s.slice(0, 4), s.slice(5, 7), s.slice(8, 10), '0', '0', '0', '', 0)
  if (!DATE_TIME.test(s)) return undefined
  let m = LAYOUT_DATE_TIME.exec(s)
  if (m !== null) return civilNs(m[1], m[2], m[3], m[4], m[5], m[6], m[7] ?? '', 0)
  m = LAYOUT_RFC3339.exec(s)
  if (m === null) return undefined
  const zone = m[8] ?? 'Z'
  const offsetMin =
    zone === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)))
  return civilNs(m[1], m[2], m[3], m[4], m[5], m[6], m[7] ?? '', offsetMin)
}

function civilNs(
  y: string | undefined,
  mo: string | undefined,
  d: string | undefined,
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  frac: string,
  offsetMin: number,
): bigint | undefined {
  const [Y, M, D, H, I, S] = [y, mo, d, h, mi, s].map((v) => Number(v ?? '0'))
  if (
    M === undefined ||
    D === undefined ||
    H === undefined ||
    I === undefined ||
    S === undefined ||
    Y === undefined
  )
    return undefined
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || I > 59 || S > 59) return undefined
  const ms = Date.UTC(Y, M - 1, D, H, I, S)
  if (new Date(ms).getUTCDate() !== D) return undefined
  const nanos = frac === '' ? 0n : BigInt(frac.slice(0, 9).padEnd(9, '0'))
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + nanos
}

function timeRange(op: BinaryExpr['op'], rhs: Expr, nowNs: bigint | undefined): TimeRange {
  let value: Expr = rhs
  if (value.kind === 'StringLiteral' && (DATE_TIME.test(value.value) || DATE.test(value.value))) {
    const ns = parseTimeString(value.value)
    if (ns === undefined) throw new StatementError('invalid timestamp string')
    value = { kind: 'TimeLiteral', value: ns }
  }
  value = reduce(value, nowNs)
  let t: bigint
  switch (value.kind) {
    case 'TimeLiteral':
      if (value.value > MAX_TIME_NS)
        throw new StatementError(`time ${formatRFC3339(value.value)} overflows time literal`)
      if (value.value < MIN_TIME_NS + 1n)
        throw new StatementError(`time ${formatRFC3339(value.value)} underflows time literal`)
      t = value.value
      break
    case 'DurationLiteral':
    case 'IntegerLiteral':
      t = value.value
      break
    case 'NumberLiteral':
      t = BigInt(Math.trunc(value.value))
      break
    default:
      throw new StatementError(
        `invalid operation: time and *influxql.${value.kind} are not compatible`,
      )
  }
  switch (op) {
    case '>':
      return { minNs: t + 1n }
    case '>=':
      return { minNs: t }
    case '<':
      return { maxNs: t - 1n }
    case '<=':
      return { maxNs: t }
    case '=':
      return { minNs: t, maxNs: t }
    default:
      throw new StatementError(`invalid time comparison operator: ${op}`)
  }
}

/**
 * A small part of InfluxQL's Reduce: evaluates now() (when `nowNs` is given), time and duration
 * arithmetic and comparisons of literals, and simplifies AND/OR with boolean literals.
 */
export function reduce(expr: Expr, nowNs: bigint | undefined): Expr {
  switch (expr.kind) {
    case 'Call':
      if (expr.name === 'now' && expr.args.length === 0 && nowNs !== undefined)
        return { kind: 'TimeLiteral', value: nowNs }
      return expr
    case 'ParenExpr': {
      const inner = reduce(expr.expr, nowNs)
      return inner.kind === 'BinaryExpr' ? { kind: 'ParenExpr', expr: inner } : inner
    }
    case 'BinaryExpr':
      return reduceBinary(expr, nowNs)
    default:
      return expr
  }
}

function reduceBinary(expr: BinaryExpr, nowNs: bigint | undefined): Expr {
  const lhs = reduce(expr.lhs, nowNs)
  const rhs = reduce(expr.rhs, nowNs)
  const op = expr.op
  const isBool = (e: Expr, v: boolean): boolean => e.kind === 'BooleanLiteral' && e.value === v
  if (op === 'AND') {
    if (isBool(lhs, false) || isBool(rhs, false)) return { kind: 'BooleanLiteral', value: false }
    if (isBool(lhs, true)) return rhs
    if (isBool(rhs, true)) return lhs
  } else if (op === 'OR') {
    if (isBool(lhs, true) || isBool(rhs, true)) return { kind: 'BooleanLiteral', value: true }
    if (isBool(lhs, false)) return rhs
    if (isBool(rhs, false)) return lhs
  }
  const a = temporal(lhs)
  const b = temporal(rhs)
  if (a !== undefined && b !== undefined) {
    const folded = foldTemporal(op, a, b)
    if (folded !== undefined) return folded
  }
  return lhs === expr.lhs && rhs === expr.rhs ? expr : { kind: 'BinaryExpr', op, lhs, rhs }
}

interface Temporal {
  readonly kind: 'time' | 'duration' | 'integer'
  readonly v: bigint
}

function temporal(e: Expr): Temporal | undefined {
  if (e.kind === 'TimeLiteral') return { kind: 'time', v: e.value }
  if (e.kind === 'DurationLiteral') return { kind: 'duration', v: e.value }
  if (e.kind === 'IntegerLiteral') return { kind: 'integer', v: e.value }
  return undefined
}

function foldTemporal(op: BinaryExpr['op'], a: Temporal, b: Temporal): Expr | undefined {
  const cmp = (x: bigint, y: bigint): Expr | undefined => {
    const r = {
      '=': x === y,
      '!=': x !== y,
      '<': x < y,
      '<=': x <= y,
      '>': x > y,
      '>=': x >= y,
    } as Partial<Record<string, boolean>>
    const v = r[op]
    return v === undefined ? undefined : { kind: 'BooleanLiteral', value: v }
  }
  if (a.kind === 'time' && b.kind !== 'time') {
    if (op === '+') return { kind: 'TimeLiteral', value: a.v + b.v }
    if (op === '-') return { kind: 'TimeLiteral', value: a.v - b.v }
    return undefined
  }
  if (b.kind === 'time' && a.kind === 'duration' && op === '+')
    return { kind: 'TimeLiteral', value: a.v + b.v }
  if (a.kind === 'time' && b.kind === 'time') {
    if (op === '-') return { kind: 'DurationLiteral', value: a.v - b.v }
    return cmp(a.v, b.v)
  }
  if (a.kind === b.kind) {
    const kind = a.kind === 'duration' ? 'DurationLiteral' : 'IntegerLiteral'
    if (op === '+') return { kind, value: a.v + b.v }
    if (op === '-') return { kind, value: a.v - b.v }
    if (op === '*' && kind === 'IntegerLiteral') return { kind, value: a.v * b.v }
    return cmp(a.v, b.v)
  }
  return undefined
}

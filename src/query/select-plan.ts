// Compiles a normalised SELECT into what the engine runs: the compiled select list (see
// select-fields.ts), the GROUP BY dimensions (tags, *, regexes, time(interval[, offset]) with
// duration, time or now() offsets), and the time range and condition split from WHERE, with
// InfluxDB 1.6's compile-time error texts.

import { type Expr, type FillOption, formatExpr, type SelectStatement } from '../influxql/index.js'
import type { TimeRange } from './condition.js'
import { conditionExpr, parseTimeString } from './condition.js'
import { StatementError } from './errors.js'
import {
  aggregateFunction,
  transformFunction,
  type AggregateFunction,
  type TransformFunction,
} from './functions/index.js'
import { type CompiledFields, compileFields } from './select-fields.js'

/** The functions the engine can call (the library in ./functions, or a test's). */
export interface FunctionLibrary {
  aggregate(name: string): AggregateFunction | undefined
  transform(name: string): TransformFunction | undefined
}

/** The library in src/query/functions. */
export const defaultLibrary: FunctionLibrary = {
  aggregate: aggregateFunction,
  transform: transformFunction,
}

/** GROUP BY time(duration[, offset]): windows start at epoch + offset + k × duration. */
export interface TimeInterval {
  readonly durationNs: bigint
  /** In [0, durationNs). */
  readonly offsetNs: bigint
}

/** A compiled SELECT. */
export interface SelectPlan {
  readonly mode: 'raw' | 'aggregate'
  readonly fields: CompiledFields
  /** GROUP BY tag keys; `all` for GROUP BY *; `regexes` for GROUP BY /re/. */
  readonly dimensions: {
    readonly all: boolean
    readonly keys: readonly string[]
    readonly regexes: readonly string[]
  }
  readonly range: TimeRange
  /** The WHERE condition without its time comparisons. */
  readonly condition: Expr | null
  readonly ascending: boolean
  /** GROUP BY time(…); null without one. */
  readonly interval: TimeInterval | null
  /** How many intervals before the range transformations read (derivative: 1, moving_average(n): n). */
  readonly extraIntervals: number
  readonly fill: FillOption
  readonly fillValue: number | bigint | null
  /** tz('…'); null for UTC. */
  readonly location: string | null
  readonly limit: number
  readonly offset: number
  readonly sLimit: number
  readonly sOffset: number
}

function compileInterval(args: readonly Expr[], nowNs: bigint): TimeInterval {
  const [d, o] = args
  if (args.length < 1 || args.length > 2 || d === undefined)
    throw new StatementError('time dimension expected 1 or 2 arguments')
  if (d.kind !== 'DurationLiteral')
    throw new StatementError('time dimension must have duration argument')
  const durationNs = d.value
  if (durationNs <= 0n) throw new StatementError('time dimension must have duration argument')
  if (o === undefined) return { durationNs, offsetNs: 0n }
  let offset: bigint
  if (o.kind === 'DurationLiteral') offset = o.value % durationNs
  else if (o.kind === 'TimeLiteral') offset = o.value % durationNs
  else if (o.kind === 'Call' && o.name === 'now') {
    if (o.args.length !== 0)
      throw new StatementError('time dimension offset now() function requires no arguments')
    offset = nowNs % durationNs
  } else if (o.kind === 'Call')
    throw new StatementError('time dimension offset function must be now()')
  else if (o.kind === 'StringLiteral') {
    if (parseTimeString(o.value) === undefined)
      throw new StatementError('time dimension offset must be duration or now()')
    throw new StatementError(`invalid time dimension offset: ${formatExpr(o)}`)
  } else throw new StatementError('time dimension offset must be duration or now()')
  // Go's % keeps the dividend's sign; a negative remainder shifts windows the same as its positive twin.
  return { durationNs, offsetNs: offset < 0n ? offset + durationNs : offset }
}

function unwrap(e: Expr): Expr {
  return e.kind === 'ParenExpr' ? unwrap(e.expr) : e
}

/** Checks a call's arguments with the library; false when no function has that name. */
function validator(
  lib: FunctionLibrary,
): (name: string, args: readonly Expr[], hasInterval: boolean) => boolean {
  return (name, args, hasInterval) => {
    const agg = lib.aggregate(name)
    if (agg !== undefined) {
      agg.validate(args)
      return true
    }
    const tf = lib.transform(name)
    if (tf === undefined) return false
    tf.validate(args, hasInterval)
    const inner = args[0]
    if (inner !== undefined && (inner.kind === 'Call' || inner.kind === 'Distinct')) {
      if (!hasInterval) throw new StatementError(`${name} aggregate requires a GROUP BY interval`)
    } else if (hasInterval && name !== 'holt_winters' && name !== 'holt_winters_with_fit') {
      throw new StatementError(`aggregate function required inside the call to ${name}`)
    }
    return true
  }
}

function extraIntervalsOf(fields: CompiledFields): number {
  // derivative, difference, elapsed and moving_average read one window before the range (InfluxDB
  // widens moving_average's range by n - 1 more only after it built its input).
  const reads = new Set([
    'derivative',
    'non_negative_derivative',
    'difference',
    'non_negative_difference',
    'elapsed',
    'moving_average',
  ])
  return fields.calls.some((c) => c.transforms.some((t) => reads.has(t.name))) ? 1 : 0
}

/** Options for planning a subquery inside an outer query. */
export interface PlanOptions {
  /** The outer query's interval, inherited when the statement has none. */
  readonly inheritInterval?: TimeInterval | null
}

/** Compiles `stmt` (already normalised) with now() at `nowNs`. */
export function planSelect(
  stmt: SelectStatement,
  nowNs: bigint,
  lib: FunctionLibrary = defaultLibrary,
  popt: PlanOptions = {},
): SelectPlan {
  const keys: string[] = []
  const regexes: string[] = []
  let all = false
  let interval: TimeInterval | null = null
  for (const d of stmt.dimensions) {
    const e = unwrap(d.expr)
    if (e.kind === 'VarRef') {
      if (e.name.toLowerCase() === 'time')
        throw new StatementError('time() is a function and expects at least one argument')
      keys.push(e.name)
    } else if (e.kind === 'Wildcard') all = true
    else if (e.kind === 'RegexLiteral') regexes.push(e.pattern)
    else if (e.kind === 'Call') {
      if (e.name !== 'time') throw new StatementError('only time() calls allowed in dimensions')
      if (e.args.length < 1 || e.args.length > 2)
        throw new StatementError('time dimension expected 1 or 2 arguments')
      if (e.args[0]?.kind !== 'DurationLiteral')
        throw new StatementError('time dimension must have duration argument')
      if (interval !== null) throw new StatementError('multiple time dimensions not allowed')
      interval = compileInterval(e.args, nowNs)
    } else throw new StatementError('only time and tag dimensions allowed')
  }
  let inherited = false
  if (interval === null && popt.inheritInterval !== undefined && popt.inheritInterval !== null) {
    interval = popt.inheritInterval
    inherited = true
  }
  const fields = compileFields(stmt.fields, {
    hasInterval: interval !== null,
    inheritedInterval: inherited,
    hasTarget: stmt.target !== null,
    limit: stmt.limit,
    fill: stmt.fill,
    validateCall: validator(lib),
  })
  const { condition, range } = conditionExpr(stmt.condition, nowNs)
  const sort = stmt.sortFields[0]
  const aggregate = fields.calls.length > 0
  return {
    mode: aggregate ? 'aggregate' : 'raw',
    fields,
    dimensions: { all, keys: [...new Set(keys)].sort(), regexes },
    range,
    condition,
    ascending: sort === undefined || sort.ascending,
    interval: aggregate || inherited ? interval : null,
    extraIntervals: interval !== null ? extraIntervalsOf(fields) : 0,
    fill: stmt.fill,
    fillValue: stmt.fillValue,
    location: stmt.location,
    limit: stmt.limit,
    offset: stmt.offset,
    sLimit: stmt.sLimit,
    sOffset: stmt.sOffset,
  }
}

/**
 * InfluxDB's column naming: `time` first, then each name, a repeated name getting `_1`, `_2`, …
 * (skipping names already taken).
 */
export function columnNames(names: readonly string[]): string[] {
  const out = ['time']
  const used = new Set<string>(['time'])
  for (const n of names) {
    let name = n
    for (let k = 1; used.has(name); k++) name = `${n}_${k}`
    used.add(name)
    out.push(name)
  }
  return out
}

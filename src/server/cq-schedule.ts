// When a continuous query runs and over which time range, as InfluxDB 1.6's continuous querier
// computes them: a CQ runs once per RESAMPLE EVERY (default: its GROUP BY interval) after its
// last run, on window boundaries of the interval shifted by the GROUP BY offset (and the tz()
// zone's UTC offset), over the windows that RESAMPLE FOR (default: one interval) still covers.
// The time range replaces any time condition of the CQ's SELECT: `time >= start AND time < end`.

import type { CreateContinuousQueryStatement, Expr, SelectStatement } from '../influxql/index.js'
import { StatementError } from '../query/index.js'

/** A CQ's timing, in ns. */
export interface CQSchedule {
  readonly intervalNs: bigint
  readonly offsetNs: bigint
  /** RESAMPLE EVERY, 0n when not given. */
  readonly resampleEveryNs: bigint
  /** RESAMPLE FOR, 0n when not given. */
  readonly resampleForNs: bigint
  /** The tz() zone of the SELECT, or null for UTC. */
  readonly location: string | null
}

/** One run of a CQ: the new last-run time, and the range to query ([startNs, endNs)) unless empty. */
export interface CQRun {
  readonly lastRunNs: bigint
  readonly range: { readonly startNs: bigint; readonly endNs: bigint } | undefined
}

/**
 * The schedule of a CQ; undefined when its SELECT has no GROUP BY time (such a CQ never runs).
 * Throws StatementError for a raw SELECT (`continuous queries must be aggregate queries`).
 */
export function scheduleOf(cq: CreateContinuousQueryStatement): CQSchedule | undefined {
  const { intervalNs, offsetNs } = groupByTime(cq.source)
  if (intervalNs === 0n) return undefined
  if (cq.source.isRawQuery) throw new StatementError('continuous queries must be aggregate queries')
  return {
    intervalNs,
    offsetNs,
    resampleEveryNs: cq.resampleEvery,
    resampleForNs: cq.resampleFor,
    location: cq.source.location,
  }
}

function groupByTime(stmt: SelectStatement): { intervalNs: bigint; offsetNs: bigint } {
  for (const d of stmt.dimensions) {
    const e = d.expr
    if (e.kind !== 'Call' || e.name !== 'time') continue
    const [interval, offset] = e.args
    if (interval === undefined || e.args.length > 2)
      throw new StatementError('time dimension expected 1 or 2 arguments')
    if (interval.kind !== 'DurationLiteral')
      throw new StatementError('time dimension must have duration argument')
    if (offset === undefined || interval.value === 0n)
      return { intervalNs: interval.value, offsetNs: 0n }
    if (offset.kind === 'DurationLiteral')
      return { intervalNs: interval.value, offsetNs: offset.value % interval.value }
    if (offset.kind === 'TimeLiteral')
      return { intervalNs: interval.value, offsetNs: mod(offset.value, interval.value) }
    throw new StatementError('invalid time dimension offset')
  }
  return { intervalNs: 0n, offsetNs: 0n }
}

function mod(a: bigint, d: bigint): bigint {
  const r = a % d
  return r < 0n ? r + d : r
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>()

/** The UTC offset of `location` at `ns`, in ns (0 for UTC and no location). */
export function zoneOffsetNs(ns: bigint, location: string | null): bigint {
  if (location === null || location === '' || location === 'UTC') return 0n
  let fmt = zoneFormats.get(location)
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: location, timeZoneName: 'longOffset' })
    zoneFormats.set(location, fmt)
  }
  const ms = Number(ns / 1_000_000n) - (ns < 0n && ns % 1_000_000n !== 0n ? 1 : 0)
  const name =
    fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name)
  if (m === null) return 0n
  const secs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)
  return BigInt(m[1] === '-' ? -secs : secs) * 1_000_000_000n
}

/** `ts` truncated to a multiple of `d` in its zone's local time (Go's time.Truncate as the querier uses it). */
export function truncateNs(ts: bigint, d: bigint, location: string | null): bigint {
  const offset = zoneOffsetNs(ts, location)
  let out = ts - mod(ts + offset, d)
  const adjusted = zoneOffsetNs(out, location)
  if (adjusted !== offset) {
    const diff = offset - adjusted
    if (abs(diff) < d) out += diff
  }
  return out
}

/**
 * Decides whether the CQ runs at `nowNs` given its last run (undefined: never ran since start),
 * and if so the new last run and the range to query. Undefined means: not yet.
 */
export function planRun(
  s: CQSchedule,
  nowNs: bigint,
  lastRunNs: bigint | undefined,
): CQRun | undefined {
  const interval = s.intervalNs
  let every = s.resampleEveryNs !== 0n ? s.resampleEveryNs : interval
  let nextRun = nowNs
  if (lastRunNs !== undefined) {
    nextRun = lastRunNs + every
    // Across a DST change the next run moves by the change, as long as that is less than a period.
    const before = zoneOffsetNs(lastRunNs - 1n, s.location)
    const after = zoneOffsetNs(nextRun - 1n, s.location)
    if (before !== after && abs(before - after) < every) nextRun += before - after
    if (nextRun > nowNs) return undefined
  }
  const lastRun = truncateNs(nowNs - s.offsetNs, every, s.location) + s.offsetNs
  let forNs = interval
  if (s.resampleForNs !== 0n) forNs = s.resampleForNs
  else if (interval < every) forNs = every
  if (interval < every) every = interval
  const startNs =
    truncateNs(nextRun + interval - forNs - s.offsetNs - 1n, interval, s.location) + s.offsetNs
  const endNs = truncateNs(nowNs + interval - every - s.offsetNs, interval, s.location) + s.offsetNs
  return { lastRunNs: lastRun, range: endNs > startNs ? { startNs, endNs } : undefined }
}

/**
 * The CQ's SELECT limited to [startNs, endNs): time comparisons (and calls) of its WHERE are
 * dropped, as InfluxDB's SetTimeRange does, and the range is added; an INTO without a retention
 * policy gets `defaultRP`.
 */
export function withTimeRange(
  stmt: SelectStatement,
  startNs: bigint,
  endNs: bigint,
  defaultRP: string,
): SelectStatement {
  const time = (op: '>=' | '<', ns: bigint): Expr => ({
    kind: 'BinaryExpr',
    op,
    lhs: { kind: 'VarRef', name: 'time', dataType: 'unknown' },
    rhs: { kind: 'TimeLiteral', value: ns },
  })
  const range: Expr = {
    kind: 'BinaryExpr',
    op: 'AND',
    lhs: time('>=', startNs),
    rhs: time('<', endNs),
  }
  const kept = stmt.condition === null ? undefined : withoutTime(stmt.condition)
  const condition: Expr =
    kept === undefined ? range : { kind: 'BinaryExpr', op: 'AND', lhs: kept, rhs: range }
  const target =
    stmt.target !== null && stmt.target.measurement.retentionPolicy === ''
      ? { ...stmt.target, measurement: { ...stmt.target.measurement, retentionPolicy: defaultRP } }
      : stmt.target
  return { ...stmt, condition, target }
}

/** `expr` without its time comparisons and calls; undefined when nothing is left (true). */
function withoutTime(expr: Expr): Expr | undefined {
  switch (expr.kind) {
    case 'Call':
      return undefined
    case 'ParenExpr': {
      const inner = withoutTime(expr.expr)
      return inner === undefined ? undefined : { ...expr, expr: inner }
    }
    case 'BinaryExpr': {
      if (expr.lhs.kind === 'VarRef' && expr.lhs.name === 'time') return undefined
      if (expr.op !== 'AND' && expr.op !== 'OR') return expr
      const lhs = withoutTime(expr.lhs)
      const rhs = withoutTime(expr.rhs)
      if (expr.op === 'OR')
        return lhs === undefined || rhs === undefined ? undefined : { ...expr, lhs, rhs }
      if (lhs === undefined) return rhs
      if (rhs === undefined) return lhs
      return { ...expr, lhs, rhs }
    }
    default:
      return expr
  }
}

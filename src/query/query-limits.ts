// The `[coordinator]` limits on queries, as InfluxDB 1.6 enforces them: query-timeout (the query
// is aborted with `query-timeout limit exceeded`), log-queries-after (a warning naming the slow
// query), max-select-buckets (checked before a GROUP BY time statement runs), and the two limits
// the engine applies while it reads: max-select-series (series of one measurement in one shard)
// and max-select-point (points read). Their error texts are InfluxDB's, typo included.

import type { SelectStatement } from '../influxql/index.js'
import { conditionExpr } from './condition.js'
import { StatementError } from './errors.js'

/** The limits of `[coordinator]`; 0 means no limit (or no log). */
export interface QueryLimits {
  readonly queryTimeoutMs: number
  readonly logQueriesAfterMs: number
  readonly maxSelectPoint: number
  readonly maxSelectSeries: number
  readonly maxSelectBuckets: number
}

/** No limits at all (the default). */
export const noQueryLimits: QueryLimits = {
  queryTimeoutMs: 0,
  logQueriesAfterMs: 0,
  maxSelectPoint: 0,
  maxSelectSeries: 0,
  maxSelectBuckets: 0,
}

/** InfluxDB's text when the query-timeout fires. */
export const QUERY_TIMEOUT_TEXT = 'query-timeout limit exceeded'
/** InfluxDB's text when KILL QUERY or the server stops a query. */
export const QUERY_INTERRUPTED_TEXT = 'query interrupted'

/**
 * The limits a SELECT applies while it reads (SelectContext.limits). One per statement; not
 * shared between concurrent statements.
 *
 * The engine calls `addPoints(n)` as it reads values from the cache and TSM blocks (a batch at a
 * time is fine); it throws a StatementError with InfluxDB's text, which fails the statement.
 * `checkSeries(n)` (series of one measurement in one shard) is called by series-limit.ts before
 * the SELECT runs.
 */
export class SelectLimits {
  readonly maxSelectPoint: number
  readonly maxSelectSeries: number
  /**
   * max-select-buckets, for the engine: InfluxDB maps shards only for the last this-many buckets
   * when GROUP BY time has no lower time bound (statements with one are checked before they run).
   */
  readonly maxSelectBuckets: number
  #points = 0

  constructor(
    limits: Partial<Pick<QueryLimits, 'maxSelectPoint' | 'maxSelectSeries' | 'maxSelectBuckets'>>,
  ) {
    this.maxSelectPoint = limits.maxSelectPoint ?? 0
    this.maxSelectSeries = limits.maxSelectSeries ?? 0
    this.maxSelectBuckets = limits.maxSelectBuckets ?? 0
  }

  /** Points read so far. */
  get points(): number {
    return this.#points
  }

  /**
   * Throws `max-select-series limit exceeded: (N/limit)` when a measurement selects more series
   * than the limit in one shard. InfluxDB stops counting one past the limit, so N is limit+1.
   */
  checkSeries(seriesN: number): void {
    const max = this.maxSelectSeries
    if (max > 0 && seriesN > max) {
      throw new StatementError(`max-select-series limit exceeded: (${max + 1}/${max})`, {
        seriesN,
        limit: max,
      })
    }
  }

  /** Counts `n` points read; throws `max-select-point limit exceeed: (N/limit)` once N reaches the limit. */
  addPoints(n: number): void {
    this.#points += n
    const max = this.maxSelectPoint
    if (max > 0 && this.#points >= max) {
      throw new StatementError(`max-select-point limit exceeed: (${this.#points}/${max})`, {
        pointN: this.#points,
        limit: max,
      })
    }
  }
}

/** The GROUP BY time interval and offset of `stmt` in ns (interval 0n without one). */
function groupByTime(stmt: SelectStatement): { intervalNs: bigint; offsetNs: bigint } {
  for (const d of stmt.dimensions) {
    const e = d.expr
    if (e.kind !== 'Call' || e.name !== 'time') continue
    const [interval, offset] = e.args
    if (interval?.kind !== 'DurationLiteral' || interval.value <= 0n)
      return { intervalNs: 0n, offsetNs: 0n }
    const offsetNs = offset?.kind === 'DurationLiteral' ? offset.value % interval.value : 0n
    return { intervalNs: interval.value, offsetNs }
  }
  return { intervalNs: 0n, offsetNs: 0n }
}

function windowStart(t: bigint, intervalNs: bigint, offsetNs: bigint): bigint {
  const x = t - offsetNs
  let dt = x % intervalNs
  if (dt < 0n) dt += intervalNs
  return x - dt + offsetNs
}

/**
 * The number of GROUP BY time buckets `stmt` covers, as InfluxDB counts them for
 * max-select-buckets: undefined for raw queries, without GROUP BY time, or without a lower time
 * bound; an open upper bound is `nowNs`.
 */
export function bucketCount(stmt: SelectStatement, nowNs: bigint): bigint | undefined {
  if (stmt.isRawQuery) return undefined
  const { intervalNs, offsetNs } = groupByTime(stmt)
  if (intervalNs === 0n) return undefined
  const { range } = conditionExpr(stmt.condition, nowNs)
  if (range.minNs === undefined) return undefined
  // As InfluxDB: the window of (end - 1ns), where end is the inclusive upper bound or now().
  const endNs = range.maxNs ?? nowNs
  const first = windowStart(range.minNs, intervalNs, offsetNs)
  const last = windowStart(endNs - 1n, intervalNs, offsetNs)
  return (last - first + intervalNs) / intervalNs
}

/** Throws `max-select-buckets limit exceeded: (N/limit)` when `stmt` covers too many buckets. */
export function checkBuckets(stmt: SelectStatement, nowNs: bigint, maxBuckets: number): void {
  if (maxBuckets <= 0) return
  const n = bucketCount(stmt, nowNs)
  if (n !== undefined && n > BigInt(maxBuckets)) {
    throw new StatementError(`max-select-buckets limit exceeded: (${n}/${maxBuckets})`, {
      buckets: n,
      limit: maxBuckets,
    })
  }
}

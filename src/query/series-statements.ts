// DROP MEASUREMENT, DROP SERIES and DELETE, as InfluxDB 1.6 (inmem index) runs them: the database
// is the request's `db`; the WHERE clause selects series from the database-wide index (see
// series-filter.ts) and its time comparisons become an inclusive range (`time > t` deletes from
// t+1ns); every shard of the database (all retention policies) deletes that range of those series.
// A comparison the index cannot answer (a field) fails with InfluxDB's per-shard text.

import type { Shard } from '../engine/index.js'
import type {
  DeleteSeriesStatement,
  DropMeasurementStatement,
  DropSeriesStatement,
  Expr,
  Source,
} from '../influxql/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import { conditionExpr, hasTimeExpr, rangeMax, rangeMin, reduce } from './condition.js'
import { DatabaseIndex } from './database-index.js'
import { StatementError } from './errors.js'
import { databaseNotFound } from './normalize.js'
import { regexMatches } from './regex.js'
import { selectSeries } from './series-filter.js'

/** The open shards of a database (every retention policy), by ascending ID. */
export function shardsOfDatabase(ctx: ExecutionContext, database: string): Shard[] {
  ctx.store.requireAll?.(database)
  return ctx.store.shards().filter((s) => s.database === database)
}

/** Deletes [min, max] of `keys` from `sh` (on every owner of it in a cluster). */
function deleteRange(
  ctx: ExecutionContext,
  sh: Shard,
  keys: readonly string[],
  min: bigint,
  max: bigint,
): Promise<void> {
  const store = ctx.store
  return store.deleteSeriesRange !== undefined
    ? store.deleteSeriesRange(sh, keys, min, max)
    : sh.deleteSeriesRange(keys, min, max)
}

function requireDatabase(ctx: ExecutionContext): string {
  const name = ctx.request.database
  if (ctx.meta.data.database(name) === undefined) throw databaseNotFound(name)
  return name
}

/** DELETE [FROM …] [WHERE …]: removes points in the time range from the selected series. */
export async function* deleteSeries(
  stmt: DeleteSeriesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const database = requireDatabase(ctx)
  const condition = stmt.condition === null ? null : reduce(stmt.condition, ctx.nowNs())
  await deleteFromShards(ctx, database, stmt.sources, condition)
}

/** DROP SERIES [FROM …] [WHERE …]: removes the selected series entirely (no time allowed). */
export async function* dropSeries(
  stmt: DropSeriesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const database = requireDatabase(ctx)
  if (hasTimeExpr(stmt.condition))
    throw new StatementError("DROP SERIES doesn't support time in WHERE clause")
  await deleteFromShards(ctx, database, stmt.sources, stmt.condition)
}

/** DROP MEASUREMENT name: every series of it, in every shard of the database. */
export async function* dropMeasurement(
  stmt: DropMeasurementStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const database = requireDatabase(ctx)
  const shards = shardsOfDatabase(ctx, database)
  const view = new DatabaseIndex(shards).measurement(stmt.name)
  if (view === undefined) return
  const keys = [...view.series().keys()]
  for (const sh of shards) {
    const own = keys.filter((k) => sh.index.hasSeries(k))
    if (own.length > 0) await deleteRange(ctx, sh, own, rangeMin({}), rangeMax({}))
  }
}

/** The measurement names a FROM clause names, regexes matched against the database's names. */
function namesFromSources(sources: readonly Source[], known: readonly string[]): string[] {
  const out = new Set<string>()
  for (const s of sources) {
    if (s.kind !== 'Measurement') continue
    if (s.regex !== null) {
      const pattern = s.regex.pattern
      for (const n of known) if (regexMatches(pattern, n)) out.add(n)
    } else {
      out.add(s.name)
    }
  }
  return [...out]
}

async function deleteFromShards(
  ctx: ExecutionContext,
  database: string,
  sources: readonly Source[],
  cond: Expr | null,
): Promise<void> {
  const shards = shardsOfDatabase(ctx, database)
  const index = new DatabaseIndex(shards)
  const names =
    sources.length > 0
      ? namesFromSources(sources, index.measurementNames())
      : [...index.measurementNames()]
  if (sources.length > 0 && names.length === 0) return
  const { condition, range } = conditionExpr(cond, undefined)
  const min = rangeMin(range)
  const max = rangeMax(range)
  if (shards.length === 0) return
  const doomed: string[] = []
  for (const name of names) {
    const view = index.measurement(name)
    if (view === undefined) continue
    const selected = selectSeries(view, condition)
    if (selected === null) continue
    for (const [key, residual] of selected) {
      if (residual === 'other') {
        const first = shards[0]
        throw new StatementError(
          `shard ${first?.id ?? 0}: fields not supported in WHERE clause during deletion`,
        )
      }
      doomed.push(key)
    }
  }
  if (doomed.length === 0 || min > max) return
  for (const sh of shards) {
    const own = doomed.filter((k) => sh.index.hasSeries(k))
    if (own.length > 0) await deleteRange(ctx, sh, own, min, max)
  }
}

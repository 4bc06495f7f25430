// The SHOW statements InfluxDB 1.6 answers from its database-wide in-memory index: SHOW
// MEASUREMENTS, SHOW TAG KEYS, SHOW TAG VALUES, and the estimated SERIES and MEASUREMENT
// CARDINALITY. TAG KEYS and TAG VALUES only look at the index when the WHERE clause's time range
// maps to at least one shard of the database (any retention policy); what they then return is
// the whole database's index, as the shared inmem index does.

import type {
  Expr,
  ShowMeasurementCardinalityStatement,
  ShowMeasurementsStatement,
  ShowSeriesCardinalityStatement,
  ShowTagKeysStatement,
  ShowTagValuesStatement,
} from '../influxql/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import { conditionExpr, rangeMax, rangeMin } from './condition.js'
import { DatabaseIndex, compareStrings } from './database-index.js'
import {
  measurementNamesByExpr,
  measurementPart,
  sourcesCondition,
  tagPart,
} from './measurement-filter.js'
import { databaseNameRequired, databaseNotFound } from './normalize.js'
import type { QueryCell } from './result.js'
import { shardsOfDatabase } from './series-statements.js'
import { selectSeries } from './series-filter.js'
import { tagKeyCondition, tagKeysByExpr } from './tag-key-filter.js'

/** `values` after OFFSET and LIMIT (0 = none), as the SHOW statements apply them. */
export function page<T>(values: T[], offset: number, limit: number): T[] {
  let out = values
  if (offset > 0) out = offset >= out.length ? [] : out.slice(offset)
  if (limit > 0 && limit < out.length) out = out.slice(0, limit)
  return out
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The database a SHOW statement names or defaults to; throws `database name required`. */
function databaseOf(stmt: { readonly database: string }, ctx: ExecutionContext): string {
  const db = stmt.database !== '' ? stmt.database : ctx.defaultDatabase
  if (db === '') throw databaseNameRequired()
  return db
}

/** SHOW MEASUREMENTS [WITH MEASUREMENT …] [WHERE …] [LIMIT] [OFFSET]. */
export async function* showMeasurements(
  stmt: ShowMeasurementsStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const db = databaseOf(stmt, ctx)
  const cond = sourcesCondition(stmt.source === null ? [] : [stmt.source], stmt.condition)
  const index = new DatabaseIndex(shardsOfDatabase(ctx, db))
  let names: string[]
  try {
    names = measurementNamesByExpr(index, cond)
  } catch (err) {
    yield { error: messageOf(err) }
    return
  }
  names = page(names, stmt.offset, stmt.limit)
  if (names.length === 0) {
    yield {}
    return
  }
  yield { series: [{ name: 'measurements', columns: ['name'], values: names.map((n) => [n]) }] }
}

/** The shards of `db` (any retention policy) whose groups overlap the condition's time range. */
function shardsInRange(
  ctx: ExecutionContext,
  db: string,
  cond: Expr | null,
): { condition: Expr | null; any: boolean } {
  const info = ctx.meta.data.database(db)
  if (info === undefined) throw databaseNotFound(db)
  const { condition, range } = conditionExpr(cond, ctx.nowNs())
  const open = new Set(shardsOfDatabase(ctx, db).map((s) => s.id))
  let any = false
  for (const rp of info.retentionPolicies) {
    for (const sg of ctx.meta.data.shardGroupsByTimeRange(
      db,
      rp.name,
      rangeMin(range),
      rangeMax(range),
    )) {
      if (sg.shards.some((s) => open.has(Number(s.id)))) any = true
    }
  }
  return { condition, any }
}

/** SHOW TAG KEYS [FROM …] [WHERE …] [LIMIT] [OFFSET]: one row per measurement. */
export async function* showTagKeys(
  stmt: ShowTagKeysStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const db = databaseOf(stmt, ctx)
  const { condition, any } = shardsInRange(ctx, db, sourcesCondition(stmt.sources, stmt.condition))
  let emitted = false
  if (any) {
    const index = new DatabaseIndex(shardsOfDatabase(ctx, db))
    let rows: { name: string; keys: string[] }[]
    try {
      rows = tagKeysOf(index, condition)
    } catch (err) {
      yield { error: messageOf(err) }
      return
    }
    for (const row of rows) {
      const keys = page(row.keys, stmt.offset, stmt.limit)
      if (keys.length === 0) continue
      emitted = true
      yield { series: [{ name: row.name, columns: ['tagKey'], values: keys.map((k) => [k]) }] }
    }
  }
  if (!emitted) yield {}
}

function tagKeysOf(index: DatabaseIndex, cond: Expr | null): { name: string; keys: string[] }[] {
  const filter = tagPart(cond)
  const out: { name: string; keys: string[] }[] = []
  for (const name of measurementNamesByExpr(index, measurementPart(cond))) {
    const m = index.measurement(name)
    if (m === undefined) continue
    const keys = m.tagKeys()
    if (keys.length === 0) continue
    if (filter === null) {
      out.push({ name, keys })
      continue
    }
    const selected = selectSeries(m, filter)
    const present = new Set<string>()
    for (const s of selected?.keys() ?? [])
      for (const t of m.series().get(s) ?? []) present.add(t.key)
    out.push({ name, keys: keys.filter((k) => present.has(k)) })
  }
  return out
}

/** SHOW TAG VALUES [FROM …] WITH KEY … [WHERE …] [LIMIT] [OFFSET]: one row per measurement. */
export async function* showTagValues(
  stmt: ShowTagValuesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const db = databaseOf(stmt, ctx)
  const withKey = tagKeyCondition(stmt)
  const full = stmt.condition === null ? withKey : and(stmt.condition, withKey)
  const { condition, any } = shardsInRange(ctx, db, sourcesCondition(stmt.sources, full))
  let emitted = false
  if (any && condition !== null) {
    const index = new DatabaseIndex(shardsOfDatabase(ctx, db))
    let rows: { name: string; values: QueryCell[][] }[]
    try {
      rows = tagValuesOf(index, condition)
    } catch (err) {
      yield { error: messageOf(err) }
      return
    }
    for (const row of rows) {
      const values = page(row.values, stmt.offset, stmt.limit)
      if (values.length === 0) continue
      emitted = true
      yield { series: [{ name: row.name, columns: ['key', 'value'], values }] }
    }
  }
  if (!emitted) yield {}
}

function and(lhs: Expr, rhs: Expr): Expr {
  return {
    kind: 'BinaryExpr',
    op: 'AND',
    lhs: { kind: 'ParenExpr', expr: lhs },
    rhs: { kind: 'ParenExpr', expr: rhs },
  }
}

function tagValuesOf(index: DatabaseIndex, cond: Expr): { name: string; values: QueryCell[][] }[] {
  const filter = tagPart(cond)
  const out: { name: string; values: QueryCell[][] }[] = []
  for (const name of measurementNamesByExpr(index, measurementPart(cond))) {
    const m = index.measurement(name)
    if (m === undefined) continue
    const keys = tagKeysByExpr(m.tagKeys(), cond)
    if (keys === null || keys.length === 0) continue
    const values: QueryCell[][] = []
    if (filter === null) {
      for (const k of keys) for (const v of m.tagValues(k)) values.push([k, v])
    } else {
      const selected = selectSeries(m, filter)
      const wanted = new Set(keys)
      const byKey = new Map<string, Set<string>>()
      for (const s of selected?.keys() ?? []) {
        for (const t of m.series().get(s) ?? []) {
          if (!wanted.has(t.key)) continue
          let set = byKey.get(t.key)
          if (set === undefined) byKey.set(t.key, (set = new Set()))
          set.add(t.value)
        }
      }
      for (const k of keys)
        for (const v of [...(byKey.get(k) ?? [])].sort(compareStrings)) values.push([k, v])
    }
    if (values.length > 0) out.push({ name, values })
  }
  return out
}

/** SHOW SERIES CARDINALITY (estimated): the distinct series of the database's shards. */
export async function* showSeriesCardinality(
  stmt: ShowSeriesCardinalityStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const db = databaseOf(stmt, ctx)
  const n = new DatabaseIndex(shardsOfDatabase(ctx, db)).seriesCount()
  yield { series: [{ columns: ['cardinality estimation'], values: [[BigInt(n)]] }] }
}

/** SHOW MEASUREMENT CARDINALITY (estimated): the measurements of the database's shards. */
export async function* showMeasurementCardinality(
  stmt: ShowMeasurementCardinalityStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const db = databaseOf(stmt, ctx)
  const n = new DatabaseIndex(shardsOfDatabase(ctx, db)).measurementNames().length
  yield { series: [{ columns: ['cardinality estimation'], values: [[BigInt(n)]] }] }
}

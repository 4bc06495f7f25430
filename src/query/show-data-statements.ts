// The SHOW statements InfluxDB 1.6 rewrites into SELECTs over system fields and iterators: SHOW
// FIELD KEYS, SHOW SERIES, the EXACT cardinalities and the TAG KEY / TAG VALUES / FIELD KEY
// cardinalities. They read the shards of the source's retention policy (the default one unless
// the FROM names another), so their answers can differ from the index-based statements'. Counts
// are per measurement (`count(distinct(_tagKey))` …), summed over shards where InfluxDB sums.

import type {
  Dimension,
  Expr,
  ShowFieldKeyCardinalityStatement,
  ShowFieldKeysStatement,
  ShowMeasurementCardinalityStatement,
  ShowSeriesCardinalityStatement,
  ShowSeriesStatement,
  ShowTagKeyCardinalityStatement,
  ShowTagValuesCardinalityStatement,
} from '../influxql/index.js'
import type { Tag } from '../engine/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import { conditionExpr, hasTimeExpr } from './condition.js'
import {
  DatabaseIndex,
  compareStrings,
  makeSeriesKey,
  sortByTags,
  sortStrings,
} from './database-index.js'
import { StatementError } from './errors.js'
import { evalBool } from './eval-tags.js'
import { measurementNamesByExpr, sourcesCondition } from './measurement-filter.js'
import type { QueryCell, QueryRow } from './result.js'
import { shardsOfDatabase } from './series-statements.js'
import { selectSeries } from './series-filter.js'
import { ALL_MEASUREMENTS, mapSources, shardFields, shardSeries } from './source-mapping.js'
import { page } from './show-index-statements.js'
import { tagKeyCondition } from './tag-key-filter.js'

/**
 * The parts a SELECT's emitter would send for `rows`: rows longer than `chunkSize` split into
 * chunks (the row marked partial while it continues), and every part but the last marked partial.
 */
export function emitRows(rows: readonly QueryRow[], chunkSize: number): ResultPart[] {
  const parts: ResultPart[] = []
  for (const row of rows) {
    const values = row.values ?? []
    const size = chunkSize > 0 ? chunkSize : values.length || 1
    for (let i = 0; i < values.length || i === 0; i += size) {
      const chunk = values.slice(i, i + size)
      const more = i + size < values.length
      parts.push({
        series: [{ ...row, values: chunk, ...(more && { partial: true }) }],
        partial: true,
      })
      if (values.length === 0) break
    }
  }
  const last = parts[parts.length - 1]
  if (last === undefined) return [{ series: [] }]
  parts[parts.length - 1] = { series: last.series ?? [] }
  return parts
}

type Cardinality =
  | ShowSeriesCardinalityStatement
  | ShowMeasurementCardinalityStatement
  | ShowTagKeyCardinalityStatement
  | ShowTagValuesCardinalityStatement
  | ShowFieldKeyCardinalityStatement

function dimensionKeys(dims: readonly Dimension[]): string[] {
  return dims
    .map((d) => {
      if (d.expr.kind !== 'VarRef')
        throw new StatementError('only tag keys are supported in GROUP BY here')
      return d.expr.name
    })
    .sort(compareStrings)
}

function groupValues(tags: readonly Tag[], dims: readonly string[]): string[] {
  return dims.map((d) => tags.find((t) => t.key === d)?.value ?? '')
}

interface Group {
  readonly name: string
  readonly tags: Record<string, string>
  readonly items: Set<string>
  count: number
  /** The last shard whose field keys were added (FIELD KEY CARDINALITY). */
  lastShard: number
}

/** Whether every variable `expr` reads is `name` (so its verdict depends on that alone). */
function readsOnly(expr: Expr, name: string): boolean {
  switch (expr.kind) {
    case 'VarRef':
      return expr.name === name
    case 'BinaryExpr':
      return readsOnly(expr.lhs, name) && readsOnly(expr.rhs, name)
    case 'ParenExpr':
      return readsOnly(expr.expr, name)
    case 'Call':
      return expr.args.every((a) => readsOnly(a, name))
    default:
      return true
  }
}

/** The EXACT cardinalities and the key/value cardinalities: one count per measurement (and group). */
export async function* showCardinality(
  stmt: Cardinality,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  let cond = stmt.condition
  if (stmt.kind === 'ShowTagValuesCardinalityStatement') {
    const withKey = tagKeyCondition(stmt)
    cond =
      cond === null
        ? withKey
        : {
            kind: 'BinaryExpr',
            op: 'AND',
            lhs: { kind: 'ParenExpr', expr: cond },
            rhs: { kind: 'ParenExpr', expr: withKey },
          }
  }
  const { condition, range } = conditionExpr(cond, ctx.nowNs())
  const sources = stmt.sources.length > 0 ? stmt.sources : [ALL_MEASUREMENTS]
  const dims = dimensionKeys(stmt.dimensions)
  const groups = new Map<string, Group>()
  const stripName = stmt.kind === 'ShowMeasurementCardinalityStatement'
  // A WITH KEY condition alone decides per tag key: evaluate it once per key.
  const byKeyOnly = condition !== null && readsOnly(condition, '_tagKey')
  const keyVerdicts = new Map<string, boolean>()
  const tagMatches = (vars: Map<string, string>, key: string): boolean => {
    if (condition === null) return true
    if (!byKeyOnly) return evalBool(condition, vars)
    let v = keyVerdicts.get(key)
    if (v === undefined) keyVerdicts.set(key, (v = evalBool(condition, vars)))
    return v
  }
  for (const src of mapSources(ctx, sources, stmt.database, range)) {
    for (const name of src.names) {
      for (const shard of src.shards) {
        for (const s of shardSeries(shard, name, condition)) {
          const values = dims.length === 0 ? [] : groupValues(s.tags, dims)
          const id = `${stripName ? '' : name}\u0000${values.join('\u0000')}`
          let g = groups.get(id)
          if (g === undefined) {
            const tags: Record<string, string> = {}
            dims.forEach((d, i) => (tags[d] = values[i] ?? ''))
            groups.set(
              id,
              (g = {
                name: stripName ? '' : name,
                tags,
                items: new Set(),
                count: 0,
                lastShard: -1,
              }),
            )
          }
          switch (stmt.kind) {
            case 'ShowSeriesCardinalityStatement':
              g.count++
              break
            case 'ShowMeasurementCardinalityStatement':
              g.items.add(name)
              break
            case 'ShowTagKeyCardinalityStatement':
              for (const t of s.tags) g.items.add(t.key)
              break
            case 'ShowTagValuesCardinalityStatement': {
              let vars: Map<string, string> | undefined
              for (const t of s.tags) {
                const known = byKeyOnly ? keyVerdicts.get(t.key) : undefined
                let ok = known
                if (ok === undefined) {
                  vars ??= new Map(s.tags.map((x) => [x.key, x.value]))
                  vars.set('_tagKey', t.key)
                  ok = tagMatches(vars, t.key)
                }
                if (ok) g.items.add(t.value)
              }
              break
            }
            case 'ShowFieldKeyCardinalityStatement':
              if (g.lastShard !== shard.id) {
                g.lastShard = shard.id
                for (const f of shardFields(shard, name).keys()) g.items.add(f)
              }
              break
            default: {
              const never: never = stmt
              throw new Error(`unexpected statement ${String(never)}`)
            }
          }
        }
      }
    }
  }
  const rows = [...groups.values()]
    .map((g) => ({ g, n: stmt.kind === 'ShowSeriesCardinalityStatement' ? g.count : g.items.size }))
    .filter(({ n }) => n > 0)
    .sort(
      (a, b) =>
        compareStrings(a.g.name, b.g.name) ||
        compareStrings(
          Object.values(a.g.tags).join('\u0000'),
          Object.values(b.g.tags).join('\u0000'),
        ),
    )
  const out: QueryRow[] = []
  for (const { g, n } of rows) {
    const values = page<QueryCell[]>([[BigInt(n)]], stmt.offset, stmt.limit)
    if (values.length === 0) continue
    out.push({
      ...(g.name !== '' && { name: g.name }),
      ...(dims.length > 0 && { tags: g.tags }),
      columns: ['count'],
      values,
    })
  }
  yield* emitRows(out, ctx.request.chunkSize)
}

/** SHOW FIELD KEYS [ON db] [FROM …] [LIMIT] [OFFSET]: one row per measurement. */
export async function* showFieldKeys(
  stmt: ShowFieldKeysStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const sources = stmt.sources.length > 0 ? stmt.sources : [{ ...ALL_MEASUREMENTS, regex: null }]
  const mapped = mapSources(ctx, sources, stmt.database, {}, true)
  const fields = new Map<string, Map<string, string>>()
  const nameCond = sourcesCondition(stmt.sources, null)
  for (const src of mapped) {
    if (src.shards.length === 0) continue
    const index = new DatabaseIndex(shardsOfDatabase(ctx, src.database))
    for (const shard of src.shards) {
      for (const name of measurementNamesByExpr(index, nameCond)) {
        for (const [field, type] of shardFields(shard, name)) {
          let m = fields.get(name)
          if (m === undefined) fields.set(name, (m = new Map()))
          m.set(`${field}\u0000${type}`, field)
        }
      }
    }
  }
  const rows: QueryRow[] = []
  for (const name of [...fields.keys()].sort(compareStrings)) {
    const entries = [...(fields.get(name)?.keys() ?? [])].sort(compareStrings)
    const values = page(
      entries.map((e): QueryCell[] => e.split('\u0000')),
      stmt.offset,
      stmt.limit,
    )
    if (values.length > 0) rows.push({ name, columns: ['fieldKey', 'fieldType'], values })
  }
  yield* emitRows(rows, ctx.request.chunkSize)
}

const SERIES_OPS = new Set(['=', '!=', '=~', '!~', 'AND', 'OR'])

function checkSeriesOperators(e: Expr | null): void {
  if (e === null) return
  if (e.kind === 'ParenExpr') return checkSeriesOperators(e.expr)
  if (e.kind !== 'BinaryExpr') return
  if (!SERIES_OPS.has(e.op)) throw new StatementError('invalid tag comparison operator')
  checkSeriesOperators(e.lhs)
  checkSeriesOperators(e.rhs)
}

/**
 * SHOW SERIES. Without time in the WHERE clause InfluxDB reads its index (every series of the
 * database, as soon as the default retention policy has a shard); with time it reads the
 * series of the shards in that time range.
 */
export async function* showSeries(
  stmt: ShowSeriesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const { condition, range } = conditionExpr(stmt.condition, ctx.nowNs())
  let keys: string[]
  if (!hasTimeExpr(stmt.condition)) {
    const mapped = mapSources(
      ctx,
      stmt.sources.length > 0 ? stmt.sources : [{ ...ALL_MEASUREMENTS, regex: null }],
      stmt.database,
      {},
      true,
    )
    const cond = sourcesCondition(stmt.sources, stmt.condition)
    keys = []
    const first = mapped.find((m) => m.shards.length > 0)
    if (first !== undefined) {
      checkSeriesOperators(cond)
      const index = new DatabaseIndex(shardsOfDatabase(ctx, first.database))
      for (const name of index.measurementNames()) {
        const view = index.measurement(name)
        if (view === undefined) continue
        const series = view.series()
        const own: (readonly Tag[])[] = []
        if (cond === null) {
          for (const tags of series.values()) own.push(tags)
        } else {
          const selected = selectSeries(view, cond)
          if (selected === null) continue
          for (const k of selected.keys()) own.push(series.get(k) ?? [])
        }
        for (const tags of sortByTags(own, (t) => t)) keys.push(makeSeriesKey(name, tags))
      }
    }
  } else {
    const set = new Set<string>()
    for (const src of mapSources(
      ctx,
      stmt.sources.length > 0 ? stmt.sources : [ALL_MEASUREMENTS],
      stmt.database,
      range,
    )) {
      for (const name of src.names) {
        for (const shard of src.shards)
          for (const s of shardSeries(shard, name, condition)) set.add(makeSeriesKey(name, s.tags))
      }
    }
    keys = sortStrings([...set])
  }
  const values = page(keys, stmt.offset, stmt.limit)
  yield* emitRows(
    values.length === 0 ? [] : [{ columns: ['key'], values: values.map((k) => [k]) }],
    ctx.request.chunkSize,
  )
}

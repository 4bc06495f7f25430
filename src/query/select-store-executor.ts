// The SelectExecutor over the local store (issue #4): expands schema wildcards (`mean(*)`), plans
// the statement (select-plan.ts), maps its sources to shards over the time range (widened for
// transformations that read earlier windows), runs subqueries first and reads their rows as
// measurements, runs the engine tag set by tag set (select-engine.ts) and emits the rows as
// InfluxDB's emitter does (parts of at most chunk_size values, cut series marked partial).
// SELECT … INTO writes the rows back through an IntoWriter; EXPLAIN lists the plan's iterators.

import type { ExplainStatement, Measurement, SelectStatement } from '../influxql/index.js'
import { conditionExpr, rangeMax, rangeMin } from './condition.js'
import type { ResultPart } from './context.js'
import { NotImplementedError, StatementError } from './errors.js'
import type { QueryCell, QueryRow } from './result.js'
import { runEngine } from './select-engine.js'
import type { SelectContext, SelectExecutor } from './select-executor.js'
import {
  defaultLibrary,
  type FunctionLibrary,
  planSelect,
  type PlanOptions,
  type TimeInterval,
} from './select-plan.js'
import {
  type EngineSource,
  mergeSameName,
  storeSource,
  subquerySources,
} from './select-engine-source.js'
import { type IntoWriter, writeInto } from './select-into.js'
import type { SelectStorage } from './select-source.js'
import { higherFieldType, resolveSources, schemaOf } from './select-source.js'
import {
  expandedToNothing,
  expandSchemaWildcards,
  hasSchemaWildcards,
  withWildcardStandIns,
} from './select-wildcards.js'
import type { FieldType } from '../lineprotocol/index.js'
import { explainPlan } from './select-explain.js'

/** Runs SELECT statements against the metastore and the local shards. */
export class StoreSelectExecutor implements SelectExecutor {
  readonly #storage: SelectStorage
  readonly #into: IntoWriter | undefined
  readonly #lib: FunctionLibrary

  /** Without `into`, SELECT … INTO fails as not implemented. */
  constructor(storage: SelectStorage, into?: IntoWriter, lib: FunctionLibrary = defaultLibrary) {
    this.#storage = storage
    this.#into = into
    this.#lib = lib
  }

  /** This executor over `ctx.store` when the statement brings its own shards, else itself. */
  #over(ctx: SelectContext): { executor: StoreSelectExecutor; ctx: SelectContext } | undefined {
    if (ctx.store === undefined) return undefined
    const { store, ...rest } = ctx
    return {
      executor: new StoreSelectExecutor({ meta: this.#storage.meta, store }, this.#into, this.#lib),
      ctx: rest,
    }
  }

  async *select(stmt: SelectStatement, ctx: SelectContext): AsyncIterable<ResultPart> {
    const over = this.#over(ctx)
    if (over !== undefined) return yield* over.executor.select(stmt, over.ctx)
    if (stmt.target !== null) {
      if (this.#into === undefined) throw new NotImplementedError('SELECT INTO')
      const m = stmt.target.measurement
      // As InfluxDB: nulls are never written, so fill(null) becomes fill(none) (count's 0s too).
      const rows: QueryRow[] = []
      for await (const r of this.stream(
        { ...stmt, fill: stmt.fill === 'null' && !stmt.isRawQuery ? 'none' : stmt.fill },
        ctx.nowNs,
        ctx.signal,
        undefined,
        ctx.limits,
      ))
        rows.push(r)
      const written = await writeInto(
        this.#into,
        { database: m.database, retentionPolicy: m.retentionPolicy, measurement: m.name },
        rows,
      )
      yield {
        series: [
          {
            name: 'result',
            columns: ['time', 'written'],
            values: [[{ kind: 'time', ns: 0n }, BigInt(written)]],
          },
        ],
      }
      return
    }
    // InfluxDB's emitter: one part per row of at most chunkSize values; a series cut by the
    // chunk size is marked partial, and every part but the last says more parts follow.
    const size = ctx.chunkSize
    let cur:
      | {
          name?: string
          tags?: Readonly<Record<string, string>>
          columns: readonly string[]
          values: (readonly QueryCell[])[]
          partial?: boolean
        }
      | undefined
    for await (const row of this.stream(stmt, ctx.nowNs, ctx.signal, undefined, ctx.limits)) {
      for (const v of row.values ?? []) {
        if (cur !== undefined && sameSeries(cur, row) && (size <= 0 || cur.values.length < size)) {
          cur.values.push(v)
          continue
        }
        if (cur !== undefined) {
          if (sameSeries(cur, row)) cur.partial = true
          yield { series: [cur], partial: true }
        }
        cur = {
          ...(row.name !== undefined && { name: row.name }),
          ...(row.tags !== undefined && { tags: row.tags }),
          columns: row.columns,
          values: [v],
        }
      }
    }
    yield cur !== undefined ? { series: [cur] } : {}
  }

  async *explain(stmt: ExplainStatement, ctx: SelectContext): AsyncIterable<ResultPart> {
    const over = this.#over(ctx)
    if (over !== undefined) return yield* over.executor.explain(stmt, over.ctx)
    if (stmt.analyze) throw new NotImplementedError('EXPLAIN ANALYZE')
    const sel = this.#expandWildcards(stmt.statement, ctx.nowNs)
    if (sel === undefined) {
      // No iterator to explain: InfluxDB's plan is one empty line.
      yield { series: [{ columns: ['QUERY PLAN'], values: [['']] }] }
      return
    }
    const plan = planSelect(sel, ctx.nowNs, this.#lib)
    const minNs = rangeMin(plan.range)
    const maxNs =
      plan.interval !== null && plan.range.maxNs === undefined ? ctx.nowNs : rangeMax(plan.range)
    const measurements = sel.sources.filter((s): s is Measurement => s.kind === 'Measurement')
    if (measurements.length !== sel.sources.length)
      throw new NotImplementedError('EXPLAIN of subqueries')
    const sources = minNs > maxNs ? [] : resolveSources(this.#storage, measurements, minNs, maxNs)
    yield { series: [await explainPlan(plan, sources, minNs, maxNs)] }
  }

  /**
   * `mean(*)`, `max(/re/)` and `/re/` in the select list, expanded over the sources' fields
   * (InfluxDB's RewriteFields), after the checks InfluxDB makes before expanding; undefined when
   * they match no field, so nothing is read. Subqueries' columns are not expanded over: with one,
   * an empty expansion still fails.
   */
  #expandWildcards(
    stmt: SelectStatement,
    nowNs: bigint,
    popt: PlanOptions = {},
  ): SelectStatement | undefined {
    if (!hasSchemaWildcards(stmt)) return stmt
    planSelect(withWildcardStandIns(stmt), nowNs, this.#lib, popt)
    const { range } = conditionExpr(stmt.condition, nowNs)
    const measurements = stmt.sources.filter((s): s is Measurement => s.kind === 'Measurement')
    const fields = new Map<string, FieldType>()
    const tagKeys = new Set<string>()
    for (const source of resolveSources(
      this.#storage,
      measurements,
      rangeMin(range),
      rangeMax(range),
    )) {
      const schema = schemaOf(source)
      for (const [f, t] of schema.fields) fields.set(f, higherFieldType(fields.get(f), t))
      for (const k of schema.tagKeys) tagKeys.add(k)
    }
    const expanded = expandSchemaWildcards(stmt, fields, [...tagKeys])
    return expandedToNothing(expanded) && measurements.length === stmt.sources.length
      ? undefined
      : expanded
  }

  /** The result rows of `stmt` with now() at `nowNs`. */
  async rows(stmt: SelectStatement, nowNs: bigint): Promise<QueryRow[]> {
    const out: QueryRow[] = []
    for await (const r of this.stream(stmt, nowNs)) out.push(r)
    return out
  }

  /** The result rows of `stmt`, tag set by tag set; `outer` when it is a subquery of another. */
  async *stream(
    statement: SelectStatement,
    nowNs: bigint,
    signal?: AbortSignal,
    outer?: OuterQuery,
    limits?: { addPoints(n: number): void },
  ): AsyncGenerator<QueryRow> {
    const popt: PlanOptions = { inheritInterval: outer?.interval ?? null }
    const stmt = this.#expandWildcards(statement, nowNs, popt)
    if (stmt === undefined) return
    const plan = planSelect(stmt, nowNs, this.#lib, popt)
    let minNs = rangeMin(plan.range)
    // With GROUP BY time an unbounded range ends at now(), as InfluxDB does.
    let maxNs =
      plan.interval !== null && plan.range.maxNs === undefined ? nowNs : rangeMax(plan.range)
    if (outer !== undefined) {
      if (outer.minNs > minNs) minNs = outer.minNs
      if (outer.maxNs < maxNs) maxNs = outer.maxNs
    }
    if (minNs > maxNs) return
    const extra =
      plan.interval === null ? 0n : plan.interval.durationNs * BigInt(plan.extraIntervals)
    const measurements = stmt.sources.filter((s): s is Measurement => s.kind === 'Measurement')
    const sources: EngineSource[] = resolveSources(
      this.#storage,
      measurements,
      minNs - extra,
      maxNs + extra,
    ).map(storeSource)
    for (const src of stmt.sources) {
      if (src.kind !== 'SubQuery') continue
      const inner = src.statement
      const sort = inner.sortFields[0]
      if (sort !== undefined && sort.ascending !== plan.ascending)
        throw new StatementError(
          'subqueries must be ordered in the same direction as the query itself',
        )
      const ownInterval = inner.dimensions.some(
        (d) => d.expr.kind === 'Call' && d.expr.name === 'time',
      )
      const innerStmt: SelectStatement = {
        ...inner,
        sortFields: plan.ascending ? [] : [{ name: 'time', ascending: false }],
        // As InfluxDB: a subquery with its own GROUP BY time fills with nothing rather than null.
        fill: ownInterval && inner.fill === 'null' ? 'none' : inner.fill,
      }
      const rows: QueryRow[] = []
      for await (const r of this.stream(
        innerStmt,
        nowNs,
        signal,
        { minNs, maxNs, interval: plan.interval },
        limits,
      ))
        rows.push(r)
      sources.push(...subquerySources(rows))
    }
    yield* runEngine({
      plan,
      sources: mergeSameName(sources),
      minNs,
      maxNs,
      lib: this.#lib,
      ...(signal !== undefined && { signal }),
      ...(limits !== undefined && { limits }),
    })
  }
}

/** What a subquery inherits from the query around it. */
interface OuterQuery {
  readonly minNs: bigint
  readonly maxNs: bigint
  readonly interval: TimeInterval | null
}

function sameSeries(
  a: {
    readonly name?: string
    readonly tags?: Readonly<Record<string, string>>
    readonly columns: readonly string[]
  },
  b: QueryRow,
): boolean {
  if (a.name !== b.name || a.columns.length !== b.columns.length) return false
  const at = Object.entries(a.tags ?? {})
  const bt = b.tags ?? {}
  return at.length === Object.keys(bt).length && at.every(([k, v]) => bt[k] === v)
}

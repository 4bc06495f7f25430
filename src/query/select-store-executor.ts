// The SelectExecutor over the local store (issue #4): raw selects and aggregates or selectors, on tag conditions and a time range. It plans the statement,
// maps its sources to shards, checks that WHERE names only tags, runs the plan and answers one
// result part (or an empty one). GROUP BY time(…) runs windowed with fill(); SELECT … INTO writes
// the rows back through an IntoWriter. EXPLAIN and everything else not yet built fail with
// `… is not implemented yet`.

import type { ExplainStatement, SelectStatement } from '../influxql/index.js'
import { rangeMax, rangeMin } from './condition.js'
import type { ResultPart } from './context.js'
import { NotImplementedError } from './errors.js'
import type { QueryRow } from './result.js'
import { runAggregate } from './select-aggregate.js'
import type { SelectContext, SelectExecutor } from './select-executor.js'
import { planSelect } from './select-plan.js'
import { runRaw } from './select-raw.js'
import { runWindowed } from './select-window.js'
import { type IntoWriter, writeInto } from './select-into.js'
import type { SelectStorage } from './select-source.js'
import { conditionNames, resolveSources, schemaOf } from './select-source.js'

/** Runs SELECT statements against the metastore and the local shards. */
export class StoreSelectExecutor implements SelectExecutor {
  readonly #storage: SelectStorage
  readonly #into: IntoWriter | undefined

  /** Without `into`, SELECT … INTO fails as not implemented. */
  constructor(storage: SelectStorage, into?: IntoWriter) {
    this.#storage = storage
    this.#into = into
  }

  async *select(stmt: SelectStatement, ctx: SelectContext): AsyncIterable<ResultPart> {
    if (stmt.target !== null) {
      if (this.#into === undefined) throw new NotImplementedError('SELECT INTO')
      const m = stmt.target.measurement
      // As InfluxDB: nulls are never written, so fill(null) becomes fill(none) (count's 0s too).
      const rows = await this.rows({ ...stmt, target: null, fill: stmt.fill === 'null' && !stmt.isRawQuery ? 'none' : stmt.fill }, ctx.nowNs)
      const written = await writeInto(this.#into, { database: m.database, retentionPolicy: m.retentionPolicy, measurement: m.name }, rows)
      yield { series: [{ name: 'result', columns: ['time', 'written'], values: [[{ kind: 'time', ns: 0n }, BigInt(written)]] }] }
      return
    }
    const series = await this.rows(stmt, ctx.nowNs)
    yield series.length > 0 ? { series } : {}
  }

  // eslint-disable-next-line require-yield
  async *explain(): AsyncIterable<ResultPart> {
    throw new NotImplementedError('EXPLAIN')
  }

  /** The result rows of `stmt` with now() at `nowNs`. */
  async rows(stmt: SelectStatement, nowNs: bigint): Promise<QueryRow[]> {
    const plan = planSelect(stmt, nowNs)
    const minNs = rangeMin(plan.range)
    // With GROUP BY time an unbounded range ends at now(), as InfluxDB does.
    const maxNs = plan.interval !== null && plan.range.maxNs === undefined ? nowNs : rangeMax(plan.range)
    if (minNs > maxNs) return []
    const sources = resolveSources(this.#storage, stmt.sources, minNs, maxNs)
    const names = conditionNames(plan.condition)
    for (const source of sources) {
      const schema = schemaOf(source)
      for (const n of names) {
        if (schema.fields.has(n) && !schema.tagKeys.includes(n)) throw new NotImplementedError('WHERE on fields')
      }
    }
    if (plan.mode === 'raw') return runRaw(plan, sources, minNs, maxNs, stmt.limit, stmt.offset, stmt.sLimit, stmt.sOffset)
    if (plan.interval !== null) return runWindowed(plan, plan.interval, sources, minNs, maxNs, stmt.limit, stmt.offset, stmt.sLimit, stmt.sOffset)
    if (stmt.offset > 0) return []
    return runAggregate(plan, sources, minNs, maxNs, stmt.sLimit, stmt.sOffset)
  }
}

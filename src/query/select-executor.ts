// The seam for SELECT and EXPLAIN: the statement executor normalises the statement (default
// database and retention policy, `database not found`) and hands it to a SelectExecutor. Until
// the query engine lands (issue #4) the default one answers `SELECT is not implemented yet`.

import type { ExplainStatement, SelectStatement } from '../influxql/index.js'
import type { ResultPart } from './context.js'
import { NotImplementedError } from './errors.js'
import type { SelectLimits } from './query-limits.js'
import type { SelectStorage } from './select-source.js'

/** What a SELECT runs with. */
export interface SelectContext {
  /** The request's `db` parameter. */
  readonly database: string
  readonly retentionPolicy: string
  readonly chunkSize: number
  readonly readOnly: boolean
  /** The current time in ns, for now() and time ranges. */
  readonly nowNs: bigint
  /**
   * Aborted when the client leaves, the server closes, KILL QUERY is used or the query-timeout
   * fires. The engine should check it between series and blocks and stop reading; the executor
   * answers with the abort's text itself.
   */
  readonly signal: AbortSignal
  /**
   * The [coordinator] select limits (absent: none). The engine calls `limits.addPoints(n)` as it
   * reads values (max-select-point). max-select-series and max-select-buckets (with a lower time
   * bound) are checked by the statement executor before the SELECT runs.
   */
  readonly limits?: SelectLimits
  /** The shards this statement reads (a cluster's per-statement view); absent: the executor's own. */
  readonly store?: SelectStorage['store']
}

/** Runs SELECT and EXPLAIN statements (already normalised). */
export interface SelectExecutor {
  /** Yields the statement's result parts (rows, in chunks); throws to fail the statement. */
  select(stmt: SelectStatement, ctx: SelectContext): AsyncIterable<ResultPart>
  /** EXPLAIN [ANALYZE] SELECT …: the plan as rows of a `QUERY PLAN` column. */
  explain(stmt: ExplainStatement, ctx: SelectContext): AsyncIterable<ResultPart>
}

/** The SelectExecutor used until the query engine exists: every SELECT fails. */
export const notImplementedSelectExecutor: SelectExecutor = {
  async *select(): AsyncIterable<ResultPart> {
    throw new NotImplementedError('SELECT')
  },

  async *explain(): AsyncIterable<ResultPart> {
    throw new NotImplementedError('SELECT')
  },
}

// The continuous query service (InfluxDB 1.6's services/continuous_querier): every run-interval
// it looks at the CQs stored in the metastore and runs each one whose next run is due, over the
// time range its schedule gives (cq-schedule.ts), through the statement executor as
// `SELECT … INTO … WHERE <its condition> AND time >= start AND time < end`. Last runs are kept in
// memory per CQ (database + name), as InfluxDB does, so a restarted node starts afresh.

import type { CreateContinuousQueryStatement } from '../influxql/index.js'
import { formatRFC3339Nano, formatStatement, parseStatement } from '../influxql/index.js'
import { StatementError } from '../query/index.js'
import { planRun, scheduleOf, withTimeRange } from './cq-schedule.js'

/** The metastore as the service reads it. */
export interface CQMeta {
  readonly data: {
    readonly databases: readonly {
      readonly name: string
      readonly defaultRetentionPolicy: string
      readonly continuousQueries: readonly { readonly name: string; readonly query: string }[]
    }[]
  }
}

/** One result of the executed SELECT … INTO (the statement executor's StatementResult). */
export interface CQResult {
  readonly series?: readonly { readonly values?: readonly (readonly unknown[])[] }[]
  readonly error?: string
}

/** Runs one query text against `database` and yields its results (the statement executor). */
export type CQQueryRunner = (
  query: string,
  database: string,
  signal: AbortSignal,
) => AsyncIterable<CQResult>

/** The logger the service writes to; pino's Logger satisfies it. */
export interface CQLogger {
  info(fields: object, msg: string): void
  error(fields: object, msg: string): void
}

/** What a ContinuousQueryService is built from. */
export interface ContinuousQueryServiceOptions {
  readonly meta: CQMeta
  readonly run: CQQueryRunner
  /** `[continuous_queries] run-interval`, ms. */
  readonly runIntervalMs: number
  /** `[continuous_queries] log-enabled`: log each execution. */
  readonly logEnabled: boolean
  readonly logger: CQLogger
  /** The current time in ns (default: the system clock). */
  readonly now?: () => bigint
  /**
   * Whether this process runs the CQs now (default: always). In a cluster every data node has
   * the service, and only one of them may run each CQ, or its INTO points would be written as
   * many times as there are data nodes (cq-leader.ts decides, probing the other nodes).
   */
  readonly runsHere?: () => boolean | Promise<boolean>
}

/** The service's counters (SHOW STATS `cq`). */
export interface CQStatistics {
  queryOk: number
  queryFail: number
}

const ID_DELIMITER = '\u001f'

/**
 * Runs the continuous queries of every database on schedule. `start()` begins the loop and
 * `close()` stops it and waits for a run in flight; both are idempotent. Not reentrant: runs never
 * overlap.
 */
export class ContinuousQueryService {
  readonly #options: ContinuousQueryServiceOptions
  readonly #now: () => bigint
  readonly #lastRuns = new Map<string, bigint>()
  readonly #abort = new AbortController()
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> = Promise.resolve()
  #status: 'new' | 'open' | 'closed' = 'new'
  /** Live counters of successful and failed executions. */
  readonly statistics: CQStatistics = { queryOk: 0, queryFail: 0 }

  constructor(options: ContinuousQueryServiceOptions) {
    this.#options = options
    this.#now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n)
  }

  /** Starts checking every run-interval. */
  start(): void {
    if (this.#status !== 'new') return
    this.#status = 'open'
    this.#schedule()
  }

  /** Stops the loop and waits for the run in flight (its query is aborted). */
  async close(): Promise<void> {
    if (this.#status === 'closed') return
    this.#status = 'closed'
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#abort.abort()
    await this.#running
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#running = this.runDue(this.#now()).finally(() => {
        if (this.#status === 'open') this.#schedule()
      })
    }, this.#options.runIntervalMs)
  }

  /**
   * Runs every CQ that is due at `nowNs` (what each tick does). Failures are logged and counted,
   * never thrown.
   */
  async runDue(nowNs: bigint): Promise<void> {
    if ((await this.#options.runsHere?.()) === false) return
    for (const db of this.#options.meta.data.databases) {
      for (const cq of db.continuousQueries) {
        if (this.#abort.signal.aborted) return
        try {
          if (await this.#execute(db.name, db.defaultRetentionPolicy, cq.name, cq.query, nowNs))
            this.statistics.queryOk++
        } catch (err) {
          this.statistics.queryFail++
          this.#options.logger.info(
            { query: cq.query, err: err instanceof Error ? err.message : String(err) },
            'Error executing query',
          )
        }
      }
    }
  }

  /** Forgets the last runs (of one database, or one CQ), so they run on the next tick (InfluxDB's Run). */
  resetLastRuns(database = '', name = ''): void {
    for (const key of [...this.#lastRuns.keys()]) {
      const [db, cq] = key.split(ID_DELIMITER)
      if ((database === '' || db === database) && (name === '' || cq === name))
        this.#lastRuns.delete(key)
    }
  }

  /** One CQ at `nowNs`: true when it ran. */
  async #execute(
    database: string,
    defaultRP: string,
    name: string,
    text: string,
    nowNs: bigint,
  ): Promise<boolean> {
    const stmt = parseStatement(text)
    if (stmt.kind !== 'CreateContinuousQueryStatement' || stmt.source.target === null) {
      throw new StatementError("query isn't a valid continuous query", { database, name })
    }
    const id = `${database}${ID_DELIMITER}${name}`
    const schedule = scheduleOf(stmt)
    if (schedule === undefined) return false
    const run = planRun(schedule, nowNs, this.#lastRuns.get(id))
    if (run === undefined) return false
    this.#lastRuns.set(id, run.lastRunNs)
    if (run.range === undefined) return false
    const { startNs, endNs } = run.range
    const log = this.#options.logEnabled ? this.#options.logger : undefined
    const fields = {
      name,
      db: database,
      start: formatRFC3339Nano(startNs),
      end: formatRFC3339Nano(endNs),
    }
    log?.info(fields, 'Executing continuous query')
    const t0 = process.hrtime.bigint()
    const written = await this.#runQuery(stmt, database, defaultRP, startNs, endNs)
    log?.info(
      { ...fields, written, durationMs: Number(process.hrtime.bigint() - t0) / 1e6 },
      'Finished continuous query',
    )
    return true
  }

  async #runQuery(
    stmt: CreateContinuousQueryStatement,
    database: string,
    defaultRP: string,
    startNs: bigint,
    endNs: bigint,
  ): Promise<number> {
    const select = withTimeRange(stmt.source, startNs, endNs, defaultRP)
    let written = -1
    for await (const r of this.#options.run(
      formatStatement(select),
      database,
      this.#abort.signal,
    )) {
      if (r.error !== undefined) throw new StatementError(r.error, { database })
      const cell = r.series?.[0]?.values?.[0]?.[1]
      if (r.series?.length === 1 && r.series[0]?.values?.length === 1 && typeof cell === 'bigint')
        written = Number(cell)
    }
    return written
  }
}

// The statement executor: parses a query, authorizes it (when auth is enabled), registers it as a
// running query, then runs its statements in order and yields their results, as InfluxDB 1.6's
// query.Executor does. The first failing statement stops the query; its error is followed by one
// `not executed` result per remaining statement but the last, all under the failing statement's
// ID (InfluxDB 1.6's numbering, which the HTTP layer's merging turns into its known answer).

import type { Query, QueryParam, QueryParams, Statement } from '../influxql/index.js'
import { JSONNumber, formatQuery, formatStatement, parseQuery } from '../influxql/index.js'
import type { MetaClient, PasswordHasher, UserInfo } from '../meta/index.js'
import type { QueryStore } from './cluster-shards.js'
import { authorizeQuery } from './authorize.js'
import type { ExecutionContext, ExecutorCounters, QueryLogger, ResultPart } from './context.js'
import { silentQueryLogger } from './context.js'
import type { DiagnosticsSource, StatisticsSource } from './diagnostics.js'
import { noDiagnostics, noStatistics } from './diagnostics.js'
import { StatementError } from './errors.js'
import { normalizeSelect } from './normalize.js'
import { QueryRegistry } from './query-registry.js'
import type { QueryLimits } from './query-limits.js'
import {
  QUERY_INTERRUPTED_TEXT,
  QUERY_TIMEOUT_TEXT,
  SelectLimits,
  checkBuckets,
  noQueryLimits,
} from './query-limits.js'
import { abortable } from './abortable.js'
import { checkSeriesLimit } from './series-limit.js'
import type { ExecuteRequest, QueryMessage, StatementResult } from './result.js'
import type { SelectContext, SelectExecutor } from './select-executor.js'
import { notImplementedSelectExecutor } from './select-executor.js'
import { rewriteError, runStatement, warnsWhenReadOnly } from './statement-table.js'

/** What a StatementExecutor is built from. */
export interface StatementExecutorOptions {
  readonly meta: MetaClient
  readonly store: QueryStore
  /**
   * A cluster's per-statement shard view (ClusterShards.view): statements that read or delete
   * data see every shard of the databases they name, remote ones included. Absent: the store.
   */
  readonly shardView?: (databases: ReadonlySet<string>, signal: AbortSignal) => Promise<QueryStore>
  /** Hashes passwords for CREATE USER and SET PASSWORD (bcrypt, cost 10, in production). */
  readonly hasher: PasswordHasher
  /** The current time in ns since the epoch (default: the system clock). */
  readonly now?: () => bigint
  readonly logger?: QueryLogger
  /** Runs SELECT and EXPLAIN (default: answers `SELECT is not implemented yet`). */
  readonly select?: SelectExecutor
  /** Extra SHOW DIAGNOSTICS sections (the server's configuration, …). */
  readonly diagnostics?: DiagnosticsSource
  /** Extra SHOW STATS statistics (httpd, write, …). */
  readonly statistics?: StatisticsSource
  /** InfluxDB's `[meta] retention-autocreate` (default true). */
  readonly retentionAutoCreate?: boolean
  /** The `[coordinator]` query limits (default: none). */
  readonly limits?: QueryLimits
}

const NOT_EXECUTED = 'not executed'

/** The message of an error as a statement result carries it. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** The text a query stopped by `signal` answers: its reason's (timeout), else `query interrupted`. */
function abortText(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  return reason instanceof StatementError ? reason.message : QUERY_INTERRUPTED_TEXT
}

/**
 * The request's `params` as the parser takes them (anything else binds to an error). Numbers
 * nested in objects stay number texts, as Go's json.Number leaves them for the parser to convert.
 */
function toQueryParams(
  params: Readonly<Record<string, unknown>> | undefined,
): QueryParams | undefined {
  if (params === undefined) return undefined
  const convert = (v: unknown, nested: boolean): QueryParam => {
    if (v instanceof JSONNumber) return v
    if (typeof v === 'number') return nested && Number.isFinite(v) ? new JSONNumber(String(v)) : v
    if (v === null || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean')
      return v
    if (Array.isArray(v)) return v.map((x) => convert(x, true))
    if (typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x, true)]))
    return null
  }
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, convert(v, false)]))
}

/** The database a statement names for itself (InfluxDB's HasDefaultDatabase). */
function statementDatabase(stmt: Statement): string {
  switch (stmt.kind) {
    case 'DropRetentionPolicyStatement':
    case 'CreateRetentionPolicyStatement':
    case 'AlterRetentionPolicyStatement':
    case 'ShowSeriesStatement':
    case 'ShowSeriesCardinalityStatement':
    case 'CreateContinuousQueryStatement':
    case 'DropContinuousQueryStatement':
    case 'ShowMeasurementCardinalityStatement':
    case 'ShowMeasurementsStatement':
    case 'ShowRetentionPoliciesStatement':
    case 'CreateSubscriptionStatement':
    case 'DropSubscriptionStatement':
      return stmt.database
    case 'GrantStatement':
    case 'RevokeStatement':
      return stmt.on
    default:
      return ''
  }
}

/** Statements that read or delete shard data (they need a cluster's view of every shard). */
const DATA_STATEMENTS: ReadonlySet<Statement['kind']> = new Set<Statement['kind']>([
  'SelectStatement',
  'ExplainStatement',
  'DeleteSeriesStatement',
  'DropSeriesStatement',
  'DropMeasurementStatement',
  'ShowMeasurementsStatement',
  'ShowMeasurementCardinalityStatement',
  'ShowSeriesStatement',
  'ShowSeriesCardinalityStatement',
  'ShowTagKeysStatement',
  'ShowTagKeyCardinalityStatement',
  'ShowTagValuesStatement',
  'ShowTagValuesCardinalityStatement',
  'ShowFieldKeysStatement',
  'ShowFieldKeyCardinalityStatement',
])

/** The database names a statement refers to anywhere (sources, subqueries, ON clauses, INTO). */
function databasesOf(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const x of node) databasesOf(x, out)
  else if (typeof node === 'object' && node !== null)
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'database' || k === 'on') && typeof v === 'string') out.add(v)
      else databasesOf(v, out)
    }
  return out
}

/**
 * Runs InfluxQL statements against the metastore and the store. One instance serves every
 * request of a node; `execute` is safe to call concurrently. Its result shapes match the HTTP
 * layer's QueryExecutor interface.
 */
export class StatementExecutor {
  readonly #meta: MetaClient
  readonly #store: QueryStore
  readonly #shardView: StatementExecutorOptions['shardView']
  readonly #hasher: PasswordHasher
  readonly #now: () => bigint
  readonly #logger: QueryLogger
  readonly #select: SelectExecutor
  readonly #diagnostics: DiagnosticsSource
  readonly #statistics: StatisticsSource
  readonly #retentionAutoCreate: boolean
  readonly #limits: QueryLimits
  readonly #counters: ExecutorCounters = {
    queriesActive: 0,
    queriesExecuted: 0,
    queriesFinished: 0,
    queryDurationNs: 0n,
    recoveredPanics: 0,
  }
  /** The running queries (SHOW QUERIES, KILL QUERY). */
  readonly registry = new QueryRegistry()

  constructor(options: StatementExecutorOptions) {
    this.#meta = options.meta
    this.#store = options.store
    this.#shardView = options.shardView
    this.#hasher = options.hasher
    this.#now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n)
    this.#logger = options.logger ?? silentQueryLogger
    this.#select = options.select ?? notImplementedSelectExecutor
    this.#diagnostics = options.diagnostics ?? noDiagnostics
    this.#statistics = options.statistics ?? noStatistics
    this.#retentionAutoCreate = options.retentionAutoCreate ?? true
    this.#limits = options.limits ?? noQueryLimits
  }

  /** The executor's counters (SHOW STATS `queryExecutor`); a live, read-only view. */
  get counters(): Readonly<ExecutorCounters> {
    return this.#counters
  }

  /**
   * Parses, authorizes and runs `req.query`. The first `next()` throws the parser's
   * InfluxQLParseError or a QueryAuthorizationError; after that every failure is a result.
   */
  async *execute(req: ExecuteRequest): AsyncGenerator<StatementResult, void, undefined> {
    const query = parseQuery(req.query, toQueryParams(req.params))
    const authorizer = req.authEnabled
      ? authorizeQuery(this.#meta.data, req.user, query, req.database)
      : undefined
    const started = this.#now()
    const { query: running, detach } = this.registry.attach(
      formatQuery(query),
      req.database,
      started,
    )
    const counters = this.#counters
    counters.queriesActive++
    counters.queriesExecuted++
    const abort = new AbortController()
    const onAbort = (): void => abort.abort()
    req.signal.addEventListener('abort', onAbort, { once: true })
    running.signal.addEventListener('abort', onAbort, { once: true })
    // Timers alone would miss a statement that computes without yielding to the event loop, so
    // the deadline is also checked as each part arrives and the slow-query log when the query ends.
    const { queryTimeoutMs, logQueriesAfterMs } = this.#limits
    const startedMs = performance.now()
    const expire = (): void => {
      if (
        queryTimeoutMs > 0 &&
        !abort.signal.aborted &&
        performance.now() - startedMs >= queryTimeoutMs
      ) {
        abort.abort(new StatementError(QUERY_TIMEOUT_TEXT, { queryID: running.id }))
      }
    }
    const timeout = queryTimeoutMs > 0 ? setTimeout(expire, queryTimeoutMs) : undefined
    let slowLogged = false
    const logSlow = (): void => {
      if (slowLogged || logQueriesAfterMs <= 0 || performance.now() - startedMs < logQueriesAfterMs)
        return
      slowLogged = true
      this.#logger.warn(
        {
          query: running.text,
          qid: running.id.toString(),
          database: running.database,
          thresholdMs: logQueriesAfterMs,
        },
        'Detected slow query',
      )
    }
    const slow = logQueriesAfterMs > 0 ? setTimeout(logSlow, logQueriesAfterMs) : undefined
    try {
      yield* this.#run(query, req, authorizer, abort.signal, expire)
    } finally {
      clearTimeout(timeout)
      clearTimeout(slow)
      logSlow()
      req.signal.removeEventListener('abort', onAbort)
      running.signal.removeEventListener('abort', onAbort)
      detach()
      counters.queriesActive--
      counters.queriesFinished++
      counters.queryDurationNs += this.#now() - started
    }
  }

  async *#run(
    query: Query,
    req: ExecuteRequest,
    authorizer: UserInfo | undefined,
    signal: AbortSignal,
    expire: () => void,
  ): AsyncGenerator<StatementResult> {
    const statements = query.statements
    let i = 0
    let stopped = false
    for (; i < statements.length; i++) {
      const stmt = statements[i]
      if (stmt === undefined) break
      const statementID = i
      const rewrite = rewriteError(stmt)
      if (rewrite !== undefined) {
        yield { statementID: 0, error: rewrite }
        stopped = true
        break
      }
      let ctx = this.#context(stmt, req, authorizer)
      try {
        if (this.#shardView !== undefined && DATA_STATEMENTS.has(stmt.kind)) {
          const dbs = databasesOf(stmt, new Set([ctx.defaultDatabase, req.database]))
          ctx = { ...ctx, store: await this.#shardView(dbs, signal) }
        }
        for await (const part of this.#statement(stmt, ctx, signal)) {
          expire()
          if (signal.aborted) {
            if (req.signal.aborted) return
            throw new StatementError(QUERY_INTERRUPTED_TEXT)
          }
          yield toResult(statementID, part)
        }
      } catch (err) {
        if (
          !signal.aborted &&
          !(err instanceof StatementError) &&
          !(err instanceof Error && 'code' in err)
        ) {
          this.#logger.error(
            { statement: formatStatement(stmt), err: messageOf(err) },
            'statement failed unexpectedly',
          )
        }
        yield {
          statementID,
          error: signal.aborted && !req.signal.aborted ? abortText(signal) : messageOf(err),
        }
        stopped = true
        break
      }
      if (signal.aborted) {
        stopped = true
        break
      }
    }
    if (!stopped) return
    for (let k = i; k < statements.length - 1; k++) yield { statementID: i, error: NOT_EXECUTED }
  }

  #context(
    stmt: Statement,
    req: ExecuteRequest,
    authorizer: UserInfo | undefined,
  ): ExecutionContext {
    return {
      meta: this.#meta,
      store: this.#store,
      hasher: this.#hasher,
      logger: this.#logger,
      request: req,
      defaultDatabase: req.database !== '' ? req.database : statementDatabase(stmt),
      nowNs: this.#now,
      authorizer: authorizer?.admin === true ? undefined : authorizer,
      registry: this.registry,
      select: this.#select,
      diagnostics: this.#diagnostics,
      statistics: this.#statistics,
      counters: this.#counters,
      retentionAutoCreate: this.#retentionAutoCreate,
    }
  }

  async *#statement(
    stmt: Statement,
    ctx: ExecutionContext,
    signal: AbortSignal,
  ): AsyncIterable<ResultPart> {
    const warning: QueryMessage[] =
      ctx.request.readOnly && warnsWhenReadOnly(stmt)
        ? [
            {
              level: 'warning',
              text: `deprecated use of '${formatStatement(stmt)}' in a read only context, please use a POST request instead`,
            },
          ]
        : []
    switch (stmt.kind) {
      case 'SelectStatement':
      case 'ExplainStatement': {
        const defaults = {
          database: ctx.defaultDatabase,
          retentionPolicy: ctx.request.retentionPolicy,
        }
        const sctx: SelectContext = {
          database: ctx.request.database,
          retentionPolicy: ctx.request.retentionPolicy,
          chunkSize: ctx.request.chunkSize,
          readOnly: ctx.request.readOnly,
          nowNs: ctx.nowNs(),
          signal,
          ...(ctx.store !== this.#store && { store: ctx.store }),
          ...((this.#limits.maxSelectPoint > 0 ||
            this.#limits.maxSelectSeries > 0 ||
            this.#limits.maxSelectBuckets > 0) && { limits: new SelectLimits(this.#limits) }),
        }
        if (stmt.kind === 'SelectStatement') {
          const normalized = normalizeSelect(stmt, ctx.meta.data, defaults)
          checkBuckets(normalized, sctx.nowNs, this.#limits.maxSelectBuckets)
          checkSeriesLimit(
            normalized,
            { data: ctx.meta.data, shard: (id) => ctx.store.shard(id) },
            sctx.nowNs,
            this.#limits.maxSelectSeries,
          )
          yield* abortable(this.#select.select(normalized, sctx), signal)
        } else {
          yield* abortable(
            this.#select.explain(
              { ...stmt, statement: normalizeSelect(stmt.statement, ctx.meta.data, defaults) },
              sctx,
            ),
            signal,
          )
        }
        return
      }
      case 'ShowQueriesStatement':
        yield {
          series: [
            {
              columns: ['qid', 'query', 'database', 'duration', 'status'],
              values: this.registry.rows(),
            },
          ],
        }
        return
      case 'KillQueryStatement':
        this.registry.kill(stmt.queryID)
        yield warning.length > 0 ? { messages: warning } : {}
        return
      default:
        break
    }
    let parts = 0
    for await (const part of runStatement(stmt, ctx)) {
      parts++
      yield warning.length > 0 && parts === 1
        ? { ...part, messages: [...warning, ...(part.messages ?? [])] }
        : part
    }
    if (parts === 0) yield warning.length > 0 ? { messages: warning } : {}
  }
}

function toResult(statementID: number, part: ResultPart): StatementResult {
  return {
    statementID,
    ...(part.series !== undefined && { series: part.series }),
    ...(part.messages !== undefined && part.messages.length > 0 && { messages: part.messages }),
    ...(part.partial === true && { partial: true }),
    ...(part.error !== undefined && { error: part.error }),
  }
}

// What a statement handler gets (the components, the request, the clock) and what it gives back
// (result parts). One ExecutionContext exists per statement; handlers do not keep it.

import type { MetaClient, PasswordHasher, UserInfo } from '../meta/index.js'
import type { QueryStore } from './cluster-shards.js'
import type { Statement } from '../influxql/index.js'
import type { QueryMessage, QueryRow, ExecuteRequest } from './result.js'
import type { QueryRegistry } from './query-registry.js'
import type { SelectExecutor } from './select-executor.js'
import type { DiagnosticsSource, StatisticsSource } from './diagnostics.js'

/** The structured logger the executor writes to; pino's Logger satisfies it. */
export interface QueryLogger {
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
  error(fields: object, msg: string): void
}

/** A logger that drops everything (the default). */
export const silentQueryLogger: QueryLogger = {
  info() {},
  warn() {},
  error() {},
}

/** Counters of the executor shown by SHOW STATS as `queryExecutor`. */
export interface ExecutorCounters {
  queriesActive: number
  queriesExecuted: number
  queriesFinished: number
  queryDurationNs: bigint
  recoveredPanics: number
}

/** One part of a statement's answer; a statement may send several (one per measurement). */
export interface ResultPart {
  readonly series?: readonly QueryRow[]
  readonly messages?: readonly QueryMessage[]
  readonly partial?: boolean
  /** An error sent as a result while execution goes on (InfluxDB's `ctx.Send(&Result{Err})`). */
  readonly error?: string
}

/** Everything a statement handler may use. */
export interface ExecutionContext {
  readonly meta: MetaClient
  readonly store: QueryStore
  readonly hasher: PasswordHasher
  readonly logger: QueryLogger
  readonly request: ExecuteRequest
  /** The database measurements default to: the `db` parameter, else the statement's own. */
  readonly defaultDatabase: string
  /** The current time in ns (injectable for tests). */
  readonly nowNs: () => bigint
  /** The user whose privileges filter answers; undefined means everything is visible. */
  readonly authorizer: UserInfo | undefined
  readonly registry: QueryRegistry
  readonly select: SelectExecutor
  readonly diagnostics: DiagnosticsSource
  readonly statistics: StatisticsSource
  readonly counters: ExecutorCounters
  /** Whether CREATE DATABASE adds the `autogen` policy (InfluxDB's retention-autocreate). */
  readonly retentionAutoCreate: boolean
}

/** A handler: runs one statement and yields the parts of its answer. */
export type StatementHandler<S extends Statement> = (
  stmt: S,
  ctx: ExecutionContext,
) => AsyncIterable<ResultPart>

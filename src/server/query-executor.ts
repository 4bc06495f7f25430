// Builds the query executor the HTTP API calls: the InfluxQL statement executor over the
// metastore and the store. SELECT is answered by the query engine of issue #4 once it lands.

import {
  QueryAuthorizationError as HTTPQueryAuthorizationError,
  type QueryExecutor,
  type QueryRequest,
  type StatementResult,
} from '../http/index.js'
import { PointsWriter } from '../cluster/index.js'
import type { MetaClient, PasswordHasher } from '../meta/index.js'
import {
  QueryAuthorizationError,
  StatementExecutor,
  StoreSelectExecutor,
  type QueryLimits,
  type StatementExecutorOptions,
} from '../query/index.js'
import type { Store } from '../store/index.js'

/** What the executor needs from the server. */
export interface QueryExecutorDeps {
  readonly meta: MetaClient
  readonly store: Store
  readonly hasher: PasswordHasher
  readonly logger: {
    info(fields: object, msg: string): void
    warn(fields: object, msg: string): void
    error(fields: object, msg: string): void
    debug(fields: object, msg: string): void
  }
  readonly retentionAutoCreate: boolean
  /** Where SELECT … INTO writes; default: a PointsWriter over `meta` and `store`. */
  readonly pointsWriter?: PointsWriter
  /** The `[coordinator]` query limits; default none. */
  readonly limits?: QueryLimits
  /** A data node's per-statement view of every shard (ClusterShards.view); absent on one node. */
  readonly shardView?: StatementExecutorOptions['shardView']
}

/**
 * The statement executor behind the HTTP layer's interface. Errors cross the edge here: the
 * executor's authorization refusal becomes the HTTP layer's (403 `error authorizing query: …`).
 */
class HTTPQueryExecutor implements QueryExecutor {
  readonly #inner: StatementExecutor

  constructor(inner: StatementExecutor) {
    this.#inner = inner
  }

  async *execute(req: QueryRequest): AsyncIterable<StatementResult> {
    try {
      yield* this.#inner.execute(req)
    } catch (err) {
      if (err instanceof QueryAuthorizationError) {
        throw new HTTPQueryAuthorizationError(
          err.message,
          { user: req.user?.name, database: req.database },
          { cause: err },
        )
      }
      throw err
    }
  }
}

/** The statement executor for this build (the HTTP API and the continuous query service share it). */
export function createStatementExecutor(deps: QueryExecutorDeps): StatementExecutor {
  return new StatementExecutor({
    meta: deps.meta,
    store: deps.store,
    hasher: deps.hasher,
    logger: deps.logger,
    retentionAutoCreate: deps.retentionAutoCreate,
    ...(deps.limits !== undefined && { limits: deps.limits }),
    ...(deps.shardView !== undefined && { shardView: deps.shardView }),
    select: new StoreSelectExecutor(
      { meta: deps.meta, store: deps.store },
      deps.pointsWriter ?? new PointsWriter(deps.meta, deps.store),
    ),
  })
}

/** The HTTP layer's QueryExecutor over a statement executor. */
export function httpQueryExecutor(inner: StatementExecutor): QueryExecutor {
  return new HTTPQueryExecutor(inner)
}

/** The executor for this build. */
export function createQueryExecutor(deps: QueryExecutorDeps): QueryExecutor {
  return httpQueryExecutor(createStatementExecutor(deps))
}

// Builds the query executor the HTTP API calls: the InfluxQL statement executor over the
// metastore and the store. SELECT is answered by the query engine of issue #4 once it lands.

import type { QueryExecutor } from '../http/index.js'
import type { MetaClient, PasswordHasher } from '../meta/index.js'
import { StatementExecutor } from '../query/index.js'
import type { Store } from '../store/index.js'

/** What the executor needs from the server. */
export interface QueryExecutorDeps {
  readonly meta: MetaClient
  readonly store: Store
  readonly hasher: PasswordHasher
  readonly logger: { info(fields: object, msg: string): void; warn(fields: object, msg: string): void; error(fields: object, msg: string): void; debug(fields: object, msg: string): void }
  readonly retentionAutoCreate: boolean
}

/** The executor for this build. */
export function createQueryExecutor(deps: QueryExecutorDeps): QueryExecutor {
  return new StatementExecutor({
    meta: deps.meta,
    store: deps.store,
    hasher: deps.hasher,
    logger: deps.logger,
    retentionAutoCreate: deps.retentionAutoCreate,
  })
}

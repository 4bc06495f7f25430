// Builds the query executor the HTTP API calls. The statement executor (src/query) is wired in as
// soon as it lands; until then every statement answers that it is not available.

import type { QueryExecutor, StatementResult } from '../http/index.js'
import type { MetaClient, PasswordHasher } from '../meta/index.js'
import type { Store } from '../store/index.js'

/** What the executor needs from the server. */
export interface QueryExecutorDeps {
  readonly meta: MetaClient
  readonly store: Store
  readonly hasher: PasswordHasher
  readonly logger: { info(fields: object, msg: string): void }
}

/** The executor for this build. */
export function createQueryExecutor(_deps: QueryExecutorDeps): QueryExecutor {
  return {
    async *execute(): AsyncIterable<StatementResult> {
      yield { statementID: 0, error: 'statement execution is not available in this build' }
    },
  }
}

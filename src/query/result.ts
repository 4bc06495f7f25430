// The shapes the executor produces and consumes: statement results, rows, cells and the request.
// They mirror InfluxDB 1.6's query.Result and models.Row and are structurally identical to the
// types the HTTP layer declares (src/http/interfaces.ts), which the query component may not import:
// the composition root passes a StatementExecutor wherever the HTTP layer wants a QueryExecutor.

/** A database privilege as the HTTP layer reports a user's grants. */
export type UserPrivilege = 'read' | 'write' | 'all' | 'none'

/** The authenticated user of a request (auth enabled and an admin exists). Immutable. */
export interface QueryUser {
  readonly name: string
  readonly admin: boolean
  /** Privileges by database name; a database missing from the map means no privilege. */
  readonly privileges: ReadonlyMap<string, UserPrivilege>
}

/**
 * A time value in a result row: nanoseconds since the Unix epoch. The HTTP layer renders it as
 * RFC3339Nano, or as an integer when the request asked for an `epoch`.
 */
export interface QueryTime {
  readonly kind: 'time'
  readonly ns: bigint
  readonly offsetSeconds?: number
}

/** One cell: `number` is a float64, `bigint` an int64/uint64, `null` a missing value. */
export type QueryCell = null | boolean | number | bigint | string | QueryTime | readonly string[]

/** One series of a statement result (InfluxDB's models.Row). */
export interface QueryRow {
  /** The measurement or result name; omitted when empty. */
  readonly name?: string
  /** Tag set of a grouped series; omitted when empty. */
  readonly tags?: Readonly<Record<string, string>>
  readonly columns: readonly string[]
  /** Omitted when the row has no values (InfluxDB omits the key). */
  readonly values?: readonly (readonly QueryCell[])[]
  readonly partial?: boolean
  /**
   * Which columns (by index, time first) hold uint64 integers; absent when none does. A bigint
   * cell alone cannot tell int64 from uint64, so SELECT INTO and subqueries read this; the HTTP
   * layer does not render it.
   */
  readonly unsigned?: readonly boolean[]
}

/** An informational message attached to a result (`{"level":"warning","text":…}`). */
export interface QueryMessage {
  readonly level: string
  readonly text: string
}

/** The result, or one chunk of it, of one statement (InfluxDB's query.Result). */
export interface StatementResult {
  readonly statementID: number
  readonly series?: readonly QueryRow[]
  readonly messages?: readonly QueryMessage[]
  readonly partial?: boolean
  /** The statement's error text (answered with status 200 by the HTTP layer). */
  readonly error?: string
}

/** What the executor needs of a `/query` request (a subset of the HTTP layer's QueryRequest). */
export interface ExecuteRequest {
  /** One or more statements separated by `;`. */
  readonly query: string
  /** The `db` parameter ('' when absent). */
  readonly database: string
  /** The `rp` parameter ('' when absent). */
  readonly retentionPolicy: string
  /** Bound parameters (`params`), as the HTTP layer decoded them; undefined when absent. */
  readonly params: Readonly<Record<string, unknown>> | undefined
  /** Points per chunk for streamed results. */
  readonly chunkSize: number
  /** True for GET: statements that change data run but carry a deprecation warning. */
  readonly readOnly: boolean
  /** Whether `auth-enabled` is set. */
  readonly authEnabled: boolean
  /** The authenticated user; undefined when auth is off or no admin exists yet. */
  readonly user: QueryUser | undefined
  /** Aborted when the client goes away or the server closes. */
  readonly signal: AbortSignal
}

// The narrow interfaces the HTTP API needs from the rest of tidemarkd. The HTTP component owns them
// (the consumer owns the interface); the composition root (src/server) implements them with the
// real meta store, points writer and query executor, and unit tests use hand-written fakes. The
// shapes mirror InfluxDB 1.6's services/httpd handler dependencies (MetaClient, PointsWriter,
// QueryExecutor) reduced to what the handlers call.

import type { Point } from '../lineprotocol/index.js'

/** A database privilege as InfluxQL grants it (`GRANT READ|WRITE|ALL ON db TO user`). */
export type Privilege = 'read' | 'write' | 'all' | 'none'

/** An authenticated user: name, admin flag and per-database privileges. Immutable. */
export interface AuthUser {
  readonly name: string
  readonly admin: boolean
  /** Privileges by database name; a database missing from the map means no privilege. */
  readonly privileges: ReadonlyMap<string, Privilege>
}

/** Write consistency of a `/write` request (`consistency=` parameter, default `one`). */
export type ConsistencyLevel = 'any' | 'one' | 'quorum' | 'all'

/** One `/write` request after parsing: the points of every line that parsed. */
export interface WriteRequest {
  readonly database: string
  /** The `rp` parameter; empty means the database's default retention policy. */
  readonly retentionPolicy: string
  readonly consistency: ConsistencyLevel
  /** The parsed points; may be empty (an empty body still reaches the writer, as in InfluxDB). */
  readonly points: readonly Point[]
  /** The authenticated user, or undefined when authentication is off or not yet bootstrapped. */
  readonly user: AuthUser | undefined
}

/**
 * What a points writer reports. Each kind maps to one HTTP answer of InfluxDB 1.6.7
 * (spec/storage-formats.md §1.9 rule (b)):
 * - `ok` → 204 (or 400 `partial write: <parse errors> dropped=0` when some lines did not parse);
 * - `partial` → 400 `partial write: <reason> dropped=<dropped>` (points beyond retention, invalid
 *   tag or field names, type conflicts found while writing a shard, series/tag value limits);
 * - `type-conflict` → 400 with `message` as is (InfluxDB's `field type conflict…` client error);
 * - `forbidden` → 403 with `message`;
 * - `failed` → 500 with `message` (`retention policy not found: x`, `timeout`, `write failed`).
 */
export type WriteOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'partial'; readonly reason: string; readonly dropped: number }
  | { readonly kind: 'type-conflict'; readonly message: string }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }

/**
 * Writes parsed points (implemented by the write coordinator). Called concurrently by many
 * requests. A rejected promise is answered like a `failed` outcome (500 with the error's message).
 */
export interface PointsWriter {
  writePoints(req: WriteRequest): Promise<WriteOutcome>
}

/** Answers whether a database exists (implemented over the meta store). Must be cheap and synchronous. */
export interface DatabaseCatalog {
  databaseExists(name: string): boolean
}

/**
 * Checks credentials (implemented over the meta store; passwords are bcrypt hashes there). Only
 * consulted when `auth-enabled` is set.
 */
export interface Authenticator {
  /** Resolves to the user when the password matches, undefined otherwise (unknown user included). */
  authenticate(username: string, password: string): Promise<AuthUser | undefined>
  /** The user named in a verified JWT, or undefined when there is no such user. */
  user(username: string): AuthUser | undefined
  /**
   * Whether at least one admin user exists. Until one does, InfluxDB lets every request through
   * unauthenticated (only `CREATE USER … WITH ALL PRIVILEGES` may then run, which the executor
   * enforces) so that a fresh server can be bootstrapped.
   */
  adminUserExists(): boolean
}

/**
 * A time value in a result row: nanoseconds since the Unix epoch. The HTTP layer renders it as an
 * RFC3339Nano string, or as an integer when the request asked for an `epoch` (only in the first
 * column, as InfluxDB does). `offsetSeconds` (from a `tz()` clause) shifts the rendered local
 * time and adds the `+hh:mm` suffix; it does not change the instant.
 */
export interface QueryTime {
  readonly kind: 'time'
  readonly ns: bigint
  readonly offsetSeconds?: number
}

/**
 * One cell of a result row. `number` is a float64, `bigint` an integer (int64 or uint64);
 * `null` is a missing value.
 */
export type QueryCell = null | boolean | number | bigint | string | QueryTime | readonly string[]

/** One series of a statement result (InfluxDB's models.Row). */
export interface QueryRow {
  /** The measurement or result name; omitted from JSON when empty (e.g. SHOW USERS). */
  readonly name?: string
  /** Tag set of a grouped series; omitted from JSON when empty. */
  readonly tags?: Readonly<Record<string, string>>
  readonly columns: readonly string[]
  readonly values?: readonly (readonly QueryCell[])[]
  /** True when the series continues in the next chunk. */
  readonly partial?: boolean
}

/** An informational message attached to a statement result (`{"level":"warning","text":…}`). */
export interface QueryMessage {
  readonly level: string
  readonly text: string
}

/**
 * The result (or one chunk of the result) of one statement, InfluxDB's query.Result. Several
 * results may share a `statementID` (chunks); `partial` says more chunks follow.
 */
export interface StatementResult {
  readonly statementID: number
  readonly series?: readonly QueryRow[]
  readonly messages?: readonly QueryMessage[]
  readonly partial?: boolean
  /** The statement's error text; statement errors are answered with status 200. */
  readonly error?: string
}

/** One `/query` request after parameter handling. */
export interface QueryRequest {
  /** The raw query text: one or more statements separated by `;`. */
  readonly query: string
  /** The `db` parameter ('' when absent). */
  readonly database: string
  /** The `rp` parameter ('' when absent). */
  readonly retentionPolicy: string
  /**
   * Bound parameters from the `params` JSON object, converted as InfluxDB does: numbers with a
   * `.` become float64 (`number`), other numbers int64 (`bigint`); strings, booleans, null,
   * arrays and objects stay as decoded. Undefined when the request had no `params`.
   */
  readonly params: Readonly<Record<string, unknown>> | undefined
  /** The `epoch` parameter, trimmed ('' when absent); the HTTP layer converts QueryTime cells. */
  readonly epoch: string
  readonly chunked: boolean
  /** Points per chunk: `chunk_size` when chunked and positive, else 10000. */
  readonly chunkSize: number
  /** True for GET: statements that change data still run but carry a deprecation warning. */
  readonly readOnly: boolean
  /** The `node_id` parameter (Enterprise), 0 when absent or not a number. */
  readonly nodeID: bigint
  /** Whether `auth-enabled` is set; with it, `user` undefined means no admin exists yet. */
  readonly authEnabled: boolean
  readonly user: AuthUser | undefined
  /** Aborted when the client disconnects or the server closes; the executor should stop early. */
  readonly signal: AbortSignal
}

/**
 * Runs InfluxQL (implemented by the query executor). `execute` parses and authorizes the whole
 * query before it produces anything: it throws (synchronously, by rejecting, or from the first
 * `next()`) a {@link QueryParseError} → 400 `error parsing query: …` or a
 * {@link QueryAuthorizationError} → 403 `error authorizing query: …`. After that, statement
 * failures are results carrying `error` (status 200). Results come in statement order.
 */
export interface QueryExecutor {
  execute(
    req: QueryRequest,
  ): AsyncIterable<StatementResult> | Promise<AsyncIterable<StatementResult>>
}

/**
 * The structured logger the HTTP API writes to; pino's Logger satisfies it. Fields first, then a
 * constant message. Passwords, the `p` parameter and the Authorization header are never logged.
 */
export interface HTTPLogger {
  debug(fields: object, msg: string): void
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
  error(fields: object, msg: string): void
}

/** A logger that drops everything (the default). */
export const silentHTTPLogger: HTTPLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
}

/** Extra statistics for `/debug/vars`: key → a JSON-serialisable object (e.g. engine counters). */
export type StatisticsSource = () => Readonly<Record<string, unknown>>

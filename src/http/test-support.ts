// Test support for the HTTP component's tests: hand-written fakes of the narrow interfaces the
// HTTP API declares (a store that mimics InfluxDB 1.6.7's write validation closely enough for
// differential tests, a scripted query executor, an in-memory authenticator), a recording
// logger, a server starter, and a raw HTTP client that shows exactly what went over the wire.
// Not used by production code.

import { request as httpRequest } from 'node:http'
import type { Socket } from 'node:net'
import { createHmac } from 'node:crypto'
import type { Point } from '../lineprotocol/index.js'
import { createHTTPServer } from './http-server.js'
import type { HTTPServer, HTTPServerDeps } from './http-server.js'
import type {
  AuthUser,
  Authenticator,
  DatabaseCatalog,
  HTTPLogger,
  PointsWriter,
  Privilege,
  QueryExecutor,
  QueryRequest,
  StatementResult,
  WriteOutcome,
  WriteRequest,
} from './interfaces.js'
import type { HTTPServerOptions } from './options.js'
import { goQuote } from './go-text.js'

/**
 * A store fake: databases with retention policies, and per-database field types. Its write
 * validation follows InfluxDB 1.6.7 for the cases the tests need: unknown retention policy →
 * `failed`; tag key `time`, a point whose only field is `time`, and field type conflicts →
 * `partial` with the first reason and the number of dropped points.
 */
export class FakeStore implements PointsWriter, DatabaseCatalog {
  readonly databases = new Map<string, Set<string>>()
  readonly writes: WriteRequest[] = []
  readonly #fieldTypes = new Map<string, string>()
  /** When set, replaces the validation: the outcome of every write. */
  outcome: WriteOutcome | undefined

  /** Creates a database with the `autogen` retention policy and any others given. */
  createDatabase(name: string, ...retentionPolicies: string[]): void {
    this.databases.set(name, new Set(['autogen', ...retentionPolicies]))
  }

  databaseExists(name: string): boolean {
    return this.databases.has(name)
  }

  async writePoints(req: WriteRequest): Promise<WriteOutcome> {
    this.writes.push(req)
    if (this.outcome !== undefined) return this.outcome
    const rps = this.databases.get(req.database)
    if (rps === undefined) return { kind: 'failed', message: `database not found: ${req.database}` }
    if (req.retentionPolicy !== '' && !rps.has(req.retentionPolicy)) {
      return { kind: 'failed', message: `retention policy not found: ${req.retentionPolicy}` }
    }
    let reason: string | undefined
    let dropped = 0
    for (const p of req.points) {
      const why = this.#validate(req.database, p)
      if (why === undefined) continue
      reason ??= why
      dropped++
    }
    return reason === undefined ? { kind: 'ok' } : { kind: 'partial', reason, dropped }
  }

  #validate(db: string, p: Point): string | undefined {
    const m = goQuote(p.measurement)
    if (p.tags.some((t) => t.key === 'time'))
      return `invalid tag key: input tag "time" on measurement ${m} is invalid`
    const fields = p.fields.filter((f) => f.key !== 'time')
    if (fields.length === 0)
      return `invalid field name: input field "time" on measurement ${m} is invalid`
    for (const f of fields) {
      const existing = this.#fieldTypes.get(`${db}\0${p.measurement}\0${f.key}`)
      if (existing !== undefined && existing !== f.value.kind) {
        return `field type conflict: input field ${goQuote(f.key)} on measurement ${m} is type ${f.value.kind}, already exists as type ${existing}`
      }
    }
    for (const f of fields) this.#fieldTypes.set(`${db}\0${p.measurement}\0${f.key}`, f.value.kind)
    return undefined
  }
}

/** A query executor that runs a script: `(req) => results`, or throws to reject the query. */
export class FakeExecutor implements QueryExecutor {
  readonly requests: QueryRequest[] = []
  script: (req: QueryRequest) => StatementResult[] | AsyncIterable<StatementResult>

  constructor(
    script: (req: QueryRequest) => StatementResult[] | AsyncIterable<StatementResult> = () => [],
  ) {
    this.script = script
  }

  execute(req: QueryRequest): AsyncIterable<StatementResult> {
    this.requests.push(req)
    const out = this.script(req)
    if (!Array.isArray(out)) return out
    return (async function* () {
      yield* out
    })()
  }
}

/** An authenticator over an in-memory user list with plain-text passwords. */
export class FakeAuthenticator implements Authenticator {
  readonly #users = new Map<string, { user: AuthUser; password: string }>()

  /** Adds a user; `privileges` maps database → privilege. */
  addUser(
    name: string,
    password: string,
    admin: boolean,
    privileges: Record<string, Privilege> = {},
  ): void {
    this.#users.set(name, {
      user: { name, admin, privileges: new Map(Object.entries(privileges)) },
      password,
    })
  }

  async authenticate(username: string, password: string): Promise<AuthUser | undefined> {
    const u = this.#users.get(username)
    return u !== undefined && u.password === password ? u.user : undefined
  }

  user(username: string): AuthUser | undefined {
    return this.#users.get(username)?.user
  }

  adminUserExists(): boolean {
    return [...this.#users.values()].some((u) => u.user.admin)
  }
}

/** One recorded log call. */
export interface LogEntry {
  readonly level: string
  readonly fields: object
  readonly msg: string
}

/** A logger that keeps every call, to check what would be logged. */
export class RecordingLogger implements HTTPLogger {
  readonly entries: LogEntry[] = []
  debug(fields: object, msg: string): void {
    this.entries.push({ level: 'debug', fields, msg })
  }
  info(fields: object, msg: string): void {
    this.entries.push({ level: 'info', fields, msg })
  }
  warn(fields: object, msg: string): void {
    this.entries.push({ level: 'warn', fields, msg })
  }
  error(fields: object, msg: string): void {
    this.entries.push({ level: 'error', fields, msg })
  }
  /** Everything logged, as one JSON text. */
  text(): string {
    return JSON.stringify(this.entries, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    )
  }
}

/** A running test server with its fakes. */
export interface TestServer {
  readonly server: HTTPServer
  readonly url: string
  readonly store: FakeStore
  readonly executor: FakeExecutor
  readonly authenticator: FakeAuthenticator
  readonly logger: RecordingLogger
}

/** Starts a server on 127.0.0.1:0 with fresh fakes (database `db1` exists). Close it after use. */
export async function startTestServer(
  options: HTTPServerOptions = {},
  deps: Partial<HTTPServerDeps> = {},
): Promise<TestServer> {
  const store = new FakeStore()
  store.createDatabase('db1')
  const executor = new FakeExecutor()
  const authenticator = new FakeAuthenticator()
  const logger = new RecordingLogger()
  const server = createHTTPServer(
    { bindAddress: '127.0.0.1:0', ...options },
    {
      pointsWriter: store,
      databases: store,
      queryExecutor: executor,
      authenticator,
      logger,
      ...deps,
    },
  )
  await server.listen()
  return { server, url: server.url, store, executor, authenticator, logger }
}

/** An HTTP answer as received: status, reason phrase, headers (lower-case names), raw body. */
export interface RawResponse {
  readonly status: number
  readonly statusMessage: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: Buffer
  /** The body as UTF-8. */
  readonly text: string
}

/** Sends one request without keep-alive and without any automatic decoding. */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Readonly<Record<string, string>> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      { method, headers: { Connection: 'close', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          socket?.destroy() // never reused, also when the request asked for keep-alive
          const b = Buffer.concat(chunks)
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            body: b,
            text: b.toString('utf8'),
          })
        })
      },
    )
    let socket: Socket | undefined
    req.on('socket', (s) => {
      socket = s
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A JWT signed with HS256 (or `alg`) over `claims`, for bearer authentication tests. */
export function signJWT(claims: object, secret: string, alg = 'HS256'): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const head = `${enc({ alg, typ: 'JWT' })}.${enc(claims)}`
  const hash = alg === 'HS384' ? 'sha384' : alg === 'HS512' ? 'sha512' : 'sha256'
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`
}

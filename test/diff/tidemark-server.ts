// A Tidemark server for the differential tests: the real metastore, store and write coordinator,
// the statement executor (src/query) and the HTTP API (src/http), wired as the composition root
// wires them, on a loopback port in a fresh temp directory. It offers the same small handle as the
// influxd harness (write, queryRaw, request, stop), so one statement list runs against both.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PointsWriter, WriteRetentionPolicyNotFoundError } from '../../src/cluster/index.js'
import {
  QueryAuthorizationError as HTTPQueryAuthorizationError,
  createHTTPServer,
  type AuthUser,
  type Authenticator,
  type DatabaseCatalog,
  type HTTPServer,
  type PointsWriter as HTTPPointsWriter,
  type Privilege as HTTPPrivilege,
  type QueryExecutor,
  type QueryRequest,
  type StatementResult,
  type WriteOutcome,
  type WriteRequest,
} from '../../src/http/index.js'
import { MetaClient, MetaFileStore, bcryptHasher, type UserInfo } from '../../src/meta/index.js'
import { QueryAuthorizationError, StatementExecutor } from '../../src/query/index.js'
import { Store } from '../../src/store/index.js'
import { httpCall, type InfluxdResponse } from '../helpers/influxd-process.js'

/** A running Tidemark for the diff tests. */
export interface TidemarkHandle {
  readonly url: string
  readonly executor: StatementExecutor
  write(
    db: string,
    lineProtocol: string,
    params?: Readonly<Record<string, string>>,
  ): Promise<InfluxdResponse>
  queryRaw(q: string, params?: Readonly<Record<string, string>>): Promise<InfluxdResponse>
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Readonly<Record<string, string>>,
  ): Promise<InfluxdResponse>
  stop(): Promise<void>
}

const PRIVILEGES: readonly HTTPPrivilege[] = ['none', 'read', 'write', 'all']

function toAuthUser(u: UserInfo): AuthUser {
  const privileges = new Map<string, HTTPPrivilege>()
  for (const [db, p] of u.privileges) privileges.set(db, PRIVILEGES[p] ?? 'none')
  return { name: u.name, admin: u.admin, privileges }
}

class MetaAuth implements Authenticator, DatabaseCatalog {
  readonly #meta: MetaClient
  constructor(meta: MetaClient) {
    this.#meta = meta
  }
  async authenticate(username: string, password: string): Promise<AuthUser | undefined> {
    const u = this.#meta.data.user(username)
    if (u === undefined) return undefined
    return (await bcryptHasher.compare(password, u.hash)) ? toAuthUser(u) : undefined
  }
  user(username: string): AuthUser | undefined {
    const u = this.#meta.data.user(username)
    return u === undefined ? undefined : toAuthUser(u)
  }
  adminUserExists(): boolean {
    return this.#meta.data.adminUserExists()
  }
  databaseExists(name: string): boolean {
    return this.#meta.data.database(name) !== undefined
  }
}

class Writer implements HTTPPointsWriter {
  readonly #writer: PointsWriter
  constructor(writer: PointsWriter) {
    this.#writer = writer
  }
  async writePoints(req: WriteRequest): Promise<WriteOutcome> {
    try {
      const r = await this.#writer.writePoints(req.database, req.retentionPolicy, req.points)
      if (r.kind === 'ok') return { kind: 'ok' }
      return { kind: 'partial', reason: r.reason, dropped: r.dropped }
    } catch (err) {
      if (err instanceof WriteRetentionPolicyNotFoundError)
        return { kind: 'failed', message: err.message }
      throw err
    }
  }
}

/** The executor behind the HTTP layer's interface: authorization errors become the HTTP layer's. */
function httpExecutor(executor: StatementExecutor): QueryExecutor {
  return {
    async *execute(req: QueryRequest): AsyncIterable<StatementResult> {
      const it = executor.execute(req)
      let first: IteratorResult<unknown>
      try {
        first = await it.next()
      } catch (err) {
        if (err instanceof QueryAuthorizationError)
          throw new HTTPQueryAuthorizationError(err.message)
        throw err
      }
      if (first.done === true) return
      yield first.value as StatementResult
      for await (const r of it as AsyncIterable<unknown>) yield r as StatementResult
    },
  }
}

/** Starts Tidemark on a free loopback port; `stop()` closes it and removes its directory. */
export async function startTidemark(opts: { authEnabled?: boolean } = {}): Promise<TidemarkHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-diff-'))
  const meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
  await meta.open()
  const store = new Store({
    dataDir: join(dir, 'data'),
    walDir: join(dir, 'wal'),
    engine: { background: false },
  })
  await store.open()
  const executor = new StatementExecutor({ meta, store, hasher: bcryptHasher })
  const auth = new MetaAuth(meta)
  const http: HTTPServer = createHTTPServer(
    { bindAddress: '127.0.0.1:0', authEnabled: opts.authEnabled ?? false, logEnabled: false },
    {
      pointsWriter: new Writer(new PointsWriter(meta, store)),
      queryExecutor: httpExecutor(executor),
      databases: auth,
      authenticator: auth,
    },
  )
  await http.listen()
  const url = http.url
  const request = (
    method: string,
    path: string,
    body?: string,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<InfluxdResponse> => httpCall(url, method, path, body, headers)
  return {
    url,
    executor,
    request,
    write: (db, lp, params = {}) =>
      request('POST', `/write?${new URLSearchParams({ db, ...params }).toString()}`, lp),
    queryRaw: (q, params = {}) =>
      request('POST', '/query', new URLSearchParams({ ...params, q }).toString(), {
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
    async stop() {
      await http.close()
      await store.close()
      await meta.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

// A Tidemark server for the SELECT differential tests: wired like test/diff/tidemark-server.ts
// (metastore, store, points writer, statement executor, HTTP API on loopback in a temp
// directory) but with the store-backed SelectExecutor, and with a `snapshot()` that moves every
// shard's cache into TSM files so queries read both.
// TODO(lead): fold into tidemark-server.ts as a `select` option once that file may change.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PointsWriter, WriteRetentionPolicyNotFoundError } from '../../src/cluster/index.js'
import {
  createHTTPServer,
  type DatabaseCatalog,
  type HTTPServer,
  type PointsWriter as HTTPPointsWriter,
  type QueryExecutor,
  type QueryRequest,
  type StatementResult,
  type WriteOutcome,
  type WriteRequest,
} from '../../src/http/index.js'
import { MetaClient, MetaFileStore, bcryptHasher } from '../../src/meta/index.js'
import { StatementExecutor, StoreSelectExecutor } from '../../src/query/index.js'
import { Store } from '../../src/store/index.js'
import { httpCall, type InfluxdResponse } from '../helpers/influxd-process.js'

/** A running Tidemark with SELECT support. */
export interface SelectTidemark {
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Readonly<Record<string, string>>,
  ): Promise<InfluxdResponse>
  /** Snapshots every shard's cache to a TSM file. */
  snapshot(): Promise<void>
  stop(): Promise<void>
}

class Writer implements HTTPPointsWriter {
  readonly #writer: PointsWriter
  constructor(writer: PointsWriter) {
    this.#writer = writer
  }
  async writePoints(req: WriteRequest): Promise<WriteOutcome> {
    try {
      const r = await this.#writer.writePoints(req.database, req.retentionPolicy, req.points)
      return r.kind === 'ok'
        ? { kind: 'ok' }
        : { kind: 'partial', reason: r.reason, dropped: r.dropped }
    } catch (err) {
      if (err instanceof WriteRetentionPolicyNotFoundError)
        return { kind: 'failed', message: err.message }
      throw err
    }
  }
}

/** Starts Tidemark (auth off) on a free loopback port. */
export async function startSelectTidemark(): Promise<SelectTidemark> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-select-diff-'))
  const meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
  await meta.open()
  const store = new Store({
    dataDir: join(dir, 'data'),
    walDir: join(dir, 'wal'),
    engine: { background: false },
  })
  await store.open()
  const pointsWriter = new PointsWriter(meta, store)
  const executor = new StatementExecutor({
    meta,
    store,
    hasher: bcryptHasher,
    select: new StoreSelectExecutor({ meta, store }, pointsWriter),
  })
  const databases: DatabaseCatalog = {
    databaseExists: (name: string) => meta.data.database(name) !== undefined,
  }
  const queryExecutor: QueryExecutor = {
    execute: (req: QueryRequest): AsyncIterable<StatementResult> => executor.execute(req),
  }
  const http: HTTPServer = createHTTPServer(
    { bindAddress: '127.0.0.1:0', authEnabled: false, logEnabled: false },
    { pointsWriter: new Writer(pointsWriter), queryExecutor, databases, authenticator: undefined },
  )
  await http.listen()
  const url = http.url
  return {
    request: (method, path, body, headers = {}) => httpCall(url, method, path, body, headers),
    async snapshot() {
      for (const s of store.shards()) await s.snapshot()
    },
    async stop() {
      await http.close()
      await store.close()
      await meta.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

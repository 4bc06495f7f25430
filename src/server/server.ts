// The composition root of tidemarkd: builds every component from the configuration, opens them in
// dependency order (metastore, store, write coordinator, query executor, background services, HTTP
// API) and closes them in reverse. The only module that names concrete classes of several components.

import { mkdir } from 'node:fs/promises'
import { pino, type Logger } from 'pino'
import { recoverRestores } from '../backup/index.js'
import { PointsWriter, RetentionService, ShardPrecreationService } from '../cluster/index.js'
import { createHTTPServer, type HTTPServer, type QueryExecutor } from '../http/index.js'
import {
  bcryptHasher,
  MetaAPIServer,
  MetaClient,
  MetaEtcdStore,
  MetaFileStore,
  type MetaStore,
} from '../meta/index.js'
import type { QueryLimits } from '../query/index.js'
import { Store } from '../store/index.js'
import type { Config } from './config.js'
import { HTTPPointsWriter, MetaAuthenticator } from './adapters.js'
import { createStatementExecutor, httpQueryExecutor } from './query-executor.js'
import { ContinuousQueryService } from './continuous-queries.js'
import { NodeAPIServer } from './node-api.js'

/** A running tidemarkd: its addresses and its components, and how to stop it. */
export interface TidemarkServer {
  readonly config: Config
  /** Base URL of the HTTP API (e.g. http://127.0.0.1:8086). */
  readonly httpURL: string
  /** host:port of the meta API that tidemark-ctl talks to. */
  readonly metaAddress: string
  readonly meta: MetaClient
  readonly store: Store
  readonly logger: Logger
  /** Stops accepting requests, waits for work in flight, flushes and closes files. Idempotent. */
  close(): Promise<void>
}

/** Options that are not configuration: the logger to use (default: pino to stderr at the config's level). */
export interface StartOptions {
  readonly logger?: Logger
}

/** Makes the logger the configuration asks for: JSON lines on stderr. */
export function createLogger(config: Config): Logger {
  return pino({ level: config.logging.level, base: { service: 'tidemarkd' } }, pino.destination(2))
}

/** The `[coordinator]` query limits of the configuration. */
function queryLimits(config: Config): QueryLimits {
  const c = config.coordinator
  return {
    queryTimeoutMs: c['query-timeout'],
    logQueriesAfterMs: c['log-queries-after'],
    maxSelectPoint: c['max-select-point'],
    maxSelectSeries: c['max-select-series'],
    maxSelectBuckets: c['max-select-buckets'],
  }
}

/**
 * The metastore the configuration asks for: etcd when `[meta] etcd-endpoints` lists members
 * (shared by every meta process on that etcd), else `<meta dir>/meta.db`. An etcd store is opened
 * here (failing with one line naming the endpoints when etcd cannot be reached) and its close is
 * registered in `closers`.
 */
async function openMetaStore(
  config: Config,
  logger: Logger,
  closers: (() => Promise<void>)[],
): Promise<MetaStore> {
  const endpoints = config.meta['etcd-endpoints']
  if (endpoints.length === 0) {
    await mkdir(config.meta.dir, { recursive: true })
    return new MetaFileStore(config.meta.dir)
  }
  const log = logger.child({ service: 'metastore' })
  const store = new MetaEtcdStore({
    endpoints,
    prefix: config.meta['etcd-prefix'],
    dialTimeoutMs: config.meta['etcd-dial-timeout'],
    onError: (err) => log.error({ err: err.message, code: err.code }, 'metastore watch failed'),
  })
  await store.open()
  closers.push(() => store.close())
  log.info({ endpoints, key: store.key }, 'metastore on etcd')
  return store
}

/** Starts a single-node tidemarkd (meta + data in one process). */
export async function startServer(
  config: Config,
  opts: StartOptions = {},
): Promise<TidemarkServer> {
  const logger = opts.logger ?? createLogger(config)
  const closers: (() => Promise<void>)[] = []
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close()
    closers.length = 0
  }
  try {
    const meta = new MetaClient(await openMetaStore(config, logger, closers))
    await meta.open()
    closers.push(() => meta.close())

    const store = new Store({
      dataDir: config.data.dir,
      walDir: config.data['wal-dir'],
      logger: logger.child({ component: 'store' }),
      engine: {
        cacheMaxMemorySizeBytes: config.data['cache-max-memory-size'],
        cacheSnapshotMemorySizeBytes: config.data['cache-snapshot-memory-size'],
        cacheSnapshotWriteColdDurationMs: config.data['cache-snapshot-write-cold-duration'],
        compactFullWriteColdDurationMs: config.data['compact-full-write-cold-duration'],
      },
    })
    await store.open()
    closers.push(() => store.close())
    // A restore the process died in the middle of: finish it or undo it before serving.
    const recovered = await recoverRestores(store, meta.data)
    for (const r of recovered.removed) {
      logger.warn(
        { database: r.database, retentionPolicy: r.retentionPolicy, shardID: r.id },
        'removed a shard of a restore interrupted before its metadata was saved',
      )
    }
    for (const f of store.failedShards())
      logger.error(
        { shardID: f.id, err: f.error.message },
        'shard failed to open; other shards are serving',
      )

    const writer = new PointsWriter(meta, store)
    const statements = createStatementExecutor({
      meta,
      store,
      hasher: bcryptHasher,
      logger: logger.child({ service: 'query' }),
      retentionAutoCreate: config.meta['retention-autocreate'],
      pointsWriter: writer,
      limits: queryLimits(config),
    })
    const executor: QueryExecutor = httpQueryExecutor(statements)

    if (config.continuous_queries.enabled) {
      const cqs = new ContinuousQueryService({
        meta,
        run: (query, database, signal) =>
          statements.execute({
            query,
            database,
            retentionPolicy: '',
            params: undefined,
            chunkSize: 10_000,
            readOnly: false,
            authEnabled: false,
            user: undefined,
            signal,
          }),
        runIntervalMs: config.continuous_queries['run-interval'],
        logEnabled: config.continuous_queries['log-enabled'],
        logger: logger.child({ service: 'continuous_querier' }),
      })
      cqs.start()
      closers.push(() => cqs.close())
    }

    if (config.retention.enabled) {
      const retention = new RetentionService({
        meta,
        store,
        intervalMs: config.retention['check-interval'],
        logger: logger.child({ service: 'retention' }),
      })
      retention.start()
      closers.push(() => retention.close())
    }
    if (config['shard-precreation'].enabled) {
      const precreation = new ShardPrecreationService({
        meta,
        intervalMs: config['shard-precreation']['check-interval'],
        advanceMs: config['shard-precreation']['advance-period'],
        logger: logger.child({ service: 'shard-precreation' }),
      })
      precreation.start()
      closers.push(() => precreation.close())
    }

    const metaAPI = new MetaAPIServer(meta, bcryptHasher, {
      bindAddress: config.meta['http-bind-address'],
      authEnabled: config.http['auth-enabled'],
      version: '0.1.0',
      localNode: { httpAddr: config.http['bind-address'], tcpAddr: config['']['bind-address'] },
    })
    await metaAPI.listen()
    closers.push(() => metaAPI.close())
    logger.info({ addr: metaAPI.address }, 'meta API listening')

    const nodeAPI = new NodeAPIServer(store, meta, bcryptHasher, {
      bindAddress: config['']['bind-address'],
      authEnabled: config.http['auth-enabled'],
      version: '0.1.0',
    })
    await nodeAPI.listen()
    closers.push(() => nodeAPI.close())
    logger.info({ addr: nodeAPI.address }, 'node API listening')

    let http: HTTPServer | undefined
    if (config.http.enabled) {
      const auth = new MetaAuthenticator(meta, bcryptHasher)
      http = createHTTPServer(
        {
          bindAddress: config.http['bind-address'],
          authEnabled: config.http['auth-enabled'],
          realm: config.http.realm,
          sharedSecret: config.http['shared-secret'],
          maxBodySizeBytes: config.http['max-body-size'],
          maxRowLimit: config.http['max-row-limit'],
          maxConnectionLimit: config.http['max-connection-limit'],
          maxConcurrentWriteLimit: config.http['max-concurrent-write-limit'],
          logEnabled: config.http['log-enabled'],
          writeTracing: config.http['write-tracing'],
        },
        {
          pointsWriter: new HTTPPointsWriter(writer),
          queryExecutor: executor,
          databases: auth,
          authenticator: auth,
          logger: logger.child({ service: 'httpd' }),
        },
      )
      await http.listen()
      const h = http
      closers.push(() => h.close())
      logger.info({ addr: http.address }, 'HTTP API listening')
    }
    return {
      config,
      httpURL: http?.url ?? '',
      metaAddress: metaAPI.address,
      meta,
      store,
      logger,
      close: closeAll,
    }
  } catch (err) {
    await closeAll().catch(() => undefined)
    throw err
  }
}

// The composition root of tidemarkd: builds every component from the configuration, opens them in
// dependency order (metastore, store, write coordinator, query executor, background services, HTTP
// API) and closes them in reverse. The only module that names concrete classes of several components.
// Three roles: the single node (`run`: meta + data in one process), a meta node (`meta`: the
// metastore and the meta API only) and a data node (`data`, data-node.ts: everything but the meta
// API, over the meta nodes' metadata).

import { mkdir } from 'node:fs/promises'
import { pino, type Logger } from 'pino'
import {
  bcryptHasher,
  bearer,
  MetaAPIServer,
  MetaClient,
  MetaEtcdStore,
  MetaFileStore,
  type MetaStore,
} from '../meta/index.js'
import type { Store } from '../store/index.js'
import type { Config } from './config.js'
import { DataNode, requestJoin } from './data-node.js'
import { startDataServices } from './data-services.js'

/** What a tidemarkd process runs: see the file comment. */
export type ServerRole = 'run' | 'meta' | 'data'

/** A running tidemarkd: its addresses and its components, and how to stop it. */
export interface TidemarkServer {
  readonly config: Config
  readonly role: ServerRole
  /** Base URL of the HTTP API (e.g. http://127.0.0.1:8086); '' on a meta node. */
  readonly httpURL: string
  /** host:port of the meta API that tidemark-ctl talks to; '' on a data node. */
  readonly metaAddress: string
  /** host:port of the node API; '' on a meta node. */
  readonly nodeAddress: string
  /** The metadata; undefined on a data node that has not joined a cluster yet. */
  readonly meta: MetaClient | undefined
  /** The shards; undefined on a meta node and on a data node that has not joined yet. */
  readonly store: Store | undefined
  readonly logger: Logger
  /** Stops accepting requests, waits for work in flight, flushes and closes files. Idempotent. */
  close(): Promise<void>
}

/** Options that are not configuration. */
export interface StartOptions {
  /** The logger to use (default: pino to stderr at the config's level). */
  readonly logger?: Logger
  /** What to run (default `run`: a single node). */
  readonly role?: ServerRole
}

/** Makes the logger the configuration asks for: JSON lines on stderr. */
export function createLogger(config: Config): Logger {
  return pino({ level: config.logging.level, base: { service: 'tidemarkd' } }, pino.destination(2))
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

/**
 * Starts tidemarkd in the role `opts.role` asks for (default: a single node, meta + data in one
 * process). Throws, having closed whatever it opened, when a component cannot start.
 */
export async function startServer(
  config: Config,
  opts: StartOptions = {},
): Promise<TidemarkServer> {
  const logger = opts.logger ?? createLogger(config)
  const role = opts.role ?? 'run'
  switch (role) {
    case 'run':
      return startSingleNode(config, logger)
    case 'meta':
      return startMetaNode(config, logger)
    case 'data':
      return startDataNode(config, logger)
    default: {
      const never: never = role
      throw new Error(`unknown role ${String(never)}`)
    }
  }
}

/** Runs `build`, closing everything it registered in `closers` (in reverse) if it throws. */
async function withClosers<T>(
  build: (closers: (() => Promise<void>)[], closeAll: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const closers: (() => Promise<void>)[] = []
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close()
    closers.length = 0
  }
  try {
    return await build(closers, closeAll)
  } catch (err) {
    await closeAll().catch(() => undefined)
    throw err
  }
}

/** A single node: meta + data in one process. */
function startSingleNode(config: Config, logger: Logger): Promise<TidemarkServer> {
  return withClosers(async (closers, closeAll) => {
    const meta = new MetaClient(await openMetaStore(config, logger, closers))
    await meta.open()
    closers.push(() => meta.close())
    const data = await startDataServices(config, meta, logger, closers)
    const metaAPI = new MetaAPIServer(meta, bcryptHasher, {
      bindAddress: config.meta['http-bind-address'],
      authEnabled: config.http['auth-enabled'] || config.meta['auth-enabled'],
      version: '0.1.0',
      localNode: { httpAddr: config.http['bind-address'], tcpAddr: config['']['bind-address'] },
      sharedSecret: config.meta['shared-secret'],
      internalSharedSecret: config.meta['internal-shared-secret'],
    })
    await metaAPI.listen()
    closers.push(() => metaAPI.close())
    logger.info({ addr: metaAPI.address }, 'meta API listening')
    return {
      config,
      role: 'run',
      httpURL: data.httpURL,
      metaAddress: metaAPI.address,
      nodeAddress: data.nodeAddress,
      meta,
      store: data.store,
      logger,
      close: closeAll,
    }
  })
}

/**
 * A meta node: the metastore (file or etcd) and the meta API, with the membership commands. It
 * registers itself as a meta node (its meta API address) when it is not registered yet.
 */
function startMetaNode(config: Config, logger: Logger): Promise<TidemarkServer> {
  return withClosers(async (closers, closeAll) => {
    const meta = new MetaClient(await openMetaStore(config, logger, closers))
    await meta.open()
    closers.push(() => meta.close())
    const secret = config.meta['internal-shared-secret']
    const metaAPI: MetaAPIServer = new MetaAPIServer(meta, bcryptHasher, {
      bindAddress: config.meta['http-bind-address'],
      authEnabled: config.meta['auth-enabled'],
      version: '0.1.0',
      sharedSecret: config.meta['shared-secret'],
      internalSharedSecret: secret,
      cluster: {
        joinDataNode: (tcpAddr, metaAddresses) => requestJoin(tcpAddr, metaAddresses, secret),
        authorization: () => (secret === '' ? undefined : bearer(secret, 'tidemark-meta')),
        selfAddress: () => metaAPI.address,
      },
    })
    await metaAPI.listen()
    closers.push(() => metaAPI.close())
    const self = metaAPI.address
    await meta.update((d) =>
      d.metaNodes.some((n) => n.host === self) ? d : d.createMetaNode(self, self),
    )
    logger.info({ addr: self }, 'meta node: meta API listening')
    return {
      config,
      role: 'meta',
      httpURL: '',
      metaAddress: self,
      nodeAddress: '',
      meta,
      store: undefined,
      logger,
      close: closeAll,
    }
  })
}

/** A data node (data-node.ts): unjoined until `tidemark-ctl add-data`, or rejoining. */
async function startDataNode(config: Config, logger: Logger): Promise<TidemarkServer> {
  const node = new DataNode(config, logger)
  try {
    await node.open()
  } catch (err) {
    await node.close().catch(() => undefined)
    throw err
  }
  return {
    config,
    role: 'data',
    get httpURL() {
      return node.httpURL
    },
    metaAddress: '',
    get nodeAddress() {
      return node.nodeAddress
    },
    get meta() {
      return node.meta
    },
    get store() {
      return node.store
    },
    logger,
    close: () => node.close(),
  }
}

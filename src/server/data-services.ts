// The data side of a node, shared by the single node (`tidemarkd run`) and a data node that has
// joined a cluster (`tidemarkd data`): the store, the write coordinator, the query executor, the
// background services (continuous queries, retention, shard precreation), the node API and the
// HTTP API, all over a MetaClient the caller opened (local or remote metastore).

import type { Server as NetServer } from 'node:net'
import type { Logger } from 'pino'
import { recoverRestores } from '../backup/index.js'
import {
  AntiEntropyService,
  ShardDigestCache,
  HintedHandoff,
  OrphanCleanupService,
  PointsWriter,
  RetentionService,
  ShardPrecreationService,
  ShardWriter,
  type ReplicaWriting,
} from '../cluster/index.js'
import { createHTTPServer, type HTTPServer, type QueryExecutor } from '../http/index.js'
import { bcryptHasher, prepareMetaCodecs, type MetaClient } from '../meta/index.js'
import { ClusterShards, type QueryLimits } from '../query/index.js'
import { Store } from '../store/index.js'
import type { Config } from './config.js'
import { HTTPPointsWriter, MetaAuthenticator } from './adapters.js'
import { createStatementExecutor, httpQueryExecutor } from './query-executor.js'
import { ContinuousQueryService } from './continuous-queries.js'
import { CQLeader } from './cq-leader.js'
import { NodeAPIServer, type NodeAPICluster } from './node-api.js'
import { HTTPShardReadClient } from './node-read.js'
import { HTTPEntropyPeer } from './node-entropy.js'

/** Where the data services listen, and what the node API says about cluster membership. */
export interface DataServiceOptions {
  /** The HTTP API's host:port (default: `[http] bind-address`). */
  readonly httpBindAddress?: string
  /** The node API's host:port (default: the top-level `bind-address`). */
  readonly nodeBindAddress?: string
  /**
   * Listening servers whose sockets the HTTP API and the node API take over instead of binding
   * (a joining data node's gate), so the ports are never free while the node starts serving.
   */
  readonly takeOver?: { readonly http: NetServer; readonly node: NetServer }
  /** A data node's membership, for the node API's join endpoint; absent on a single node. */
  readonly cluster?: NodeAPICluster
  /**
   * Whether the metadata is the meta nodes' (false while a data node serves its cached copy
   * because no meta node answers); metadata-driven cleanup waits for it. Default: always.
   */
  readonly metadataIsCurrent?: () => boolean
}

/** The running data services. Their closers were pushed on the caller's list. */
export interface DataServices {
  readonly store: Store
  /** Base URL of the HTTP API ('' when `[http] enabled` is false). */
  readonly httpURL: string
  /** The bound host:port of the HTTP API ('' when disabled). */
  readonly httpAddress: string
  /** The bound host:port of the node API. */
  readonly nodeAddress: string
}

/** This node's ID: the data node whose TCP address is the node API's. */
function findLocalNodeID(meta: MetaClient, nodeAddress: string): bigint | undefined {
  const nodes = meta.data.dataNodes
  const exact = nodes.find((n) => n.tcpHost === nodeAddress)
  if (exact !== undefined) return exact.id
  // Bound to every interface: match on the port alone when exactly one node has it.
  const port = nodeAddress.slice(nodeAddress.lastIndexOf(':'))
  const byPort = nodes.filter((n) => n.tcpHost.endsWith(port))
  return byPort.length === 1 ? byPort[0]?.id : undefined
}

/**
 * The replication side of a data node: node-to-node shard writes and the hinted-handoff service
 * (started here, its close pushed on `closers`). `nodeAddress()` is the node API's bound address.
 */
async function startReplication(
  config: Config,
  meta: MetaClient,
  logger: Logger,
  closers: (() => Promise<void>)[],
  secret: string,
  nodeAddress: () => string,
): Promise<ReplicaWriting & { readonly queues: HintedHandoff | undefined }> {
  const shardWriter = new ShardWriter(secret, config.coordinator['shard-writer-timeout'])
  closers.push(() => Promise.resolve(shardWriter.close()))
  const addressOf = (id: bigint): string | undefined =>
    meta.data.dataNodes.find((n) => n.id === id)?.tcpHost
  let hintedHandoff: HintedHandoff | undefined
  const hh = config['hinted-handoff']
  if (hh.enabled) {
    const service = new HintedHandoff({
      dir: hh.dir,
      maxSizeBytes: hh['max-size'],
      maxAgeMs: hh['max-age'],
      retryIntervalMs: hh['retry-interval'],
      retryMaxIntervalMs: hh['retry-max-interval'],
      nodeAddress: addressOf,
      send: (r) => shardWriter.write(r),
      logger: logger.child({ service: 'hinted-handoff' }),
    })
    await service.open()
    closers.push(() => service.close())
    hintedHandoff = service
  }
  return {
    localNodeID: () => findLocalNodeID(meta, nodeAddress()),
    nodeAddress: addressOf,
    send: (r) => shardWriter.write(r),
    hintedHandoff,
    queues: hintedHandoff,
  }
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
 * Opens the store and starts every data service over `meta`, pushing each one's close on
 * `closers` (closed in reverse by the caller, also when this throws half-way).
 */
export async function startDataServices(
  config: Config,
  meta: MetaClient,
  logger: Logger,
  closers: (() => Promise<void>)[],
  options: DataServiceOptions = {},
): Promise<DataServices> {
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

  let nodeAddress = ''
  const replication =
    options.cluster === undefined
      ? undefined
      : await startReplication(
          config,
          meta,
          logger,
          closers,
          options.cluster.internalSecret,
          () => nodeAddress,
        )
  const writer = new PointsWriter(meta, store, undefined, replication)
  // A data node of a cluster reads the shards other nodes own over their node API.
  let shards: ClusterShards | undefined
  if (options.cluster !== undefined) {
    const client = new HTTPShardReadClient({ secret: options.cluster.internalSecret })
    closers.push(async () => client.close())
    shards = new ClusterShards({
      store,
      meta,
      client,
      localNodeID: () => findLocalNodeID(meta, nodeAddress),
    })
  }
  const statements = createStatementExecutor({
    meta,
    store,
    hasher: bcryptHasher,
    logger: logger.child({ service: 'query' }),
    retentionAutoCreate: config.meta['retention-autocreate'],
    pointsWriter: writer,
    limits: queryLimits(config),
    ...(shards !== undefined && {
      shardView: (dbs: ReadonlySet<string>, signal: AbortSignal) => shards.view(dbs, signal),
    }),
  })
  const executor: QueryExecutor = httpQueryExecutor(statements)

  if (config.continuous_queries.enabled) {
    const leader = new CQLeader({
      nodes: {
        dataNodes: () => meta.data.dataNodes,
        localNodeID: () => findLocalNodeID(meta, nodeAddress),
      },
      logger: logger.child({ service: 'continuous_querier' }),
    })
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
      // In a cluster the data node with the lowest ID that answers runs the CQs (the others
      // would write the same INTO points again); a single node always does.
      runsHere: () => leader.runsHere(),
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

  // Anti-entropy: a data node of a cluster always answers digests and on-demand repairs; the
  // periodic check runs only with `[anti-entropy] enabled`.
  let entropy: AntiEntropyService | undefined
  if (options.cluster !== undefined) {
    const peer = new HTTPEntropyPeer(options.cluster.internalSecret)
    closers.push(async () => peer.close())
    const ae = config['anti-entropy']
    entropy = new AntiEntropyService({
      meta,
      peer,
      localNodeID: () => findLocalNodeID(meta, nodeAddress),
      checkIntervalMs: ae['check-interval'],
      maxFetch: ae['max-fetch'],
      maxSync: ae['max-sync'],
      logger: logger.child({ service: 'anti-entropy' }),
    })
    const service = entropy
    closers.push(() => service.close())
    if (ae.enabled) service.start()
  }
  const nodeAPI = new NodeAPIServer(store, meta, bcryptHasher, {
    entropy: {
      digests: new ShardDigestCache(),
      ...(entropy !== undefined && { service: entropy }),
    },
    bindAddress: options.nodeBindAddress ?? config['']['bind-address'],
    authEnabled: config.http['auth-enabled'],
    ctlSharedSecret: config.meta['shared-secret'],
    version: '0.1.0',
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
  })
  await nodeAPI.listen(options.takeOver?.node)
  nodeAddress = nodeAPI.address
  closers.push(() => nodeAPI.close())
  logger.info({ addr: nodeAPI.address }, 'node API listening')
  // The metastore codecs are built now, not by the first restore or shard group (meta-proto.ts).
  setImmediate(prepareMetaCodecs)

  // A data node deletes the shards and hinted-handoff queues the metadata no longer holds, once
  // now and after every change (DROP DATABASE and the like ran on another node, remove-data).
  if (options.cluster !== undefined) {
    const cleanup = new OrphanCleanupService({
      meta,
      store,
      localNodeID: () => findLocalNodeID(meta, nodeAddress),
      ...(replication?.queues !== undefined && { hintedHandoff: replication.queues }),
      ...(options.metadataIsCurrent !== undefined && { trusted: options.metadataIsCurrent }),
      logger: logger.child({ service: 'cleanup' }),
    })
    cleanup.start()
    closers.push(() => cleanup.close())
  }

  let http: HTTPServer | undefined
  if (config.http.enabled) {
    const auth = new MetaAuthenticator(meta, bcryptHasher)
    http = createHTTPServer(
      {
        bindAddress: options.httpBindAddress ?? config.http['bind-address'],
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
    await http.listen(options.takeOver?.http)
    const h = http
    closers.push(() => h.close())
    logger.info({ addr: http.address }, 'HTTP API listening')
  }
  return {
    store,
    httpURL: http?.url ?? '',
    httpAddress: http?.address ?? '',
    nodeAddress: nodeAPI.address,
  }
}

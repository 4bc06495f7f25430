// A data node (`tidemarkd data`): the store, HTTP API and node API over metadata kept by the meta
// nodes (RemoteMetaStore), without a meta API of its own.
//
// A new data node starts unjoined: a gate answers /ping on both ports, refuses everything else
// with 503 and a JSON error telling the operator to run `tidemark-ctl add-data`, and takes the
// meta node's POST /cluster/join. Joining opens the remote metastore (so the meta nodes must be
// reachable), saves their addresses in `<meta dir>/cluster.json` (temp file, fsync, rename), then
// hands both ports from the gate to the real servers before answering — so by the time
// `add-data` prints its line the node serves. The real servers take over the gate's listening
// sockets, so the ports never stand free for another process to take. The real servers take over the gate's listening
// sockets, so the ports never stand free for another process to take. A joined node rejoins from that file when it
// restarts, serving from its cached metadata (`<meta dir>/meta.db`) if no meta node answers.

import { mkdir, readFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { DEFAULT_VERSION } from '../http/index.js'
import { bearer, MetaClient, RemoteMetaStore } from '../meta/index.js'
import type { Store } from '../store/index.js'
import { keepConnectionsLikeGo, listenOn, closeServer, writeFileDurable } from '../util/index.js'
import { ConfigError, type Config } from './config.js'
import { startDataServices, type DataServices } from './data-services.js'
import { JOIN_PATH, readJoinRequest, type JoinRefusal } from './node-api.js'

/** The file in the meta directory that remembers which meta nodes a data node joined. */
export const JOIN_FILE = 'cluster.json'

/** A data node's addresses, as it reports them when it joins. */
export interface JoinedAddresses {
  readonly httpAddr: string
  readonly tcpAddr: string
}

function isUnspecified(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]'
}

function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'))
}

/**
 * Sends the join request of `add-data` to the node API at `tcpAddr` (from a meta node). Resolves
 * to the data node's HTTP API address (its host taken from `tcpAddr` when it listens on every
 * interface); rejects with a one-line reason.
 */
export function requestJoin(
  tcpAddr: string,
  metaAddresses: readonly string[],
  internalSecret: string,
  timeoutMs = 30_000,
): Promise<{ httpAddr: string }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (internalSecret !== '') headers['Authorization'] = bearer(internalSecret, 'tidemark-meta')
  return new Promise((resolve, reject) => {
    const req = httpRequest(`http://${tcpAddr}${JOIN_PATH}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: { httpAddr?: unknown; error?: unknown } = {}
        try {
          body = JSON.parse(text) as typeof body
        } catch {
          // not JSON: reported below with the raw text
        }
        if (res.statusCode !== 200 || typeof body.httpAddr !== 'string') {
          const why = typeof body.error === 'string' ? body.error : text.trim()
          return reject(new Error(`it answered ${res.statusCode ?? 0}: ${why}`))
        }
        const httpAddr = body.httpAddr
        const host = hostOf(httpAddr)
        resolve({
          httpAddr: isUnspecified(host)
            ? `${hostOf(tcpAddr)}:${httpAddr.slice(host.length + 1)}`
            : httpAddr,
        })
      })
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', (err) => reject(new Error(`it does not answer (${err.message})`)))
    req.end(JSON.stringify({ metaAddresses }))
  })
}

/** The meta node addresses saved by a previous join, or undefined when the node never joined. */
async function readJoinFile(metaDir: string): Promise<readonly string[] | undefined> {
  const path = join(metaDir, JOIN_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const list = (JSON.parse(text) as { metaAddresses?: unknown }).metaAddresses
  if (!Array.isArray(list) || !list.every((a) => typeof a === 'string') || list.length === 0)
    throw new Error(`${path}: metaAddresses must list the meta nodes`)
  return list as string[]
}

/** The two listeners of an unjoined data node; see the file comment. */
class JoinGate {
  readonly #servers: Server[] = []
  readonly #version: string
  readonly #join: (addresses: readonly string[]) => Promise<JoinedAddresses>
  readonly #secret: string
  httpAddress: string
  nodeAddress: string

  constructor(
    httpBind: string,
    nodeBind: string,
    secret: string,
    join: (addresses: readonly string[]) => Promise<JoinedAddresses>,
  ) {
    this.httpAddress = httpBind
    this.nodeAddress = nodeBind
    this.#secret = secret
    this.#join = join
    this.#version = DEFAULT_VERSION
  }

  #refuse(res: ServerResponse, status: number, error: string): void {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'X-Influxdb-Version': this.#version,
    })
    res.end(`${JSON.stringify({ error })}\n`)
  }

  #server(node: boolean): Server {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://gate').pathname
      if (path === '/ping') {
        res.writeHead(204, { 'X-Influxdb-Version': this.#version })
        return void res.end()
      }
      if (!node || path !== JOIN_PATH) {
        req.resume()
        return this.#refuse(
          res,
          503,
          `this data node has not joined a cluster: run tidemark-ctl add-data ${this.nodeAddress}`,
        )
      }
      void (async () => {
        const request = await readJoinRequest(req, this.#secret)
        if (!Array.isArray(request)) {
          const refusal = request as JoinRefusal
          return this.#refuse(res, refusal.status, refusal.error)
        }
        try {
          const joined = await this.#join(request)
          res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' })
          res.end(`${JSON.stringify(joined)}\n`)
        } catch (err) {
          this.#refuse(res, 502, (err as Error).message)
        }
      })().catch((err: unknown) => this.#refuse(res, 500, (err as Error).message))
    })
    keepConnectionsLikeGo(server)
    return server
  }

  /** Listens on both ports (again after a failed join), keeping the ports first bound. */
  async listen(): Promise<void> {
    const http = this.#server(false)
    const node = this.#server(true)
    this.#servers.push(http, node)
    this.httpAddress = await listenOn(http, this.httpAddress)
    this.nodeAddress = await listenOn(node, this.nodeAddress)
  }

  /** The two listening servers, for the real servers to take their sockets over. */
  get servers(): { http: Server; node: Server } | undefined {
    const [http, node] = this.#servers
    return http !== undefined && node !== undefined ? { http, node } : undefined
  }

  /**
   * Forgets the servers once the real ones took their sockets over (closing them would close
   * those sockets); their idle keep-alive connections are dropped, requests in flight finish.
   */
  release(): void {
    for (const s of this.#servers) s.closeIdleConnections()
    this.#servers.length = 0
  }

  /**
   * Stops listening now without waiting for connections in flight (the failed join's own
   * request is one of them) and forgets the servers, so `listen()` can bind again.
   */
  drop(): void {
    for (const s of this.#servers) {
      s.close()
      s.closeIdleConnections()
    }
    this.#servers.length = 0
  }

  /** Stops and waits for connections to end. Idempotent. */
  async close(): Promise<void> {
    await Promise.all(this.#servers.map((s) => closeServer(s)))
    this.#servers.length = 0
  }
}

/** A running data node. `close()` stops it (idempotent). */
export class DataNode {
  readonly #config: Config
  readonly #logger: Logger
  readonly #closers: (() => Promise<void>)[] = []
  #gate: JoinGate | undefined
  #metaAddresses: readonly string[] = []
  #meta: MetaClient | undefined
  #services: DataServices | undefined
  #joining: Promise<JoinedAddresses> | undefined

  constructor(config: Config, logger: Logger) {
    this.#config = config
    this.#logger = logger
  }

  /** Whether the node has joined a cluster (and serves writes and queries). */
  get joined(): boolean {
    return this.#services !== undefined
  }

  /** The metadata client once joined. */
  get meta(): MetaClient | undefined {
    return this.#meta
  }

  /** The store once joined. */
  get store(): Store | undefined {
    return this.#services?.store
  }

  /** The HTTP API's base URL (the gate's before joining). */
  get httpURL(): string {
    const address = this.#services?.httpAddress ?? this.#gate?.httpAddress ?? ''
    return address === '' ? '' : `http://${address}`
  }

  /** The node API's host:port (the gate's before joining). */
  get nodeAddress(): string {
    return this.#services?.nodeAddress ?? this.#gate?.nodeAddress ?? ''
  }

  /** Rejoins the saved meta nodes, or opens the gate and waits for `add-data`. */
  async open(): Promise<void> {
    // Data nodes write and read each other's shards on the node API, authenticated with the
    // internal secret: with authentication on and no secret, those paths would be open to anyone.
    if (
      this.#config.http['auth-enabled'] &&
      this.#config.meta['meta-internal-shared-secret'] === ''
    )
      throw new ConfigError(
        '[http] auth-enabled on a data node needs [meta] meta-internal-shared-secret: data nodes authenticate their shard reads and writes to each other with it',
        { section: 'meta', key: 'meta-internal-shared-secret' },
      )
    const saved = await readJoinFile(this.#config.meta.dir)
    if (saved !== undefined) {
      await this.#openJoined(saved, this.#closers, {})
      this.#logger.info({ metaNodes: saved }, 'rejoined the cluster')
      return
    }
    const gate = new JoinGate(
      this.#config.http['bind-address'],
      this.#config['']['bind-address'],
      this.#config.meta['meta-internal-shared-secret'],
      (addresses) => this.#join(addresses),
    )
    await gate.listen()
    this.#gate = gate
    this.#logger.info(
      { http: gate.httpAddress, node: gate.nodeAddress },
      'data node waiting to be added: tidemark-ctl add-data',
    )
  }

  /** Stops the gate or the services, then the metastore. Idempotent. */
  async close(): Promise<void> {
    await this.#joining?.catch(() => undefined)
    await this.#gate?.close()
    this.#gate = undefined
    for (const close of this.#closers.reverse()) await close()
    this.#closers.length = 0
  }

  #join(addresses: readonly string[]): Promise<JoinedAddresses> {
    if (this.#services !== undefined || this.#joining !== undefined)
      return Promise.reject(new Error('a join is already in progress'))
    const run = async (): Promise<JoinedAddresses> => {
      const gate = this.#gate
      if (gate === undefined) throw new Error('the data node is closing')
      const closers: (() => Promise<void>)[] = []
      try {
        await this.#openJoined(addresses, closers, {
          beforeListen: async () => {
            await mkdir(this.#config.meta.dir, { recursive: true })
            await writeFileDurable(
              join(this.#config.meta.dir, JOIN_FILE),
              `${JSON.stringify({ metaAddresses: addresses }, null, 2)}\n`,
            )
          },
          httpBindAddress: gate.httpAddress,
          nodeBindAddress: gate.nodeAddress,
          ...(gate.servers !== undefined ? { takeOver: gate.servers } : {}),
        })
      } catch (err) {
        for (const close of closers.reverse()) await close().catch(() => undefined)
        this.#meta = undefined
        this.#services = undefined
        // The real servers may have taken the sockets over (and closed them): listen afresh.
        gate.drop()
        await gate.listen()
        throw err
      }
      gate.release()
      this.#closers.push(...closers)
      this.#logger.info({ metaNodes: addresses }, 'joined the cluster')
      return { httpAddr: this.#services?.httpAddress ?? '', tcpAddr: this.nodeAddress }
    }
    const p = run()
    this.#joining = p
    return p.finally(() => (this.#joining = undefined))
  }

  async #openJoined(
    addresses: readonly string[],
    closers: (() => Promise<void>)[],
    how: {
      beforeListen?: () => Promise<void>
      httpBindAddress?: string
      nodeBindAddress?: string
      takeOver?: { http: Server; node: Server }
    },
  ): Promise<void> {
    const secret = this.#config.meta['meta-internal-shared-secret']
    const log = this.#logger.child({ service: 'metastore' })
    const remote = new RemoteMetaStore({
      addresses,
      authorization: () => (secret === '' ? undefined : bearer(secret, 'tidemark-data')),
      cacheDir: this.#config.meta.dir,
      onError: (err) => log.warn({ err: err.message, code: err.code }, 'meta nodes unreachable'),
    })
    closers.push(() => remote.close())
    const meta = new MetaClient(remote)
    await meta.open()
    closers.push(() => meta.close())
    if (remote.loadedFromCache)
      log.warn({ metaNodes: addresses }, 'no meta node answers: serving the cached metadata')
    await how.beforeListen?.()
    this.#metaAddresses = addresses
    this.#meta = meta
    this.#services = await startDataServices(this.#config, meta, this.#logger, closers, {
      ...(how.httpBindAddress !== undefined ? { httpBindAddress: how.httpBindAddress } : {}),
      ...(how.nodeBindAddress !== undefined ? { nodeBindAddress: how.nodeBindAddress } : {}),
      ...(how.takeOver !== undefined ? { takeOver: how.takeOver } : {}),
      cluster: {
        metaAddresses: () => this.#metaAddresses,
        addresses: () => ({
          httpAddr: this.#services?.httpAddress ?? '',
          tcpAddr: this.nodeAddress,
        }),
        internalSecret: secret,
      },
      metadataIsCurrent: () => !remote.loadedFromCache,
    })
  }
}

// The node API (top-level `bind-address`, default 127.0.0.1:8088): what `tidemark-ctl backup`
// asks the data node for. InfluxDB serves its backup RPC on this port; ours speaks HTTP.
//
//   GET /ping                       204
//   GET /shards/<id>/archive        200 application/gzip, chunked: a shard archive (`.tar.gz`, as
//       [?start=ns&end=ns]          writeShardArchive writes it), headers X-Archive-Last-Modified
//                                   (Unix ns) and X-Archive-Fingerprint, trailers X-Archive-Size
//                                   (uncompressed tar bytes) and X-Archive-Crc32 (of the
//                                   gzip bytes, 8 hex digits: a transfer check; the client
//                                   computes the sha256 it records)
//       [&fingerprint-only=1]       200 JSON {"fingerprint","lastModified"}: no archive is built
//   404 for a shard this node does not hold, 400 for a bad time range.
//
// The archive is streamed as it is made (gzip on several cores), so it is never written on the
// node; a failure half-way cuts the connection, and the client, missing the trailers, refuses it. With authentication on, every endpoint but /ping
// needs an admin's credentials (Basic auth), as the meta API.

import type { Server as NetServer } from 'node:net'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  archiveFingerprint,
  BackupError,
  BackupOptionsError,
  keepRange,
  pumpArchive,
  streamSnapshotArchive,
  BackupWriteError,
  shardFileState,
  takeShardSnapshot,
} from '../backup/index.js'
import {
  abandonRestore,
  commitRestore,
  planStagedRestore,
  inRestoreSession,
  receiveFile,
  RestoreRequestError,
  stagingDir,
  sweepAbandonedRestores,
} from './node-restore.js'
import { handleShardWrite, SHARD_WRITE_PATH } from './node-write.js'
import { isReadPath, serveRead } from './node-read.js'
import { SHARD_OP_PATH, serveShardOp } from './node-shards.js'
import {
  isEntropyAdminPath,
  isEntropyPeerPath,
  serveEntropyAdmin,
  serveEntropyPeer,
} from './node-entropy.js'
import type { AntiEntropyService, ShardDigestCache } from '../cluster/index.js'
import {
  authorizeAdmin,
  verifyBearer,
  type MetaClient,
  type PasswordHasher,
} from '../meta/index.js'
import { closeServer, keepConnectionsLikeGo, listenOn } from '../util/index.js'
import type { Store } from '../store/index.js'

/** Options of the node API server. */
export interface NodeAPIOptions {
  /** host:port; port 0 picks a free port. */
  readonly bindAddress: string
  readonly authEnabled: boolean
  /** `[meta] shared-secret`: tidemark-ctl's `-auth-type jwt` tokens are signed with it ('' = none taken). */
  readonly ctlSharedSecret?: string
  readonly version: string
  /** The membership of a data node (for POST /cluster/join); absent on a single node. */
  readonly cluster?: NodeAPICluster
  /** Anti-entropy (node-entropy.ts): the digest cache and, on a data node, the service. */
  readonly entropy?: { readonly digests: ShardDigestCache; readonly service?: AntiEntropyService }
}

/** How long a restore's staging directory may stay idle before it is removed as abandoned. */
const ABANDONED_RESTORE_MS = 60 * 60 * 1000

/** What the join endpoint of a joined data node needs to know. */
export interface NodeAPICluster {
  /** The meta API addresses this data node joined. */
  metaAddresses(): readonly string[]
  /** This data node's HTTP API address and node API address, as it reports them on join. */
  addresses(): { readonly httpAddr: string; readonly tcpAddr: string }
  /** `[meta] meta-internal-shared-secret` ('' = join requests need no token). */
  readonly internalSecret: string
}

/** The path of the join request a meta node sends a data node. */
export const JOIN_PATH = '/cluster/join'

/** A refused join request: the status and the one-line reason. */
export interface JoinRefusal {
  readonly status: number
  readonly error: string
}

const NOT_JSON = Symbol('not JSON')

/** The request's whole body parsed as JSON, or NOT_JSON. */
async function readJSON(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    return NOT_JSON
  }
}

/**
 * Checks and parses a join request: its token (when `secret` is set) and its JSON body
 * `{"metaAddresses": ["host:port", ...]}`. Returns the addresses or why they are refused.
 */
export async function readJoinRequest(
  req: IncomingMessage,
  secret: string,
): Promise<readonly string[] | JoinRefusal> {
  if (req.method !== 'POST') return { status: 405, error: 'method not allowed' }
  if (secret !== '') {
    const check = verifyBearer(req.headers.authorization, secret)
    if (!check.ok) return { status: 401, error: `authorization failed: ${check.reason}` }
  }
  const body = await readJSON(req)
  if (body === NOT_JSON) return { status: 400, error: 'the join request must be JSON' }
  const list = (body as { metaAddresses?: unknown } | null)?.metaAddresses
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((a): a is string => typeof a === 'string' && /^\S+:\d{1,5}$/.test(a))
  )
    return { status: 400, error: 'metaAddresses must list the meta nodes as host:port' }
  return list
}

const ARCHIVE_PATH = /^\/shards\/(\d{1,15})\/archive$/
const RESTORE_PATH = /^\/restore\/([^/]+)(?:\/([^/]+))?$/

function nsParam(url: URL, name: string): bigint | undefined {
  const v = url.searchParams.get(name)
  if (v === null || v === '') return undefined
  if (!/^-?\d{1,19}$/.test(v))
    throw new BackupOptionsError(
      `${name} must be a Unix time in nanoseconds, got ${JSON.stringify(v)}`,
    )
  return BigInt(v)
}

/** The node API over HTTP. `listen()`, then `close()` (idempotent). */
export class NodeAPIServer {
  readonly #store: Store
  readonly #meta: MetaClient
  readonly #hasher: PasswordHasher
  readonly #options: NodeAPIOptions
  readonly #server: Server
  #address = ''
  #sweeper: NodeJS.Timeout | undefined

  constructor(store: Store, meta: MetaClient, hasher: PasswordHasher, options: NodeAPIOptions) {
    this.#store = store
    this.#meta = meta
    this.#hasher = hasher
    this.#options = options
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (res.headersSent) res.destroy(err as Error)
        else this.#send(res, 500, { error: (err as Error).message })
      })
    })
    keepConnectionsLikeGo(this.#server)
  }

  /** The bound host:port. */
  get address(): string {
    return this.#address
  }

  /** Binds the bind address, or with `takeOver` (a listening server) takes over its socket. */
  async listen(takeOver?: NetServer): Promise<void> {
    this.#address = await listenOn(this.#server, this.#options.bindAddress, takeOver)
    this.#sweeper = setInterval(
      () =>
        void sweepAbandonedRestores(this.#store.config.dataDir, ABANDONED_RESTORE_MS).catch(
          () => undefined,
        ),
      ABANDONED_RESTORE_MS / 12,
    )
    this.#sweeper.unref()
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    await closeServer(this.#server)
  }

  #send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'X-Tidemark-Version': this.#options.version,
      ...headers,
    })
    res.end(body === undefined ? undefined : `${JSON.stringify(body)}\n`)
  }

  async #authorized(req: IncomingMessage): Promise<boolean> {
    return (
      !this.#options.authEnabled ||
      (await authorizeAdmin(
        req.headers.authorization,
        this.#meta.data,
        this.#hasher,
        this.#options.ctlSharedSecret ?? '',
      ))
    )
  }

  /** The restore endpoints (node-restore.ts): upload files, commit, abandon. */
  async #restore(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    name: string,
  ): Promise<void> {
    const dataDir = this.#store.config.dataDir
    let dir: string
    try {
      dir = stagingDir(dataDir, token)
    } catch (err) {
      return this.#send(res, 400, { error: (err as Error).message })
    }
    return inRestoreSession(dir, () => this.#restoreRequest(req, res, dataDir, token, name, dir))
  }

  async #restoreRequest(
    req: IncomingMessage,
    res: ServerResponse,
    dataDir: string,
    token: string,
    name: string,
    staged: string,
  ): Promise<void> {
    try {
      if (req.method === 'PUT' && name !== '' && name !== 'commit' && name !== 'plan') {
        await receiveFile(dataDir, token, name, req)
        return this.#send(res, 204, undefined)
      }
      if (req.method === 'POST' && name === 'plan') {
        const body = await readJSON(req)
        if (body === NOT_JSON) throw new RestoreRequestError('restore options must be JSON')
        return this.#send(res, 200, await planStagedRestore(this.#store, this.#meta, token, body))
      }
      if (req.method === 'POST' && name === 'commit') {
        const body = await readJSON(req)
        if (body === NOT_JSON) throw new RestoreRequestError('restore options must be JSON')
        // A client that goes away before the answer (killed) abandons the restore: rolled back
        // unless its metadata is already saved, so the target stays as it was and a rerun works.
        const gone = new AbortController()
        res.on('close', () => {
          if (!res.writableEnded) gone.abort()
        })
        return this.#send(
          res,
          200,
          await commitRestore(
            this.#store,
            this.#meta,
            token,
            body,
            {
              self: this.#shardContext().self,
              ...(req.headers.authorization !== undefined
                ? { authorization: req.headers.authorization }
                : {}),
            },
            gone.signal,
          ),
        )
      }
      if (req.method === 'DELETE' && name === '') {
        await abandonRestore(dataDir, token)
        return this.#send(res, 204, undefined)
      }
      return this.#send(res, 405, { error: 'method not allowed' }, { Allow: 'PUT, POST, DELETE' })
    } catch (err) {
      // A file this node could not write (its disk) is the node's failure, not the request's.
      const status =
        !(err instanceof BackupWriteError) &&
        (err instanceof RestoreRequestError || err instanceof BackupError)
          ? 400
          : 500
      return this.#send(res, status, {
        error: (err as Error).message,
        code: (err as { code?: string }).code,
        staged, // errors name staged files by their path here; the client shows its own path
      })
    }
  }

  /** What the shard endpoints (node-shards.ts) and a cluster restore need of this node. */
  #shardContext(): { store: Store; meta: MetaClient; self: string } {
    return {
      store: this.#store,
      meta: this.#meta,
      self: this.#options.cluster?.addresses().tcpAddr ?? '',
    }
  }

  /** POST /cluster/join on a running node: idempotent for its own cluster, refused otherwise. */
  async #join(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cluster = this.#options.cluster
    if (cluster === undefined) {
      req.resume()
      return this.#send(res, 400, {
        error:
          'this node runs meta and data in one process (tidemarkd run) and cannot join a cluster',
      })
    }
    const request = await readJoinRequest(req, cluster.internalSecret)
    if (!Array.isArray(request)) {
      const refusal = request as JoinRefusal
      return this.#send(res, refusal.status, { error: refusal.error })
    }
    const mine = cluster.metaAddresses()
    if (!request.some((a) => mine.includes(a)))
      return this.#send(res, 409, {
        error: `this data node already belongs to the cluster of meta nodes ${mine.join(',')}`,
      })
    return this.#send(res, 200, cluster.addresses())
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://node')
    if (url.pathname === '/ping') {
      res.writeHead(204, { 'X-Tidemark-Version': this.#options.version })
      res.end()
      return
    }
    if (url.pathname === JOIN_PATH) return this.#join(req, res)
    // Node-to-node endpoints: signed with the internal secret (when one is set), not Basic auth.
    const cluster = this.#options.cluster
    const entropy = this.#options.entropy
    const shardWrite = SHARD_WRITE_PATH.exec(url.pathname)
    const read = cluster !== undefined && isReadPath(url.pathname)
    const peer = cluster !== undefined && entropy !== undefined && isEntropyPeerPath(url.pathname)
    if (shardWrite !== null && cluster === undefined) {
      // Data nodes write each other's shards; a single node has no such peer.
      req.resume()
      return this.#send(res, 404, { error: 'not found' })
    }
    if (shardWrite !== null || read || peer) {
      const secret = cluster?.internalSecret ?? ''
      const check = secret === '' ? undefined : verifyBearer(req.headers.authorization, secret)
      if (check !== undefined && !check.ok) {
        req.resume()
        return this.#send(res, 401, { error: `authorization failed: ${check.reason}` })
      }
      // Without a secret (a data node refuses to start so with authentication on), an admin's
      // credentials, when authentication is on.
      if (check === undefined && !(await this.#authorized(req))) {
        req.resume()
        return this.#send(res, 401, { error: 'authorization failed: an admin user is required' })
      }
      if (shardWrite !== null) return handleShardWrite(req, res, this.#store, Number(shardWrite[1]))
      if (read) return serveRead(req, res, this.#store)
      if (entropy !== undefined) return serveEntropyPeer(req, res, this.#store, entropy.digests)
    }
    if (!(await this.#authorized(req))) {
      return this.#send(
        res,
        401,
        { error: 'authorization failed: an admin user is required' },
        { 'WWW-Authenticate': 'Basic realm="tidemark-node"' },
      )
    }
    if (isEntropyAdminPath(url.pathname)) return serveEntropyAdmin(req, res, entropy?.service)
    const restore = RESTORE_PATH.exec(url.pathname)
    if (restore !== null) {
      let name: string
      try {
        name = decodeURIComponent(restore[2] ?? '') // the client encodes file names (spaces, UTF-8)
      } catch {
        return this.#send(res, 400, { error: 'invalid file name encoding' })
      }
      return this.#restore(req, res, restore[1] ?? '', name)
    }
    if (SHARD_OP_PATH.test(url.pathname))
      return serveShardOp(req, res, this.#shardContext(), (r, s, b) => this.#send(r, s, b))
    if (req.method !== 'GET')
      return this.#send(res, 405, { error: 'method not allowed' }, { Allow: 'GET' })
    const m = ARCHIVE_PATH.exec(url.pathname)
    if (m === null) return this.#send(res, 404, { error: `not found: ${url.pathname}` })
    const id = Number(m[1])
    const shard = this.#store.shard(id)
    if (shard === undefined)
      return this.#send(res, 404, { error: `shard ${id} not found on this node` })
    let range: { start?: bigint; end?: bigint }
    try {
      const start = nsParam(url, 'start')
      const end = nsParam(url, 'end')
      range = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) }
      keepRange(range)
    } catch (err) {
      if (err instanceof BackupOptionsError) return this.#send(res, 400, { error: err.message })
      throw err
    }
    if (url.searchParams.get('fingerprint-only') === '1') {
      const state = await shardFileState(shard)
      const fingerprint = archiveFingerprint(state.fingerprint, keepRange(range))
      return this.#send(res, 200, { fingerprint, lastModified: String(state.lastModifiedNs) })
    }
    const snap = await takeShardSnapshot(shard)
    try {
      const location = {
        database: shard.database,
        retentionPolicy: shard.retentionPolicy,
        shardID: BigInt(shard.id),
      }
      const a = await streamSnapshotArchive(snap, location, { ...range, checksum: 'crc32' })
      res.writeHead(200, {
        'Content-Type': 'application/gzip',
        Trailer: 'X-Archive-Size, X-Archive-Crc32',
        'X-Archive-Last-Modified': String(a.lastModified),
        'X-Archive-Fingerprint': a.fingerprint,
        'X-Tidemark-Version': this.#options.version,
      })
      try {
        // Chunk by chunk, not for-await (its iterator joins what is buffered into a new Buffer);
        // each buffer goes back to the archive once the socket has taken it.
        await pumpArchive(a, res)
        const sums = await a.done
        res.addTrailers({ 'X-Archive-Size': String(sums.size), 'X-Archive-Crc32': sums.checksum })
        res.end()
      } catch (err) {
        // Headers are out: cut the connection so the client cannot take a partial archive for a whole one.
        a.stream.destroy()
        res.destroy(err as Error)
      }
    } finally {
      await snap.release()
    }
  }
}

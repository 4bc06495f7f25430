// The meta API (`[meta] http-bind-address`, default 127.0.0.1:8091): what `tidemark-ctl` and the
// data nodes ask a meta node.
//
//   GET  /ping     204
//   GET  /data     200 application/octet-stream: the current meta.Data protobuf (InfluxDB's format);
//                  header X-Meta-Index carries its index
//        ?index=N&wait=1[&timeout=ms]  long poll: answered 200 as soon as the index passes N, or
//                  304 (no body) after `timeout` (default and maximum 30 s) without a change
//   POST /data?index=N  body: a meta.Data protobuf computed from the data at index N. Stored (as
//                  index N+1) only if the index is still N: 200 with X-Meta-Index; else 409 with
//                  the current data as body, to compute the change again (remote-meta-store.ts)
//   GET  /show     200 JSON {"clusterID", "dataNodes": [...], "metaNodes": [...]}
//   GET  /shards   200 JSON [{"id","database","retentionPolicy","shardGroupID","startTime","endTime",
//                  "expiryTime","truncatedAt","owners":[...]}], times in RFC3339 (UTC)
//   POST /add-data {"addr"}, /remove-data {"addr","force"}, /update-data {"old","new"},
//        /add-meta {"addr"}, /remove-meta {"addr"}: membership (meta-api-membership.ts); 200 JSON
//                  {"id","httpAddr","tcpAddr"} or 4xx/5xx {"error"}
//
// Authentication: with `authEnabled`, every endpoint but /ping needs an admin's credentials (Basic
// auth, or a JWT signed with `sharedSecret` naming an admin — any user until an admin exists, so a
// new cluster can be set up). With `internalSharedSecret`, a token
// signed with it (node-to-node requests) is accepted everywhere, and /data requires it or an
// admin's credentials — anonymous metadata reads and writes are refused with 401.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { MetaCorruptError, MetaStoreIOError } from './errors.js'
import { verifyBearer } from './internal-token.js'
import { decodeMetaData, encodeMetaData } from './meta-codec.js'
import type { MetaClient } from './meta-client.js'
import type { MetaData } from './meta-data.js'
import * as membership from './meta-api-membership.js'
import type { ClusterMembership, MembershipAnswer } from './meta-api-membership.js'
import { authorizeAdmin, type PasswordHasher } from './users.js'
import { closeServer, keepConnectionsLikeGo, listenOn } from '../util/index.js'

/** Options of the meta API server. */
export interface MetaAPIOptions {
  /** host:port; port 0 picks a free port. */
  readonly bindAddress: string
  readonly authEnabled: boolean
  readonly version: string
  /** This node, listed as the data node of a single-node Tidemark (no registered data nodes). */
  readonly localNode?: { readonly httpAddr: string; readonly tcpAddr: string }
  /** `[meta] shared-secret`: verifies `tidemark-ctl -auth-type jwt` tokens ('' or absent: none). */
  readonly sharedSecret?: string
  /** `[meta] internal-shared-secret`: signs and verifies node-to-node requests ('' or absent: none). */
  readonly internalSharedSecret?: string
  /** The longest a long poll of /data is held, in ms (default 30 000). */
  readonly maxPollWaitMs?: number
  /** Membership commands that reach other nodes (add-data, add-meta); absent on a single node. */
  readonly cluster?: ClusterMembership
}

const SINGLE_NODE =
  'this node runs meta and data in one process (tidemarkd run): a cluster has meta nodes ' +
  '(tidemarkd meta) and data nodes (tidemarkd data)'

/** Thrown inside a compare-and-swap when the index moved; never leaves this module. */
class StaleIndex extends Error {
  constructor(readonly seen: MetaData) {
    super('stale index')
  }
}

function rfc3339(ns: bigint): string {
  const ms = ns / 1_000_000n
  const d = new Date(Number(ms))
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z')
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** The meta API over HTTP. `listen()`, then `close()` (idempotent). */
export class MetaAPIServer {
  readonly #meta: MetaClient
  readonly #hasher: PasswordHasher
  readonly #options: MetaAPIOptions
  readonly #server: Server
  /** Ends every long poll in progress (on close). */
  readonly #polls = new Set<() => void>()
  #address = ''

  constructor(meta: MetaClient, hasher: PasswordHasher, options: MetaAPIOptions) {
    this.#meta = meta
    this.#hasher = hasher
    this.#options = options
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy()
        const status = err instanceof MetaStoreIOError ? 503 : 500
        this.#send(res, status, { error: (err as Error).message })
      })
    })
    keepConnectionsLikeGo(this.#server)
  }

  /** The bound host:port. */
  get address(): string {
    return this.#address
  }

  async listen(): Promise<void> {
    this.#address = await listenOn(this.#server, this.#options.bindAddress)
  }

  /** Answers the long polls in progress, then stops. Idempotent. */
  async close(): Promise<void> {
    for (const end of this.#polls) end()
    await closeServer(this.#server)
  }

  #send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text =
      body === undefined
        ? ''
        : `${JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'X-Tidemark-Version': this.#options.version,
      ...headers,
    })
    res.end(text)
  }

  #sendData(res: ServerResponse, status: number, data: MetaData): void {
    const bytes = encodeMetaData(data)
    res.writeHead(status, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.length,
      'X-Meta-Index': String(data.index),
      'X-Tidemark-Version': this.#options.version,
    })
    res.end(bytes)
  }

  /**
   * Whether the request may proceed: a token signed with the internal secret always may; else an
   * admin's credentials when authentication is on; else anyone, except on the node-to-node
   * endpoints (`internal`) once an internal secret is set.
   */
  async #authorized(req: IncomingMessage, internal: boolean): Promise<boolean> {
    const header = req.headers.authorization
    const internalSecret = this.#options.internalSharedSecret ?? ''
    const isBearer = header?.startsWith('Bearer ') === true
    if (internalSecret !== '' && isBearer && verifyBearer(header, internalSecret).ok) return true
    if (!this.#options.authEnabled) return !(internal && internalSecret !== '')
    return authorizeAdmin(header, this.#meta.data, this.#hasher, this.#options.sharedSecret ?? '')
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://meta')
    const path = url.pathname
    const post = req.method === 'POST'
    if (!post && req.method !== 'GET' && req.method !== 'HEAD')
      return this.#send(res, 405, { error: 'method not allowed' }, { Allow: 'GET, HEAD, POST' })
    if (path === '/ping') {
      res.writeHead(204, { 'X-Tidemark-Version': this.#options.version })
      res.end()
      return
    }
    const internal = path === '/data'
    if (!(await this.#authorized(req, internal))) {
      if (internal && (this.#options.internalSharedSecret ?? '') !== '')
        return this.#send(res, 401, {
          error: 'authorization failed: a token signed with the internal shared secret is required',
        })
      return this.#send(
        res,
        401,
        { error: 'authorization failed: an admin user is required' },
        { 'WWW-Authenticate': 'Basic realm="tidemark-meta"' },
      )
    }
    if (post) return this.#handlePost(req, res, url)
    const data = this.#meta.data
    switch (path) {
      case '/data':
        return this.#getData(res, url)
      case '/show':
        return this.#send(res, 200, {
          clusterID: String(data.clusterID),
          dataNodes:
            data.dataNodes.length === 0 && this.#options.localNode !== undefined
              ? [{ id: 1, ...this.#options.localNode }]
              : data.dataNodes.map((n) => ({ id: n.id, httpAddr: n.host, tcpAddr: n.tcpHost })),
          metaNodes: data.metaNodes.map((n) => ({
            id: n.id,
            httpAddr: n.host,
            tcpAddr: n.tcpHost,
          })),
        })
      case '/shards':
        return this.#send(res, 200, shardRows(data))
      default:
        return this.#send(res, 404, { error: `not found: ${path}` })
    }
  }

  /** GET /data, with the long poll when `wait` is set. */
  async #getData(res: ServerResponse, url: URL): Promise<void> {
    const indexParam = url.searchParams.get('index')
    const wait = url.searchParams.get('wait')
    if (indexParam === null || wait === null || wait === '0' || wait === 'false')
      return this.#sendData(res, 200, this.#meta.data)
    if (!/^\d{1,20}$/.test(indexParam))
      return this.#send(res, 400, { error: 'index must be a non-negative integer' })
    const since = BigInt(indexParam)
    const max = this.#options.maxPollWaitMs ?? 30_000
    const timeout = Number(url.searchParams.get('timeout') ?? max)
    const waitMs = Number.isFinite(timeout) && timeout >= 0 ? Math.min(timeout, max) : max
    if (this.#meta.data.index <= since) {
      await new Promise<void>((resolve) => {
        const end = (): void => {
          clearTimeout(timer)
          off()
          res.off('close', end)
          this.#polls.delete(end)
          resolve()
        }
        const timer = setTimeout(end, waitMs)
        const off = this.#meta.onChange((d) => {
          if (d.index > since) end()
        })
        res.on('close', end)
        this.#polls.add(end)
      })
    }
    if (res.destroyed) return
    const now = this.#meta.data
    if (now.index <= since) {
      res.writeHead(304, { 'X-Meta-Index': String(now.index) })
      res.end()
      return
    }
    this.#sendData(res, 200, now)
  }

  async #handlePost(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname
    const body = await readBody(req)
    if (path === '/data') return this.#compareAndSwap(res, url, body)
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch {
      return this.#send(res, 400, { error: 'the request body must be JSON' })
    }
    const cluster = this.#options.cluster
    let answer: MembershipAnswer
    switch (path) {
      case '/add-data':
        answer =
          cluster === undefined
            ? { status: 400, body: { error: SINGLE_NODE } }
            : await membership.addDataNode(this.#meta, cluster, json)
        break
      case '/remove-data':
        answer = await membership.removeDataNode(this.#meta, json)
        break
      case '/update-data':
        answer = await membership.updateDataNode(this.#meta, json)
        break
      case '/add-meta':
        answer =
          cluster === undefined
            ? { status: 400, body: { error: SINGLE_NODE } }
            : await membership.addMetaNode(this.#meta, cluster, json)
        break
      case '/remove-meta':
        answer = await membership.removeMetaNode(this.#meta, json)
        break
      default:
        return this.#send(res, 404, { error: `not found: ${path}` })
    }
    return this.#send(res, answer.status, answer.body)
  }

  /** POST /data?index=N: stores the body as the next version if the index is still N. */
  async #compareAndSwap(res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const indexParam = url.searchParams.get('index') ?? ''
    if (!/^\d{1,20}$/.test(indexParam))
      return this.#send(res, 400, { error: 'index must be a non-negative integer' })
    const expected = BigInt(indexParam)
    let posted: MetaData
    try {
      posted = decodeMetaData(body, { strict: true, path: 'the request body' })
    } catch (err) {
      if (err instanceof MetaCorruptError) return this.#send(res, 400, { error: err.message })
      throw err
    }
    try {
      const stored = await this.#meta.update((current) => {
        if (current.index !== expected) throw new StaleIndex(current)
        return posted.with({ index: current.index })
      })
      return this.#send(res, 200, undefined, { 'X-Meta-Index': String(stored.index) })
    } catch (err) {
      if (err instanceof StaleIndex) return this.#sendData(res, 409, err.seen)
      throw err
    }
  }
}

/** The rows of GET /shards: every shard of a live shard group. */
function shardRows(data: MetaData): unknown[] {
  const out: unknown[] = []
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const g of rp.shardGroups) {
        if (g.deletedAtNs !== 0n) continue
        for (const s of g.shards) {
          out.push({
            id: s.id,
            database: db.name,
            retentionPolicy: rp.name,
            shardGroupID: g.id,
            startTime: rfc3339(g.startTimeNs),
            endTime: rfc3339(g.endTimeNs),
            expiryTime: rp.durationNs === 0n ? '' : rfc3339(g.endTimeNs + rp.durationNs),
            truncatedAt: g.truncatedAtNs === 0n ? '' : rfc3339(g.truncatedAtNs),
            owners: s.owners,
          })
        }
      }
    }
  }
  return out
}

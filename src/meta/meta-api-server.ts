// The meta API (`[meta] http-bind-address`, default 127.0.0.1:8091): what `tidemark-ctl` asks a
// meta node. Read-only for now — the cluster commands of issue #6 add the changing endpoints.
//
//   GET /ping     204
//   GET /data     200 application/octet-stream: the current meta.Data protobuf (InfluxDB's format);
//                 header X-Meta-Index carries its index
//   GET /show     200 JSON {"clusterID", "dataNodes": [...], "metaNodes": [...]}
//   GET /shards   200 JSON [{"id","database","retentionPolicy","shardGroupID","startTime","endTime",
//                 "expiryTime","truncatedAt","owners":[...]}], times in RFC3339 (UTC)
//
// With authentication on, every endpoint but /ping needs an admin's credentials (Basic auth).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { encodeMetaData } from './meta-codec.js'
import type { MetaClient } from './meta-client.js'
import { authorizeAdminBasic, type PasswordHasher } from './users.js'
import { closeServer, keepConnectionsLikeGo, listenOn } from '../util/index.js'

/** Options of the meta API server. */
export interface MetaAPIOptions {
  /** host:port; port 0 picks a free port. */
  readonly bindAddress: string
  readonly authEnabled: boolean
  readonly version: string
  /** This node, listed as the data node of a single-node Tidemark (no registered data nodes). */
  readonly localNode?: { readonly httpAddr: string; readonly tcpAddr: string }
}

function rfc3339(ns: bigint): string {
  const ms = ns / 1_000_000n
  const d = new Date(Number(ms))
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z')
}

/** The meta API over HTTP. `listen()`, then `close()` (idempotent). */
export class MetaAPIServer {
  readonly #meta: MetaClient
  readonly #hasher: PasswordHasher
  readonly #options: MetaAPIOptions
  readonly #server: Server
  #address = ''

  constructor(meta: MetaClient, hasher: PasswordHasher, options: MetaAPIOptions) {
    this.#meta = meta
    this.#hasher = hasher
    this.#options = options
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) =>
        this.#send(res, 500, { error: (err as Error).message }),
      )
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

  async close(): Promise<void> {
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

  async #authorized(req: IncomingMessage): Promise<boolean> {
    return (
      !this.#options.authEnabled ||
      (await authorizeAdminBasic(req.headers.authorization, this.#meta.data, this.#hasher))
    )
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://meta').pathname
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return this.#send(res, 405, { error: 'method not allowed' }, { Allow: 'GET, HEAD' })
    if (path === '/ping') {
      res.writeHead(204, { 'X-Tidemark-Version': this.#options.version })
      res.end()
      return
    }
    if (!(await this.#authorized(req))) {
      return this.#send(
        res,
        401,
        { error: 'authorization failed: an admin user is required' },
        { 'WWW-Authenticate': 'Basic realm="tidemark-meta"' },
      )
    }
    const data = this.#meta.data
    switch (path) {
      case '/data': {
        const bytes = encodeMetaData(data)
        res.writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Length': bytes.length,
          'X-Meta-Index': String(data.index),
          'X-Tidemark-Version': this.#options.version,
        })
        res.end(bytes)
        return
      }
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
      case '/shards': {
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
        return this.#send(res, 200, out)
      }
      default:
        return this.#send(res, 404, { error: `not found: ${path}` })
    }
  }
}

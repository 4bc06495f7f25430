// The client side of node-to-node shard writes: sends the points of one shard to an owner's node
// API, `POST /cluster/shards/<id>/write?db=<db>&rp=<rp>`, body line protocol with ns timestamps,
// signed with the internal shared secret when one is set. The owner answers 204 once the points
// are durable in its WAL, 200 JSON {written, dropped, reason} when some were dropped (type
// conflicts), 4xx/5xx JSON {error}. Connections are kept alive per owner.

import { Agent, request as httpRequest } from 'node:http'
import { bearer } from '../meta/index.js'
import { ShardWriteError } from './errors.js'

/** The path of a node-to-node shard write (the node API routes it to node-write.ts). */
export const SHARD_WRITE_PATH = /^\/cluster\/shards\/(\d{1,20})\/write$/

/** What an owner reports for a shard write it took. */
export interface RemoteWriteResult {
  readonly written: number
  readonly dropped: number
  readonly reason: string | undefined
}

/** One shard write to send. */
export interface ShardWriteRequest {
  readonly nodeID: bigint
  /** The owner's node API host:port (its `tcpHost` in the metadata). */
  readonly address: string
  readonly shardID: bigint
  readonly database: string
  readonly retentionPolicy: string
  /** Line protocol, ns timestamps. */
  readonly body: Uint8Array
}

/** Sends shard writes to other data nodes. Safe to call concurrently; `close()` drops idle sockets. */
export class ShardWriter {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 })
  readonly #secret: string
  readonly #timeoutMs: number

  /** `secret` '' = unsigned requests; `timeoutMs` is the shard writer timeout. */
  constructor(secret: string, timeoutMs: number) {
    this.#secret = secret
    this.#timeoutMs = timeoutMs
  }

  /**
   * Writes `r.body` to shard `r.shardID` on node `r.nodeID`. Rejects with ShardWriteError,
   * `retryable` when the owner could not be reached, timed out or failed with a 5xx status.
   */
  write(r: ShardWriteRequest): Promise<RemoteWriteResult> {
    const q = new URLSearchParams({ db: r.database, rp: r.retentionPolicy })
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(r.body.length),
    }
    if (this.#secret !== '') headers['Authorization'] = bearer(this.#secret, 'tidemark-data')
    const fields = { nodeID: r.nodeID, shardID: r.shardID, status: 0 }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `http://${r.address}/cluster/shards/${r.shardID}/write?${q}`,
        { method: 'POST', headers, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', (err) =>
            reject(new ShardWriteError(err.message, fields, true, { cause: err })),
          )
          res.on('end', () => {
            const status = res.statusCode ?? 0
            const text = Buffer.concat(chunks).toString('utf8')
            if (status === 204) return resolve({ written: -1, dropped: 0, reason: undefined })
            let body: { error?: unknown; written?: unknown; dropped?: unknown; reason?: unknown } =
              {}
            try {
              body = JSON.parse(text) as typeof body
            } catch {
              // not JSON: the raw text is the reason below
            }
            if (status === 200 && typeof body.written === 'number')
              return resolve({
                written: body.written,
                dropped: typeof body.dropped === 'number' ? body.dropped : 0,
                reason: typeof body.reason === 'string' ? body.reason : undefined,
              })
            const why = typeof body.error === 'string' ? body.error : text.trim()
            reject(new ShardWriteError(why, { ...fields, status }, status >= 500))
          })
        },
      )
      req.setTimeout(this.#timeoutMs, () =>
        req.destroy(new ShardWriteError(`timeout`, { ...fields, timeout: true }, true)),
      )
      req.on('error', (err) =>
        reject(
          err instanceof ShardWriteError
            ? err
            : new ShardWriteError(
                `node ${r.nodeID} at ${r.address} unreachable: ${err.message}`,
                fields,
                true,
                { cause: err },
              ),
        ),
      )
      req.end(r.body)
    })
  }

  /** Closes idle connections. */
  close(): void {
    this.#agent.destroy()
  }
}

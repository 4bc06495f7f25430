// Remote shard reads between data nodes (issue #6, queries): the node API endpoints a querying
// data node calls on a shard's owner, and the client that calls them (the query component's
// ShardReadClient). Bodies use the binary encodings of src/query/shard-wire.ts and
// src/query/shard-batch-wire.ts.
//
//   GET  /read/shards/<id>/index    200 application/octet-stream: the shard's index; 404 not held
//   POST /read/shards/<id>/values   body {"items":[{"key","min","max","ascending","timesOnly",
//                                   "limit"}, …]}: 200 a batch answer, each item's values in
//                                   [min, max] in its order (at most `limit` of them) streamed
//                                   as its cursor reads them, then the item's end; 404 not held.
//                                   The single-key body {"key","min","max"} of earlier versions
//                                   still answers with one ascending frame stream.
//   POST /read/shards/<id>/delete   body {"keys":[…],"min","max"}; 204 (also when not held)
// With `[meta] meta-internal-shared-secret` set, each request needs a Bearer token signed with it.
// The owner writes an answer as fast as the socket takes it and stops (closing its cursor) when
// the reader goes away; the reader decodes it as it arrives (BatchSplitter).

import { request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Shard } from '../engine/index.js'
import type { Values } from '../lineprotocol/index.js'
import { bearer } from '../meta/index.js'
import { drainOrClose } from '../util/index.js'
import {
  batchAnswer,
  type BatchItem,
  type BatchSink,
  BatchSplitter,
  decodeBatchRequest,
  decodeIndex,
  encodeBatchRequest,
  encodeIndex,
  joinFrames,
  type ShardReadClient,
  type WireMeasurement,
} from '../query/index.js'

const READ_PATH = /^\/read\/shards\/(\d{1,15})\/(index|values|delete)$/
const NS = /^-?\d{1,19}$/

/** Whether `path` is one of the remote read endpoints. */
export function isReadPath(path: string): boolean {
  return READ_PATH.test(path)
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(`${JSON.stringify(body)}\n`)
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
}

function nsOf(v: unknown, name: string): bigint {
  if (typeof v !== 'string' || !NS.test(v)) throw new Error(`${name} must be a Unix time in ns`)
  return BigInt(v)
}

/**
 * Writes the pieces of `answer` to `res` as fast as the socket takes them, and stops (closing the
 * owner's cursor) when the reader goes away. An error after the headers cuts the connection, so
 * the reader sees no end frame.
 */
async function stream(res: ServerResponse, answer: AsyncGenerator<Uint8Array>): Promise<void> {
  let gone = false
  res.once('close', () => {
    gone = true
  })
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
  try {
    for await (const piece of answer) {
      if (gone) break
      if (!res.write(piece)) await drainOrClose(res)
    }
    res.end()
  } catch (err) {
    res.destroy(err as Error)
  }
}

/** The shards a node serves reads from (the Store satisfies it). */
export interface ReadableShards {
  shard(id: number): Shard | undefined
}

/** Serves one remote read request (the path matched {@link isReadPath}). */
export async function serveRead(
  req: IncomingMessage,
  res: ServerResponse,
  store: ReadableShards,
): Promise<void> {
  const m = READ_PATH.exec(new URL(req.url ?? '/', 'http://node').pathname)
  const id = Number(m?.[1])
  const what = m?.[2]
  const shard = store.shard(id)
  if (what === 'index') {
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' })
    if (shard === undefined) return send(res, 404, { error: `shard ${id} not found on this node` })
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
    res.end(encodeIndex(shard.index))
    return
  }
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' })
  let body: Record<string, unknown>
  try {
    const parsed = await readBody(req)
    if (typeof parsed !== 'object' || parsed === null) throw new Error('the body must be an object')
    body = parsed as Record<string, unknown>
  } catch (err) {
    return send(res, 400, { error: (err as Error).message })
  }
  if (what === 'values' && 'items' in body) {
    let items: BatchItem[]
    try {
      items = decodeBatchRequest(body)
    } catch (err) {
      return send(res, 400, { error: (err as Error).message })
    }
    if (shard === undefined) return send(res, 404, { error: `shard ${id} not found on this node` })
    return stream(res, batchAnswer(shard, items))
  }
  let min: bigint
  let max: bigint
  try {
    min = nsOf(body['min'], 'min')
    max = nsOf(body['max'], 'max')
  } catch (err) {
    return send(res, 400, { error: (err as Error).message })
  }
  if (what === 'delete') {
    const keys = body['keys']
    if (!Array.isArray(keys) || !keys.every((k): k is string => typeof k === 'string'))
      return send(res, 400, { error: 'keys must list series keys' })
    if (shard !== undefined) await shard.deleteSeriesRange(keys, min, max)
    res.writeHead(204)
    res.end()
    return
  }
  const key = body['key']
  if (typeof key !== 'string') return send(res, 400, { error: 'key must be a string' })
  if (shard === undefined) return send(res, 404, { error: `shard ${id} not found on this node` })
  const item = { key, min, max, ascending: true, timesOnly: false, limit: 0 }
  return stream(res, batchAnswer(shard, [item], false))
}

/** Options of {@link HTTPShardReadClient}. */
export interface ShardReadClientOptions {
  /** `[meta] meta-internal-shared-secret` ('' = no token). */
  readonly secret: string
  /** A request that takes longer fails (the owner is treated as down). Default 30 s. */
  readonly timeoutMs?: number
}

/** The ShardReadClient over the node API's read endpoints. */
export class HTTPShardReadClient implements ShardReadClient {
  readonly #options: ShardReadClientOptions
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 })

  constructor(options: ShardReadClientOptions) {
    this.#options = options
  }

  /** Closes idle connections. */
  close(): void {
    this.#agent.destroy()
  }

  #headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = {}
    if (this.#options.secret !== '')
      headers['Authorization'] = bearer(this.#options.secret, 'tidemark-data')
    if (json) headers['Content-Type'] = 'application/json'
    return headers
  }

  #call(
    node: string,
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; bytes: Buffer }> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers = this.#headers(payload !== undefined)
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `http://${node}${path}`,
        {
          method: payload === undefined ? 'GET' : 'POST',
          headers,
          agent: this.#agent,
          timeout: this.#options.timeoutMs ?? 30_000,
          ...(signal !== undefined && { signal }),
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('aborted', () => reject(new Error('the owner closed the connection')))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }),
          )
        },
      )
      req.on('timeout', () => req.destroy(new Error('the owner did not answer in time')))
      req.on('error', reject)
      req.end(payload)
    })
  }

  #failed(status: number, bytes: Buffer): Error {
    let text = bytes.toString('utf8').trim()
    try {
      const e = (JSON.parse(text) as { error?: unknown }).error
      if (typeof e === 'string') text = e
    } catch {
      // not JSON: keep the text
    }
    return new Error(`HTTP ${status}: ${text}`)
  }

  async index(
    node: string,
    shardID: number,
    signal?: AbortSignal,
  ): Promise<WireMeasurement[] | undefined> {
    const r = await this.#call(node, `/read/shards/${shardID}/index`, undefined, signal)
    if (r.status === 404) return undefined
    if (r.status !== 200) throw this.#failed(r.status, r.bytes)
    return decodeIndex(r.bytes)
  }

  /**
   * Reads `items` of shard `shardID` on `node` in one request, handing frames and item ends to
   * `sink` as the answer arrives; false when the node does not hold the shard.
   */
  readBatch(
    node: string,
    shardID: number,
    items: readonly BatchItem[],
    sink: BatchSink,
    signal?: AbortSignal,
  ): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `http://${node}/read/shards/${shardID}/values`,
        {
          method: 'POST',
          headers: this.#headers(true),
          agent: this.#agent,
          timeout: this.#options.timeoutMs ?? 30_000,
          ...(signal !== undefined && { signal }),
        },
        (res) => {
          res.on('error', reject)
          res.on('aborted', () => reject(new Error('the owner closed the connection')))
          const status = res.statusCode ?? 0
          if (status !== 200) {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              if (status === 404) resolve(false)
              else reject(this.#failed(status, Buffer.concat(chunks)))
            })
            return
          }
          const splitter = new BatchSplitter(items.length, sink)
          res.on('data', (c: Buffer) => {
            try {
              splitter.push(c)
            } catch (err) {
              reject(err as Error)
              req.destroy()
            }
          })
          res.on('end', () => {
            try {
              splitter.finish()
              resolve(true)
            } catch (err) {
              reject(err as Error)
            }
          })
          res.on('close', () => {
            if (!res.complete) reject(new Error('the owner closed the connection'))
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error('the owner did not answer in time')))
      req.on('error', reject)
      req.end(encodeBatchRequest(items))
    })
  }

  /** A key's values in [min, max] on `node`, ascending (undefined: no such key or shard). */
  async values(
    node: string,
    shardID: number,
    key: string,
    min: bigint,
    max: bigint,
    signal?: AbortSignal,
  ): Promise<Values | undefined> {
    const frames: Values[] = []
    const item = { key, min, max, ascending: true, timesOnly: false, limit: 0 }
    const sink: BatchSink = { frame: (_i, v) => frames.push(v), end: () => {} }
    await this.readBatch(node, shardID, [item], sink, signal)
    return joinFrames(frames)
  }

  async deleteSeriesRange(
    node: string,
    shardID: number,
    keys: readonly string[],
    min: bigint,
    max: bigint,
  ): Promise<void> {
    const r = await this.#call(node, `/read/shards/${shardID}/delete`, {
      keys,
      min: String(min),
      max: String(max),
    })
    if (r.status !== 204) throw this.#failed(r.status, r.bytes)
  }
}

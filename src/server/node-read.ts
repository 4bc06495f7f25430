// Remote shard reads between data nodes (issue #6, queries): the node API endpoints a querying
// data node calls on a shard's owner, and the client that calls them (the query component's
// ShardReadClient). Bodies use the binary encoding of src/query/shard-wire.ts.
//
//   GET  /read/shards/<id>/index    200 application/octet-stream: the shard's index; 404 not held
//   POST /read/shards/<id>/values   body {"key","min","max"} (ns as decimal strings); 200 a frame
//                                   stream of the key's values in [min, max], ascending, written
//                                   as the cursor reads them and closed by the end frame
//   POST /read/shards/<id>/delete   body {"keys":[…],"min","max"}; 204 (also when not held)
// With `[meta] meta-internal-shared-secret` set, each request needs a Bearer token signed with it.

import { request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Values } from '../lineprotocol/index.js'
import { bearer } from '../meta/index.js'
import {
  decodeFrames,
  decodeIndex,
  encodeEnd,
  encodeFrame,
  encodeIndex,
  type ShardReadClient,
  type WireMeasurement,
} from '../query/index.js'
import type { Store } from '../store/index.js'
import { ByteWriter } from '../util/index.js'

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

/** Serves one remote read request (the path matched {@link isReadPath}). */
export async function serveRead(
  req: IncomingMessage,
  res: ServerResponse,
  store: Store,
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
    body = (await readBody(req)) as Record<string, unknown>
    nsOf(body['min'], 'min')
    nsOf(body['max'], 'max')
  } catch (err) {
    return send(res, 400, { error: (err as Error).message })
  }
  const min = nsOf(body['min'], 'min')
  const max = nsOf(body['max'], 'max')
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
  const cursor = shard.cursor(key, min, max, { chunkSize: 8192 })
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
  try {
    for await (const v of cursor) {
      const w = new ByteWriter(v.times.length * 17 + 16)
      encodeFrame(w, v)
      if (!res.write(w.view())) await new Promise((done) => res.once('drain', done))
    }
    const w = new ByteWriter(1)
    encodeEnd(w)
    res.end(w.view())
  } catch (err) {
    // Headers are out: cut the connection so the reader sees no end frame.
    res.destroy(err as Error)
  }
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

  #call(
    node: string,
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; bytes: Buffer }> {
    const headers: Record<string, string> = {}
    if (this.#options.secret !== '')
      headers['Authorization'] = bearer(this.#options.secret, 'tidemark-data')
    const payload = body === undefined ? undefined : JSON.stringify(body)
    if (payload !== undefined) headers['Content-Type'] = 'application/json'
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

  async values(
    node: string,
    shardID: number,
    key: string,
    min: bigint,
    max: bigint,
    signal?: AbortSignal,
  ): Promise<Values | undefined> {
    const r = await this.#call(
      node,
      `/read/shards/${shardID}/values`,
      { key, min: String(min), max: String(max) },
      signal,
    )
    if (r.status === 404) return undefined
    if (r.status !== 200) throw this.#failed(r.status, r.bytes)
    const frames = decodeFrames(r.bytes)
    return frames.length <= 1 ? frames[0] : joinFrames(frames)
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

/** Frames of one type (in time order) as one Values. */
function joinFrames(frames: readonly Values[]): Values {
  const first = frames[0]
  if (first === undefined) throw new Error('no frames')
  let n = 0
  for (const f of frames) n += f.times.length
  const times = new BigInt64Array(n)
  let at = 0
  for (const f of frames) {
    times.set(f.times, at)
    at += f.times.length
  }
  if (first.kind === 'string') {
    const values: string[] = []
    for (const f of frames) if (f.kind === 'string') values.push(...f.values)
    return { kind: 'string', times, values }
  }
  const ctor = first.values.constructor as new (n: number) => Float64Array
  const column = new ctor(n)
  at = 0
  for (const f of frames) {
    if (f.kind === 'string') continue
    column.set(f.values as unknown as Float64Array, at)
    at += f.values.length
  }
  return { kind: first.kind, times, values: column } as Values
}

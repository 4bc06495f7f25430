// Anti-entropy on the node API (issue #6): the node-to-node endpoints a repairing node calls on a
// shard's owners, the client that calls them (the cluster component's EntropyPeer), and the
// endpoints tidemark-ctl's `entropy` commands call.
//
// Node to node (a Bearer token signed with `[meta] meta-internal-shared-secret` when it is set):
//   GET  /entropy/shards/<id>/digest[?keys=1]   200 JSON digest (anti-entropy-digest.ts; ns and
//                                              counts as decimal strings); 404 not held
//   POST /entropy/shards/<id>/write?db=&rp=     body: uint32 BE key length, the TSM key (UTF-8),
//                                              then a frame stream of its values (query/shard-wire);
//                                              204 once durable (the shard is created if missing)
// For tidemark-ctl (the node API's admin check):
//   GET  /entropy/status                       200 JSON: every shard with its state and owners
//   POST /entropy/shards/<id>/repair           200 JSON: the repair's result (waits for it)

import { request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import type {
  AntiEntropyService,
  EntropyPeer,
  EntropyRepairResult,
  EntropyShardStatus,
  KeyDigest,
  ShardDigest,
  ShardDigestCache,
} from '../cluster/index.js'
import type { Values } from '../lineprotocol/index.js'
import { bearer } from '../meta/index.js'
import { decodeFrames, encodeEnd, encodeFrame } from '../query/index.js'
import type { Store } from '../store/index.js'
import { ByteWriter } from '../util/index.js'
import { HTTPShardReadClient } from './node-read.js'

const PEER_PATH = /^\/entropy\/shards\/(\d{1,15})\/(digest|write)$/
const REPAIR_PATH = /^\/entropy\/shards\/(\d{1,15})\/repair$/
/** The ctl endpoint listing every shard's state. */
export const ENTROPY_STATUS_PATH = '/entropy/status'

/** Whether `path` is a node-to-node anti-entropy endpoint (authenticated by the internal secret). */
export function isEntropyPeerPath(path: string): boolean {
  return PEER_PATH.test(path)
}

/** Whether `path` is one of the ctl's anti-entropy endpoints (authenticated as an admin). */
export function isEntropyAdminPath(path: string): boolean {
  return path === ENTROPY_STATUS_PATH || REPAIR_PATH.test(path)
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(body === undefined ? undefined : `${JSON.stringify(body, jsonBigInt)}\n`)
}

function jsonBigInt(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? String(v) : v
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Serves one node-to-node anti-entropy request (the path matched {@link isEntropyPeerPath}). */
export async function serveEntropyPeer(
  req: IncomingMessage,
  res: ServerResponse,
  store: Store,
  digests: ShardDigestCache,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://node')
  const m = PEER_PATH.exec(url.pathname)
  const id = Number(m?.[1])
  if (m?.[2] === 'digest') {
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' })
    const shard = store.shard(id)
    if (shard === undefined) return send(res, 404, { error: `shard ${id} not found on this node` })
    const d = await digests.digest(shard)
    const withKeys = url.searchParams.get('keys') === '1'
    return send(res, 200, { ...d, keyDigests: withKeys ? d.keyDigests : [] })
  }
  if (req.method !== 'POST') {
    req.resume()
    return send(res, 405, { error: 'method not allowed' })
  }
  const database = url.searchParams.get('db') ?? ''
  const retentionPolicy = url.searchParams.get('rp') ?? ''
  if (database === '' || retentionPolicy === '') {
    req.resume()
    return send(res, 400, { error: 'db and rp are required' })
  }
  let key: string
  let frames: Values[]
  try {
    const body = await readBody(req)
    if (body.length < 4) throw new Error('the body is shorter than its key length')
    const keyLen = body.readUInt32BE(0)
    if (4 + keyLen > body.length)
      throw new Error(`the key length ${keyLen} runs past the body (${body.length} bytes)`)
    key = body.toString('utf8', 4, 4 + keyLen)
    frames = decodeFrames(body.subarray(4 + keyLen))
  } catch (err) {
    return send(res, 400, { error: (err as Error).message })
  }
  try {
    const shard = store.shard(id) ?? (await store.createShard(database, retentionPolicy, id))
    for (const f of frames) await shard.writeValues(new Map([[key, f]]))
    return send(res, 204)
  } catch (err) {
    return send(res, 500, { error: (err as Error).message })
  }
}

/** Serves one ctl anti-entropy request (the path matched {@link isEntropyAdminPath}). */
export async function serveEntropyAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  service: AntiEntropyService | undefined,
): Promise<void> {
  req.resume()
  if (service === undefined)
    return send(res, 400, { error: 'anti-entropy runs on the data nodes of a cluster' })
  const path = new URL(req.url ?? '/', 'http://node').pathname
  if (path === ENTROPY_STATUS_PATH) {
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' })
    const shards: EntropyShardStatus[] = await service.status()
    return send(res, 200, { shards })
  }
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' })
  const id = Number(REPAIR_PATH.exec(path)?.[1])
  try {
    const result: EntropyRepairResult = await service.repair(id)
    return send(res, 200, result)
  } catch (err) {
    const code = (err as { code?: string }).code
    return send(res, code === 'ERR_CLUSTER_ENTROPY_REPAIR' ? 400 : 500, {
      error: (err as Error).message,
      code,
    })
  }
}

function big(v: unknown): bigint {
  if (typeof v !== 'string' || !/^-?\d{1,20}$/.test(v))
    throw new Error('bad digest: not an integer')
  return BigInt(v)
}

/** Rebuilds a digest from its JSON (bigints as decimal strings). */
function parseDigest(text: string): ShardDigest {
  const o = JSON.parse(text) as Record<string, unknown>
  const keys = Array.isArray(o['keyDigests']) ? (o['keyDigests'] as Record<string, unknown>[]) : []
  const keyDigests: KeyDigest[] = keys.map((k) => ({
    key: String(k['key']),
    count: Number(k['count']),
    minTimeNs: big(k['minTimeNs']),
    maxTimeNs: big(k['maxTimeNs']),
    hash: String(k['hash']),
  }))
  return {
    shardID: Number(o['shardID']),
    count: Number(o['count']),
    keys: Number(o['keys']),
    hash: String(o['hash']),
    keyDigests,
  }
}

/** The EntropyPeer over the node API. `close()` drops idle connections. */
export class HTTPEntropyPeer implements EntropyPeer {
  readonly #secret: string
  readonly #timeoutMs: number
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 })
  readonly #reads: HTTPShardReadClient

  /** `secret`: the internal shared secret ('' = no token); requests time out after `timeoutMs`. */
  constructor(secret: string, timeoutMs = 60_000) {
    this.#secret = secret
    this.#timeoutMs = timeoutMs
    this.#reads = new HTTPShardReadClient({ secret, timeoutMs })
  }

  close(): void {
    this.#agent.destroy()
    this.#reads.close()
  }

  #call(
    node: string,
    method: string,
    path: string,
    body?: Uint8Array,
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {}
    if (this.#secret !== '') headers['Authorization'] = bearer(this.#secret, 'tidemark-data')
    if (body !== undefined) headers['Content-Type'] = 'application/octet-stream'
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `http://${node}${path}`,
        { method, headers, agent: this.#agent, timeout: this.#timeoutMs },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          )
        },
      )
      req.on('timeout', () => req.destroy(new Error(`${node} did not answer in time`)))
      req.on('error', reject)
      req.end(body)
    })
  }

  async digest(node: string, shardID: number, withKeys: boolean): Promise<ShardDigest | undefined> {
    const r = await this.#call(
      node,
      'GET',
      `/entropy/shards/${shardID}/digest${withKeys ? '?keys=1' : ''}`,
    )
    if (r.status === 404) return undefined
    if (r.status !== 200) throw new Error(`${node} answered ${r.status}: ${r.text.trim()}`)
    return parseDigest(r.text)
  }

  values(
    node: string,
    shardID: number,
    key: string,
    min: bigint,
    max: bigint,
  ): Promise<Values | undefined> {
    return this.#reads.values(node, shardID, key, min, max)
  }

  async write(
    node: string,
    shardID: number,
    database: string,
    retentionPolicy: string,
    values: ReadonlyMap<string, Values>,
  ): Promise<void> {
    const q = new URLSearchParams({ db: database, rp: retentionPolicy })
    for (const [key, v] of values) {
      const keyBytes = Buffer.from(key, 'utf8')
      const w = new ByteWriter(keyBytes.length + v.times.length * 17 + 16)
      w.u32(keyBytes.length).bytes(keyBytes)
      encodeFrame(w, v)
      encodeEnd(w)
      const r = await this.#call(node, 'POST', `/entropy/shards/${shardID}/write?${q}`, w.view())
      if (r.status !== 204)
        throw new Error(`${node} refused the repair write: ${r.status} ${r.text.trim()}`)
    }
  }
}

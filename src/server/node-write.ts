// The receiving end of node-to-node shard writes (cluster/shard-writer.ts is the sender), served on
// the node API:
//
//   POST /cluster/shards/<id>/write?db=<db>&rp=<rp>   body: line protocol, ns timestamps
//     204                 every point is durable in the shard's WAL
//     200 {"written","dropped","reason"}   some points were dropped (e.g. a field type conflict)
//     400 {"error"}       bad request (missing db/rp, no line parsed)
//     401 {"error"}       the internal shared secret is set and the bearer token is missing or bad
//     500 {"error"}       the write failed on this node
//
// The shard is created locally when this node does not hold it yet. Node-to-node requests are
// authenticated with the internal shared secret (a JWT), not with user credentials, so the node
// API routes this path before its admin check.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { parsePoints } from '../lineprotocol/index.js'
import type { Store } from '../store/index.js'

export { SHARD_WRITE_PATH } from '../cluster/index.js'

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(body === undefined ? undefined : `${JSON.stringify(body)}\n`)
}

/**
 * Handles one shard write for shard `shardID` against `store` (the node API checked the internal
 * secret). Never throws: failures are answered with a status and a JSON error.
 */
export async function handleShardWrite(
  req: IncomingMessage,
  res: ServerResponse,
  store: Store,
  shardID: number,
): Promise<void> {
  if (req.method !== 'POST') {
    req.resume()
    return send(res, 405, { error: 'method not allowed' })
  }
  const url = new URL(req.url ?? '/', 'http://node')
  const database = url.searchParams.get('db') ?? ''
  const retentionPolicy = url.searchParams.get('rp') ?? ''
  if (database === '' || retentionPolicy === '') {
    req.resume()
    return send(res, 400, { error: 'db and rp are required' })
  }
  try {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const { points, errors } = parsePoints(Buffer.concat(chunks), {
      precision: 'n',
      allowUnsigned: true,
    })
    if (points.length === 0 && errors.length > 0)
      return send(res, 400, { error: errors.map((e) => e.message).join('\n') })
    const shard =
      store.shard(shardID) ?? (await store.createShard(database, retentionPolicy, shardID))
    const r = await shard.writePoints(points)
    if (r.dropped === 0 && errors.length === 0) return send(res, 204)
    return send(res, 200, {
      written: r.written,
      dropped: r.dropped + errors.length,
      reason: r.reason ?? errors[0]?.message,
    })
  } catch (err) {
    return send(res, 500, { error: (err as Error).message })
  }
}

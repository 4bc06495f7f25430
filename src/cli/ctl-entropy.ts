// `tidemark-ctl entropy show` and `tidemark-ctl entropy repair SHARD` (= influxd-ctl entropy):
// asks a data node's node API (src/server/node-entropy.ts) for the state of every shard's replicas,
// or to repair one shard now. Unlike influxd-ctl's repair, which only queues the shard, ours waits
// for the repair and prints what it did.

import { formatTable } from './inspect-table.js'
import type { CtlConnection } from './ctl-http.js'

interface OwnerRow {
  nodeID: string
  address: string
  state: string
  error?: string
}

interface ShardRow {
  shardID: number
  database: string
  retentionPolicy: string
  startTimeNs: string
  endTimeNs: string
  expiresNs: string
  state: string
  owners: OwnerRow[]
}

interface RepairRow {
  shardID: number
  before: ShardRow
  after: ShardRow
  keysDiverged: number
  pointsWritten: Record<string, number>
  skipped: { key: string; reason: string }[]
  durationMs: number
}

/** Go's time.Time String() in UTC: `2006-01-02 15:04:05 +0000 UTC` (fractions dropped). */
function goTime(ns: string): string {
  const n = BigInt(ns)
  if (n === 0n) return '0001-01-01 00:00:00 +0000 UTC'
  const ms = n / 1_000_000n
  const d = new Date(Number(ms))
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`
}

/** The first data node the meta node lists. */
async function someDataNode(conn: CtlConnection): Promise<string> {
  return conn.dataNodeAddress()
}

async function nodeJSON<T>(conn: CtlConnection, method: string, path: string): Promise<T> {
  const node = await someDataNode(conn)
  const r = await conn.nodeRequest(node, method, path)
  let body: unknown
  try {
    body = JSON.parse(r.text)
  } catch {
    throw new Error(`data node ${node} answered ${r.status}: ${r.text.trim()}`)
  }
  if (r.status !== 200) {
    const e = (body as { error?: unknown }).error
    throw new Error(typeof e === 'string' ? e : `data node ${node} answered ${r.status}`)
  }
  return body as T
}

function owners(s: ShardRow): string {
  return `[${s.owners.map((o) => (o.state === 'healthy' ? o.nodeID : `${o.nodeID}:${o.state}`)).join(' ')}]`
}

/** Runs `entropy show|repair`; resolves to the exit code. */
export async function runEntropy(conn: CtlConnection, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args
  const out = conn.stdout
  switch (sub) {
    case 'show': {
      const { shards } = await nodeJSON<{ shards: ShardRow[] }>(conn, 'GET', '/entropy/status')
      out.write('Entropy\n==========\n')
      out.write(
        formatTable([
          ['ID', 'Database', 'Retention Policy', 'Start', 'End', 'Expires', 'Status', 'Owners'],
          ...shards.map((s) => [
            String(s.shardID),
            s.database,
            s.retentionPolicy,
            goTime(s.startTimeNs),
            goTime(s.endTimeNs),
            goTime(s.expiresNs),
            s.state,
            owners(s),
          ]),
        ]),
      )
      return 0
    }
    case 'repair': {
      const id = rest[0]
      if (id === undefined || !/^\d{1,15}$/.test(id) || rest.length !== 1) {
        out.write('Usage: tidemark-ctl entropy repair <shard-id>\n')
        return 1
      }
      out.write(`Repair Shard ${id} queued\n`)
      const r = await nodeJSON<RepairRow>(conn, 'POST', `/entropy/shards/${id}/repair`)
      const perNode = Object.entries(r.pointsWritten)
        .filter(([, n]) => n > 0)
        .map(([node, n]) => `node ${node}: ${n}`)
      const total = Object.values(r.pointsWritten).reduce((a, b) => a + b, 0)
      out.write(
        `Repaired shard ${r.shardID}: ${r.before.state} -> ${r.after.state}, ${r.keysDiverged} series keys diverged, ${total} points written${perNode.length > 0 ? ` (${perNode.join(', ')})` : ''} in ${r.durationMs}ms\n`,
      )
      for (const s of r.skipped) out.write(`skipped ${s.key}: ${s.reason}\n`)
      return r.after.state === 'healthy' ? 0 : 1
    }
    default:
      out.write(
        'Usage: tidemark-ctl entropy <command>\n\n  show     Show shard entropy\n  repair   Repair entropy found in a shard (repair <shard-id>)\n',
      )
      return 1
  }
}

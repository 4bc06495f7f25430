// Cluster writes (issue #6): one meta node and three data nodes as real processes on loopback, a
// database at replication factor 2. Every point lands on exactly the two owners of its shard;
// consistency=all fails while an owner is down and one/any succeed; a data node killed with
// SIGKILL under write load catches up from the others' hinted-handoff queues after it restarts,
// and no write acknowledged with 204 is missing from either owner.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ctl, runBin } from '../helpers/cli.js'
import {
  eventually,
  firstColumn,
  sameNode,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'
import { FAST_HANDOFF_ENV } from '../helpers/cluster.js'

const ENV = FAST_HANDOFF_ENV

/** Shard IDs this node holds for db/autogen. */
function localShards(node: TidemarkdHandle): string[] {
  const dir = join(node.root, 'data', 'db', 'autogen')
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+$/.test(f)) : []
}

/** Bytes in the node's hinted-handoff segment files. */
function queuedBytes(node: TidemarkdHandle): number {
  const dir = join(node.root, 'hh')
  if (!existsSync(dir)) return 0
  let n = 0
  for (const sub of readdirSync(dir))
    for (const f of readdirSync(join(dir, sub)))
      if (f.endsWith('.seg')) n += statSync(join(dir, sub, f)).size
  return n
}

/** Timestamps of the points stored on a stopped node (its own TSM and WAL files). */
async function storedTimes(node: TidemarkdHandle): Promise<Set<string>> {
  const r = await runBin('tidemark-inspect.js', [
    'export',
    '-datadir',
    join(node.root, 'data'),
    '-waldir',
    join(node.root, 'wal'),
    '-database',
    'db',
    '-lponly',
    '-out',
    '-',
  ])
  assert.equal(r.code, 0, r.stderr)
  const out = new Set<string>()
  for (const line of r.stdout.split('\n')) {
    const m = /^m,\S+ v=\S+ (\d+)$/.exec(line)
    if (m?.[1] !== undefined) out.add(m[1])
  }
  return out
}

describe('cluster writes at replication factor 2 on three data nodes', () => {
  let meta: TidemarkdHandle
  let nodes: TidemarkdHandle[] = []
  const roots: string[] = []
  const acked = new Set<string>()
  let ts = BigInt(Date.now()) * 1_000_000n

  const batch = (tag: string, n: number): { lp: string; times: string[] } => {
    const times: string[] = []
    let lp = ''
    for (let i = 0; i < n; i++) {
      ts += 1000n
      times.push(String(ts))
      lp += `m,w=${tag} v=${i} ${ts}\n`
    }
    return { lp, times }
  }

  const write = async (
    node: TidemarkdHandle,
    tag: string,
    n: number,
    params: Record<string, string> = {},
  ): Promise<Response> => {
    const b = batch(tag, n)
    const r = await node.write('db', b.lp, params)
    if (r.status === 204) for (const t of b.times) acked.add(t)
    return r
  }

  before(async () => {
    meta = await startTidemarkd({ role: 'meta' })
    nodes = await Promise.all([1, 2, 3].map(() => startTidemarkd({ role: 'data', env: ENV })))
    roots.push(meta.root, ...nodes.map((n) => n.root))
    for (const node of nodes) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
      assert.equal(r.code, 0, r.stderr)
    }
    firstColumn(await (nodes[0] as TidemarkdHandle).query('CREATE DATABASE db WITH REPLICATION 2'))
    for (const node of nodes)
      await eventually('every data node knows db', async () =>
        firstColumn(await node.query('SHOW DATABASES')).includes('db'),
      )
  })
  after(async () => {
    await Promise.all([meta, ...nodes].map((n) => n.stop({ keep: true })))
    for (const r of roots) rmSync(r, { recursive: true, force: true })
  })

  it('stores a write through any node on exactly the two owners of its shard', async () => {
    const [a, b] = nodes as [TidemarkdHandle, TidemarkdHandle]
    assert.equal((await write(a, 'a', 50)).status, 204)
    assert.equal((await write(b, 'b', 50, { consistency: 'all' })).status, 204)
    const holders = nodes.filter((n) => localShards(n).length > 0)
    assert.equal(holders.length, 2)
  })

  it('fails consistency=all while an owner is down, and succeeds with one and any', async () => {
    const owner = nodes.find((n) => localShards(n).length > 0) as TidemarkdHandle
    const via = nodes.find((n) => n !== owner && localShards(n).length === 0) as TidemarkdHandle
    await owner.kill()
    const all = await write(via, 'all', 10, { consistency: 'all' })
    assert.equal(all.status, 500)
    assert.deepEqual(await all.json(), { error: 'partial write' })
    assert.equal((await write(via, 'one', 10, { consistency: 'one' })).status, 204)
    assert.equal((await write(via, 'any', 10, { consistency: 'any' })).status, 204)
    assert.ok(queuedBytes(via) > 0, 'the coordinator queued the owner’s writes')
    const i = nodes.indexOf(owner)
    nodes[i] = await startTidemarkd(sameNode(owner, ENV))
    await eventually(
      'the queue drained to the restarted owner',
      () => queuedBytes(via) === 0,
      20_000,
    )
  })

  it('loses no acknowledged write when an owner is killed under load, and catches up after', async () => {
    const owner = nodes.find((n) => localShards(n).length > 0) as TidemarkdHandle
    const others = nodes.filter((n) => n !== owner)
    let stop = false
    let statuses: number[] = []
    const load = (async () => {
      for (let k = 0; !stop; k++) {
        const via = others[k % others.length] as TidemarkdHandle
        statuses.push((await write(via, `l${k % 2}`, 20)).status)
      }
    })()
    await new Promise((r) => setTimeout(r, 300))
    await owner.kill()
    await new Promise((r) => setTimeout(r, 1500))
    assert.ok(
      others.some((n) => queuedBytes(n) > 0),
      'hinted handoff holds the writes',
    )
    const i = nodes.indexOf(owner)
    nodes[i] = await startTidemarkd(sameNode(owner, ENV))
    await new Promise((r) => setTimeout(r, 300))
    stop = true
    await load
    assert.ok(statuses.filter((s) => s === 204).length > 10, `statuses: ${statuses.join(',')}`)
    statuses = statuses.filter((s) => s !== 204)
    assert.deepEqual(statuses, [], 'every write at consistency=one succeeded')
    for (const n of others)
      await eventually('hinted handoff drained', () => queuedBytes(n) === 0, 20_000)

    await Promise.all(nodes.map((n) => n.stop({ keep: true })))
    const stored = await Promise.all(nodes.map((n) => storedTimes(n)))
    const missing: string[] = []
    for (const t of acked) {
      const copies = stored.filter((s) => s.has(t)).length
      if (copies !== 2) missing.push(`${t}: ${copies}`)
    }
    assert.deepEqual(missing.slice(0, 10), [])
    nodes = await Promise.all(nodes.map((n) => startTidemarkd(sameNode(n, ENV))))
  })
})

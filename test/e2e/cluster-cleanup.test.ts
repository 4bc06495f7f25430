// Metadata-driven cleanup (issue #6 leftovers) on one meta node and three data nodes as real
// processes on loopback: DROP DATABASE, DROP RETENTION POLICY and DROP SHARD run on one data node
// and the shard directories vanish on all three; a restarted node deletes a copy the metadata does
// not assign to it but keeps a shard above MaxShardID; after `remove-data -force` the other nodes
// delete their hinted-handoff queue for the removed node. A single node (`tidemarkd run`) deletes
// nothing the metadata does not know, as before.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ctl } from '../helpers/cli.js'
import {
  eventually,
  firstColumn,
  sameNode,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'
import { FAST_HANDOFF_ENV } from '../helpers/cluster.js'

const ENV = {
  ...FAST_HANDOFF_ENV,
  TIDEMARK_LOGGING_LEVEL: 'info',
}
const T0 = 1_767_225_600_000_000_000n // 2026-01-01T00:00:00Z
const WEEK = 7n * 86_400_000_000_000n

/** Shard IDs a node holds under `<root>/<dir>/<db>/<rp>`. */
function shardDirs(node: TidemarkdHandle, db: string, rp: string, dir = 'data'): string[] {
  const path = join(node.root, dir, db, rp)
  return existsSync(path)
    ? readdirSync(path)
        .filter((f) => /^\d+$/.test(f))
        .sort()
    : []
}

/** Names of the hinted-handoff queues of a node holding segment bytes. */
function queuesWithBytes(node: TidemarkdHandle): string[] {
  const dir = join(node.root, 'hh')
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((q) =>
    readdirSync(join(dir, q)).some((f) => f.endsWith('.seg') && statSync(join(dir, q, f)).size > 0),
  )
}

async function run(node: TidemarkdHandle, q: string, db = ''): Promise<void> {
  firstColumn(await node.query(q, db === '' ? {} : { db }))
}

describe('metadata-driven cleanup on three data nodes', () => {
  let meta: TidemarkdHandle
  let nodes: TidemarkdHandle[] = []
  const ids = new Map<string, string>() // node address → data node ID
  const roots: string[] = []

  const createEverywhere = async (q: string, db: string): Promise<void> => {
    await run(nodes[0] as TidemarkdHandle, q)
    for (const n of nodes)
      await eventually(`${n.url} knows ${db}`, async () =>
        firstColumn(await n.query('SHOW DATABASES')).includes(db),
      )
  }

  const writeAll = async (
    node: TidemarkdHandle,
    db: string,
    lp: string,
    rp = '',
  ): Promise<void> => {
    const params: Record<string, string> = { consistency: 'all', ...(rp !== '' && { rp }) }
    const r = await node.write(db, lp, params)
    assert.equal(r.status, 204, await r.text())
  }

  before(async () => {
    meta = await startTidemarkd({ role: 'meta' })
    nodes = await Promise.all([1, 2, 3].map(() => startTidemarkd({ role: 'data', env: ENV })))
    roots.push(meta.root, ...nodes.map((n) => n.root))
    for (const node of nodes) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
      assert.equal(r.code, 0, r.stderr)
      const m = /^Added data node (\d+) at /.exec(r.stdout)
      ids.set(node.nodeAddress, m?.[1] ?? '')
    }
  })
  after(async () => {
    await Promise.all([meta, ...nodes].map((n) => n.stop({ keep: true })))
    for (const r of roots) rmSync(r, { recursive: true, force: true })
  })

  it('DROP DATABASE on one node removes the database’s shard directories on every node', async () => {
    await createEverywhere('CREATE DATABASE gone WITH REPLICATION 3', 'gone')
    await writeAll(nodes[1] as TidemarkdHandle, 'gone', `m v=1 ${T0}\nm v=2 ${T0 + 2n * WEEK}`)
    for (const n of nodes) {
      assert.equal(shardDirs(n, 'gone', 'autogen').length, 2, n.url)
      assert.equal(shardDirs(n, 'gone', 'autogen', 'wal').length, 2, n.url)
    }
    await run(nodes[0] as TidemarkdHandle, 'DROP DATABASE gone')
    for (const n of nodes)
      await eventually(`${n.url} removed gone`, () =>
        ['data', 'wal'].every((d) => !existsSync(join(n.root, d, 'gone'))),
      )
    for (const n of nodes.slice(1))
      assert.match(n.log(), /deleted a local shard the metadata no longer assigns to this node/)
  })

  it('DROP RETENTION POLICY and DROP SHARD on one node remove those shards on every node, and nothing else', async () => {
    await createEverywhere('CREATE DATABASE keep WITH REPLICATION 3', 'keep')
    await run(
      nodes[0] as TidemarkdHandle,
      'CREATE RETENTION POLICY two ON keep DURATION 0s REPLICATION 3',
    )
    for (const n of nodes)
      await eventually(`${n.url} knows keep.two`, async () =>
        JSON.stringify(await n.query('SHOW RETENTION POLICIES ON keep')).includes('"two"'),
      )
    await writeAll(nodes[0] as TidemarkdHandle, 'keep', `m v=1 ${T0}\nm v=2 ${T0 + 2n * WEEK}`)
    await writeAll(nodes[0] as TidemarkdHandle, 'keep', `m v=3 ${T0}`, 'two')
    for (const n of nodes) assert.equal(shardDirs(n, 'keep', 'two').length, 1, n.url)

    await run(nodes[1] as TidemarkdHandle, 'DROP RETENTION POLICY two ON keep')
    for (const n of nodes)
      await eventually(`${n.url} removed keep/two`, () =>
        ['data', 'wal'].every((d) => !existsSync(join(n.root, d, 'keep', 'two'))),
      )
    const autogen = shardDirs(nodes[0] as TidemarkdHandle, 'keep', 'autogen')
    assert.equal(autogen.length, 2)
    for (const n of nodes) assert.deepEqual(shardDirs(n, 'keep', 'autogen'), autogen, n.url)

    const [dropped = '', kept = ''] = autogen
    await run(nodes[2] as TidemarkdHandle, `DROP SHARD ${dropped}`)
    for (const n of nodes)
      await eventually(
        `${n.url} removed shard ${dropped}`,
        () =>
          shardDirs(n, 'keep', 'autogen').join() === kept &&
          shardDirs(n, 'keep', 'autogen', 'wal').join() === kept,
      )
    const left = await (nodes[0] as TidemarkdHandle).query('SELECT v FROM m', { db: 'keep' })
    assert.deepEqual(firstColumn(left).length, 1, JSON.stringify(left))
    for (const n of nodes.slice(0, 2))
      assert.match(n.log(), /deleted a local shard the metadata no longer assigns to this node/)
  })

  it('at start, deletes a copy the metadata does not assign to the node and keeps a shard above MaxShardID', async () => {
    await createEverywhere('CREATE DATABASE solo WITH REPLICATION 1', 'solo')
    await writeAll(nodes[0] as TidemarkdHandle, 'solo', `m v=1 ${T0}`)
    const owner = nodes.find((n) => shardDirs(n, 'solo', 'autogen').length === 1)
    assert.ok(owner !== undefined)
    const [id = ''] = shardDirs(owner, 'solo', 'autogen')
    const i = nodes.findIndex((n) => n !== owner)
    const other = nodes[i] as TidemarkdHandle
    await other.stop({ keep: true })
    // A stale copy of the owner's shard, and a shard ID no metadata has allocated yet.
    const ahead = String(Number(id) + 1000)
    for (const d of ['data', 'wal']) {
      mkdirSync(join(other.root, d, 'solo', 'autogen', id), { recursive: true })
      mkdirSync(join(other.root, d, 'solo', 'autogen', ahead), { recursive: true })
    }
    nodes[i] = await startTidemarkd(sameNode(other, ENV))
    const restarted = nodes[i] as TidemarkdHandle
    // The shard's data directory goes first, then its WAL directory.
    await eventually(
      'the stale copy is deleted',
      () =>
        shardDirs(restarted, 'solo', 'autogen').join() === ahead &&
        shardDirs(restarted, 'solo', 'autogen', 'wal').join() === ahead,
    )
    assert.deepEqual(shardDirs(owner, 'solo', 'autogen'), [id], 'the owner keeps its shard')
  })

  it('remove-data -force: the other nodes delete their hinted-handoff queue for the removed node', async () => {
    await createEverywhere('CREATE DATABASE hh WITH REPLICATION 3', 'hh')
    const gone = nodes[2] as TidemarkdHandle
    const goneID = ids.get(gone.nodeAddress) ?? ''
    assert.notEqual(goneID, '')
    await gone.kill()
    const alive = nodes.slice(0, 2)
    for (const [k, n] of alive.entries()) {
      const r = await n.write('hh', `m v=${k} ${T0 + BigInt(k)}`, { consistency: 'any' })
      assert.equal(r.status, 204, await r.text())
    }
    for (const n of alive)
      await eventually(`${n.url} queues for node ${goneID}`, () =>
        queuesWithBytes(n).includes(goneID),
      )
    const r = await ctl(['-bind', meta.metaAddress, 'remove-data', '-force', gone.nodeAddress])
    assert.equal(r.code, 0, r.stderr)
    for (const n of alive) {
      await eventually(
        `${n.url} deleted the queue of node ${goneID}`,
        () => !existsSync(join(n.root, 'hh', goneID)),
      )
      // The node logs after the delete, and its stderr reaches this process a little later.
      await eventually(`${n.url} logged the deletion`, () =>
        /deleted the hinted-handoff queue of a data node that left the cluster/.test(n.log()),
      )
    }
    // Writes go on at RF 3 with two nodes left; nothing is queued for the removed node again.
    assert.equal(
      (await (alive[0] as TidemarkdHandle).write('hh', `m v=9 ${T0 + 9n}`, { consistency: 'all' }))
        .status,
      204,
    )
    assert.equal(existsSync(join((alive[0] as TidemarkdHandle).root, 'hh', goneID)), false)
  })
})

describe('a single node (tidemarkd run)', () => {
  it('keeps shard directories its metadata does not know, and DROP DATABASE works as before', async () => {
    let node = await startTidemarkd({ role: 'run' })
    try {
      await run(node, 'CREATE DATABASE db')
      assert.equal((await node.write('db', `m v=1 ${T0}`)).status, 204)
      await node.stop({ keep: true })
      mkdirSync(join(node.root, 'data', 'stray', 'autogen', '99'), { recursive: true })
      node = await startTidemarkd(sameNode(node))
      await new Promise((r) => setTimeout(r, 300))
      assert.ok(existsSync(join(node.root, 'data', 'stray', 'autogen', '99')))
      await run(node, 'DROP DATABASE db')
      assert.equal(existsSync(join(node.root, 'data', 'db')), false)
      assert.ok(existsSync(join(node.root, 'data', 'stray', 'autogen', '99')))
    } finally {
      await node.stop()
    }
  })
})

import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetaClient, MetaFileStore } from '../meta/index.js'
import { Store } from '../store/index.js'
import { HintedHandoff, OrphanCleanupService, orphanedShards, removedNodes } from './index.js'

const T0 = 1_700_000_000_000_000_000n
const HOUR = 3_600_000_000_000n

let dir: string
let meta: MetaClient
let store: Store
const logs: { fields: Record<string, unknown>; msg: string }[] = []
const logger = {
  info: (fields: object, msg: string) =>
    logs.push({ fields: fields as Record<string, unknown>, msg }),
  warn: (fields: object, msg: string) =>
    logs.push({ fields: fields as Record<string, unknown>, msg }),
  error: (fields: object, msg: string) =>
    logs.push({ fields: fields as Record<string, unknown>, msg }),
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-cleanup-'))
  meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
  await meta.open()
  store = new Store({
    dataDir: join(dir, 'data'),
    walDir: join(dir, 'wal'),
    engine: { background: false },
  })
  await store.open()
  logs.length = 0
  // Data nodes 1, 2, 3; db (and db.two) with shard groups whose shards are owned per layout.
  await meta.update((d) =>
    d
      .createDataNode('h1:8086', 'h1:8088')
      .createDataNode('h2:8086', 'h2:8088')
      .createDataNode('h3:8086', 'h3:8088')
      .createDatabase('db')
      .createRetentionPolicy('db', { name: 'two', replicaN: 1 }, false)
      .createShardGroup('db', 'autogen', T0, [[1n, 2n]])
      .createShardGroup('db', 'autogen', T0 + 200n * HOUR, [[2n, 3n]])
      .createShardGroup('db', 'two', T0, [[1n]]),
  )
})
afterEach(async () => {
  await store.close()
  await meta.close()
  await rm(dir, { recursive: true, force: true })
})

/** The shards of db on disk: `rp/id` per shard. */
async function onDisk(root = 'data'): Promise<string[]> {
  const out: string[] = []
  const base = join(dir, root, 'db')
  if (!existsSync(base)) return out
  for (const rp of await readdir(base))
    for (const id of await readdir(join(base, rp))) out.push(`${rp}/${id}`)
  return out.sort()
}

describe('orphanedShards', () => {
  it('names the local shards not assigned to this node at or below MaxShardID, and none when the node is unknown', () => {
    const data = meta.data
    const local = [
      { id: 1, database: 'db', retentionPolicy: 'autogen' }, // owners 1, 2
      { id: 2, database: 'db', retentionPolicy: 'autogen' }, // owners 2, 3
      { id: 3, database: 'db', retentionPolicy: 'two' }, // owner 1
      { id: 4, database: 'db', retentionPolicy: 'autogen' }, // above MaxShardID (3)
      { id: 2, database: 'gone', retentionPolicy: 'autogen' },
    ]
    assert.deepEqual(
      orphanedShards(data, 1n, local).map((s) => s.id),
      [2, 2],
    )
    assert.deepEqual(
      orphanedShards(data, 3n, local).map((s) => s.id),
      [1, 3],
    )
    assert.deepEqual(orphanedShards(data, undefined, local), [])
    assert.deepEqual(orphanedShards(data, 9n, local), [], 'an ID that is no data node')
  })

  it('keeps a shard without owners and drops the shards of a deleted shard group', () => {
    const data = meta.data
      .createShardGroup('db', 'two', T0 + 400n * HOUR, [[]])
      .deleteShardGroup('db', 'autogen', 1n, T0)
    const local = [1, 2, 4].map((id) => ({ id, database: 'db', retentionPolicy: 'autogen' }))
    assert.deepEqual(
      orphanedShards(data, 2n, local).map((s) => s.id),
      [1],
    )
  })
})

describe('removedNodes', () => {
  it('names allocated node IDs that are no data node, never an ID not allocated yet', () => {
    const data = meta.data.deleteDataNode(2n)
    assert.deepEqual(removedNodes(data, [1n, 2n, 3n, 4n]), [2n])
  })
})

describe('OrphanCleanupService', () => {
  it('deletes the shards DROP DATABASE removed from the metadata, with their emptied directories, and logs each', async () => {
    for (const [rp, id] of [
      ['autogen', 1],
      ['two', 3],
    ] as const)
      await store.createShard('db', rp, id)
    const cleanup = new OrphanCleanupService({ meta, store, localNodeID: () => 1n, logger })
    cleanup.start()
    await cleanup.runOnce()
    assert.deepEqual(await onDisk(), ['autogen/1', 'two/3'], 'owned shards stay')
    await meta.update((d) => d.dropDatabase('db'))
    await cleanup.runOnce()
    assert.deepEqual(await onDisk(), [])
    assert.equal(existsSync(join(dir, 'data', 'db')), false)
    assert.equal(existsSync(join(dir, 'wal', 'db')), false)
    assert.equal(store.shards().length, 0)
    assert.equal(cleanup.status.deletedShards, 2)
    const deleted = logs.filter((l) => l.msg.startsWith('deleted a local shard'))
    assert.deepEqual(
      deleted.map((l) => l.fields),
      [
        { database: 'db', retentionPolicy: 'autogen', shardID: 1 },
        { database: 'db', retentionPolicy: 'two', shardID: 3 },
      ],
    )
    await cleanup.close()
  })

  it('follows metadata changes by itself: DROP RETENTION POLICY and DROP SHARD elsewhere remove the local copies', async () => {
    await store.createShard('db', 'autogen', 1)
    await store.createShard('db', 'two', 3)
    const cleanup = new OrphanCleanupService({ meta, store, localNodeID: () => 1n, logger })
    cleanup.start()
    await meta.update((d) => d.dropRetentionPolicy('db', 'two'))
    // The shard goes first, then its emptied directories (data and WAL).
    await until(async () => !existsSync(join(dir, 'wal', 'db', 'two')))
    assert.deepEqual(await onDisk(), ['autogen/1'])
    assert.equal(existsSync(join(dir, 'data', 'db', 'two')), false)
    await meta.update((d) => d.dropShard(1n, T0))
    await until(async () => (await onDisk()).length === 0)
    assert.ok(existsSync(join(dir, 'data', 'db')), 'the database still exists: its directory stays')
    await cleanup.close()
  })

  it('never deletes a pinned shard, one above MaxShardID, or anything while the metadata is not trusted', async () => {
    await store.createShard('db', 'autogen', 2) // owned by 2 and 3, not by 1
    await store.createShard('db', 'autogen', 7) // not allocated yet: a write ahead of the metadata
    const unpin = store.pins.pin({ database: 'db', retentionPolicy: 'autogen', id: 2 })
    let trusted = false
    const cleanup = new OrphanCleanupService({
      meta,
      store,
      localNodeID: () => 1n,
      logger,
      trusted: () => trusted,
      retryMs: 20,
    })
    cleanup.start()
    await cleanup.runOnce()
    assert.equal(cleanup.status.passes, 0)
    trusted = true
    await until(() => cleanup.status.passes > 0)
    await cleanup.runOnce()
    assert.deepEqual(await onDisk(), ['autogen/2', 'autogen/7'])
    unpin()
    await cleanup.runOnce()
    assert.deepEqual(await onDisk(), ['autogen/7'])
    await cleanup.close()
  })

  it('leaves a retention policy directory alone while a restore stages a shard in it', async () => {
    await store.createShard('db', 'two', 3)
    await mkdir(join(dir, 'data', 'db', 'two', '.9.replica.tmp'))
    const cleanup = new OrphanCleanupService({ meta, store, localNodeID: () => 2n, logger })
    await cleanup.runOnce()
    assert.deepEqual(await onDisk(), ['two/.9.replica.tmp'])
    await cleanup.close()
  })

  it('deletes the hinted-handoff queue of a data node that left the cluster, and queues nothing more for it', async () => {
    const hh = new HintedHandoff({
      dir: join(dir, 'hh'),
      maxSizeBytes: 1 << 20,
      maxAgeMs: 0,
      retryIntervalMs: 60_000,
      retryMaxIntervalMs: 60_000,
      nodeAddress: (id) => meta.data.dataNodes.find((n) => n.id === id)?.tcpHost,
      send: () => Promise.reject(new Error('unreachable')),
      logger,
    })
    await hh.open()
    const w = {
      shardID: 1n,
      database: 'db',
      retentionPolicy: 'autogen',
      body: new Uint8Array([0x6d]),
    }
    await hh.enqueue(2n, w)
    await hh.enqueue(3n, w)
    const cleanup = new OrphanCleanupService({
      meta,
      store,
      localNodeID: () => 1n,
      hintedHandoff: hh,
      logger,
    })
    cleanup.start()
    await cleanup.runOnce()
    assert.deepEqual((await readdir(join(dir, 'hh'))).sort(), ['2', '3'])
    await meta.update((d) => d.deleteDataNode(3n))
    await until(async () => (await readdir(join(dir, 'hh'))).join() === '2')
    assert.deepEqual(hh.queuedNodes(), [2n])
    assert.ok(
      logs.some((l) => l.msg.includes('hinted-handoff queue') && l.fields['nodeID'] === '3'),
    )
    await hh.enqueue(3n, w)
    assert.deepEqual(await readdir(join(dir, 'hh')), ['2'])
    await cleanup.close()
    await hh.close()
  })
})

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

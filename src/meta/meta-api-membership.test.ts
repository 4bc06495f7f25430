import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  bcryptHasher,
  MetaAPIServer,
  MetaClient,
  MetaFileStore,
  type ClusterMembership,
  type MetaData,
} from './index.js'
import { mapShards } from './meta-api-membership.js'

let root = ''
let dirs = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tidemark-membership-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A hand-written ClusterMembership: data nodes at `refuse` fail to join, others answer. */
function fakeCluster(self: () => string, refuse = new Set<string>()): ClusterMembership {
  return {
    joinDataNode: (tcpAddr) =>
      refuse.has(tcpAddr)
        ? Promise.reject(new Error('it does not answer (connect ECONNREFUSED)'))
        : Promise.resolve({ httpAddr: tcpAddr.replace(/:\d+$/, ':8086') }),
    authorization: () => undefined,
    selfAddress: self,
  }
}

async function metaNode(dir: string, cluster?: 'fake', refuse?: Set<string>) {
  const meta = new MetaClient(new MetaFileStore(dir))
  await meta.open()
  let address = ''
  const api = new MetaAPIServer(meta, bcryptHasher, {
    bindAddress: '127.0.0.1:0',
    authEnabled: false,
    version: 'test',
    ...(cluster === undefined ? {} : { cluster: fakeCluster(() => address, refuse) }),
  })
  await api.listen()
  address = api.address
  const post = async (path: string, body: unknown): Promise<[number, Record<string, unknown>]> => {
    const r = await fetch(`http://${address}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    return [r.status, (await r.json()) as Record<string, unknown>]
  }
  return {
    meta,
    address,
    post,
    close: async () => {
      await api.close()
      await meta.close()
    },
  }
}

/** `data` with every shard owned by `owner`. */
function ownedBy(data: MetaData, owner: bigint): MetaData {
  return mapShards(data, (s) => ({ ...s, owners: [owner] }))
}

describe('meta API membership commands', () => {
  it('adds a data node after it joins, and refuses one already added or unreachable', async () => {
    const node = await metaNode(join(root, `m${++dirs}`), 'fake', new Set(['10.0.0.9:8088']))
    try {
      assert.deepEqual(await node.post('/add-data', { addr: '10.0.0.1:8088' }), [
        200,
        { id: 1, httpAddr: '10.0.0.1:8086', tcpAddr: '10.0.0.1:8088' },
      ])
      assert.deepEqual(await node.post('/add-data', { addr: '10.0.0.1:8088' }), [
        409,
        { error: 'data node 10.0.0.1:8088 is already a member of the cluster (ID 1)' },
      ])
      assert.deepEqual(await node.post('/add-data', { addr: '10.0.0.9:8088' }), [
        502,
        { error: 'cannot add data node 10.0.0.9:8088: it does not answer (connect ECONNREFUSED)' },
      ])
      assert.deepEqual(await node.post('/add-data', { addr: 'no-port' }), [
        400,
        { error: 'addr must be host:port' },
      ])
      assert.equal(node.meta.data.dataNodes.length, 1)
    } finally {
      await node.close()
    }
  })

  it('refuses to remove a data node that owns shards unless forced, then drops it as an owner', async () => {
    const node = await metaNode(join(root, `m${++dirs}`), 'fake')
    try {
      await node.post('/add-data', { addr: '10.0.0.1:8088' })
      await node.meta.update((d) =>
        ownedBy(d.createDatabase('db').createShardGroup('db', 'autogen', 0n), 1n),
      )
      assert.deepEqual(await node.post('/remove-data', { addr: '10.0.0.1:8088' }), [
        409,
        {
          error:
            'data node 10.0.0.1:8088 owns 1 shard(s) (1): move them first, or remove it with -force',
        },
      ])
      const [status] = await node.post('/remove-data', { addr: '10.0.0.1:8088', force: true })
      assert.equal(status, 200)
      assert.deepEqual(node.meta.data.dataNodes, [])
      const shard = node.meta.data.databases[0]?.retentionPolicies[0]?.shardGroups[0]?.shards[0]
      assert.deepEqual(shard?.owners, [])
      assert.deepEqual(await node.post('/remove-data', { addr: '10.0.0.1:8088' }), [
        404,
        { error: 'data node 10.0.0.1:8088 is not a member of the cluster' },
      ])
    } finally {
      await node.close()
    }
  })

  it("changes a data node's TCP address, refusing an unknown node or an address in use", async () => {
    const node = await metaNode(join(root, `m${++dirs}`), 'fake')
    try {
      await node.post('/add-data', { addr: '10.0.0.1:8088' })
      await node.post('/add-data', { addr: '10.0.0.2:8088' })
      assert.deepEqual(await node.post('/update-data', { old: '10.0.0.1:8088', new: 'a:9' }), [
        200,
        { id: 1, httpAddr: '10.0.0.1:8086', tcpAddr: 'a:9' },
      ])
      assert.deepEqual(await node.post('/update-data', { old: 'a:9', new: '10.0.0.2:8088' }), [
        409,
        { error: 'another data node already has the address 10.0.0.2:8088' },
      ])
      assert.deepEqual(await node.post('/update-data', { old: 'b:1', new: 'c:2' }), [
        404,
        { error: 'data node b:1 is not a member of the cluster' },
      ])
    } finally {
      await node.close()
    }
  })

  it('adds a meta node of the same metastore, refuses one of another, and keeps the last one', async () => {
    const dir = join(root, `m${++dirs}`)
    const a = await metaNode(dir, 'fake')
    await a.meta.update((d) => d.createDatabase('saved')) // so b loads the same cluster ID
    const b = await metaNode(dir, 'fake')
    const other = await metaNode(join(root, `m${++dirs}`), 'fake')
    try {
      const [status, body] = await a.post('/add-meta', { addr: b.address })
      assert.equal(status, 200)
      assert.equal(body['httpAddr'], b.address)
      const [refused, why] = await a.post('/add-meta', { addr: other.address })
      assert.equal(refused, 409)
      assert.match(String(why['error']), /belongs to another cluster \(cluster ID \d+, ours \d+\)/)
      assert.deepEqual(await a.post('/remove-meta', { addr: b.address }), [
        409,
        { error: `meta node ${b.address} is the last meta node of the cluster` },
      ])
      assert.deepEqual(await a.post('/remove-meta', { addr: 'x:1' }), [
        404,
        { error: 'meta node x:1 is not a member of the cluster' },
      ])
    } finally {
      await Promise.all([a.close(), b.close(), other.close()])
    }
  })

  it('refuses add-data on a single node, which has no cluster to join', async () => {
    const node = await metaNode(join(root, `m${++dirs}`))
    try {
      const [status, body] = await node.post('/add-data', { addr: '10.0.0.1:8088' })
      assert.equal(status, 400)
      assert.match(String(body['error']), /^this node runs meta and data in one process/)
    } finally {
      await node.close()
    }
  })
})

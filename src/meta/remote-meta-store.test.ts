import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../test/helpers/influxd.js'
import {
  bcryptHasher,
  bearer,
  MetaAPIServer,
  MetaClient,
  type MetaData,
  MetaFileStore,
  MetaStoreIOError,
  RemoteMetaStore,
  type MetaAPIOptions,
  type RemoteMetaStoreOptions,
} from './index.js'

let root = ''
let dirs = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tidemark-remote-meta-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A meta node: a MetaClient over a file store in a fresh directory, served on a free port. */
async function metaNode(options: Partial<MetaAPIOptions> = {}): Promise<{
  address: string
  meta: MetaClient
  close: () => Promise<void>
}> {
  const meta = new MetaClient(new MetaFileStore(join(root, `meta-${++dirs}`)))
  await meta.open()
  const api = new MetaAPIServer(meta, bcryptHasher, {
    bindAddress: '127.0.0.1:0',
    authEnabled: false,
    version: 'test',
    maxPollWaitMs: 300,
    ...options,
  })
  await api.listen()
  return {
    address: api.address,
    meta,
    close: async () => {
      await api.close()
      await meta.close()
    },
  }
}

function remote(addresses: readonly string[], more: Partial<RemoteMetaStoreOptions> = {}) {
  return new RemoteMetaStore({ addresses, pollWaitMs: 300, retryDelayMs: 20, ...more })
}

async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function names(d: MetaData): string[] {
  return d.databases.map((x) => x.name).sort()
}

describe('RemoteMetaStore', () => {
  it("loads the meta node's metadata, and a MetaClient over it changes it on the meta node", async () => {
    const node = await metaNode()
    const store = remote([node.address])
    const client = new MetaClient(store)
    try {
      await node.meta.update((d) => d.createDatabase('first'))
      await client.open()
      assert.deepEqual(names(client.data), ['first'])
      const after = await client.update((d) => d.createDatabase('second'))
      assert.equal(after.index, node.meta.data.index)
      assert.deepEqual(names(node.meta.data), ['first', 'second'])
      assert.deepEqual(names(client.data), ['first', 'second'])
      await assert.rejects(
        client.update((d) => d.setDefaultRetentionPolicy('nope', 'autogen')),
        { code: 'ERR_META_DATABASE_NOT_FOUND' },
      )
    } finally {
      await client.close()
      await store.close()
      await node.close()
    }
  })

  it('loses no change when several stores update at once (compare-and-swap retries)', async () => {
    const node = await metaNode()
    const stores = [0, 1, 2].map(() => remote([node.address]))
    const clients = stores.map((s) => new MetaClient(s))
    try {
      await Promise.all(clients.map((c) => c.open()))
      await Promise.all(
        clients.flatMap((c, k) =>
          Array.from({ length: 15 }, (_, i) => c.update((d) => d.createDatabase(`db_${k}_${i}`))),
        ),
      )
      assert.equal(node.meta.data.databases.length, 45)
      assert.ok(
        stores.some((s) => s.conflicts > 0),
        'three writers never collided',
      )
      for (const c of clients)
        await eventually('every client sees all 45', () => c.data.databases.length === 45)
    } finally {
      for (const c of clients) await c.close()
      for (const s of stores) await s.close()
      await node.close()
    }
  })

  it('publishes changes made elsewhere through the long poll, and the poll idles with 304', async () => {
    const node = await metaNode()
    const store = remote([node.address])
    const client = new MetaClient(store)
    try {
      await client.open()
      await new Promise((r) => setTimeout(r, 700)) // at least two polls time out unchanged
      const seen: bigint[] = []
      client.onChange((d) => seen.push(d.index))
      const t0 = Date.now()
      await node.meta.update((d) => d.createDatabase('elsewhere'))
      await eventually('the change arrives', () => client.data.database('elsewhere') !== undefined)
      assert.ok(Date.now() - t0 < 1000)
      assert.deepEqual(seen, [node.meta.data.index])
    } finally {
      await client.close()
      await store.close()
      await node.close()
    }
  })

  it('fails over to the next meta node when one does not answer', async () => {
    const node = await metaNode()
    const dead = `127.0.0.1:${await freePort()}`
    const store = remote([dead, node.address])
    const client = new MetaClient(store)
    try {
      await client.open()
      await client.update((d) => d.createDatabase('via_second'))
      assert.equal(store.currentAddress, node.address)
      assert.ok(node.meta.data.database('via_second') !== undefined)
    } finally {
      await client.close()
      await store.close()
      await node.close()
    }
  })

  it('reports MetaStoreIOError naming every meta node when none answers', async () => {
    const dead = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`]
    const store = remote(dead)
    try {
      const err = await store.load().then(
        () => assert.fail('loaded from nowhere'),
        (e: unknown) => e,
      )
      assert.ok(err instanceof MetaStoreIOError)
      assert.match(
        err.message,
        new RegExp(
          `^cannot read the metastore on meta nodes ${dead[0]},${dead[1]}: .*ECONNREFUSED`,
        ),
      )
    } finally {
      await store.close()
    }
  })

  it('serves the cached copy when the meta nodes are down, and refuses changes then', async () => {
    const node = await metaNode()
    const cacheDir = join(root, `cache-${++dirs}`)
    const first = remote([node.address], { cacheDir })
    const client = new MetaClient(first)
    await client.open()
    await client.update((d) => d.createDatabase('cached'))
    await client.close()
    await first.close()
    const address = node.address
    await node.close()

    const second = remote([address], { cacheDir })
    const again = new MetaClient(second)
    try {
      await again.open()
      assert.equal(second.loadedFromCache, true)
      assert.deepEqual(names(again.data), ['cached'])
      await assert.rejects(
        again.update((d) => d.createDatabase('nope')),
        {
          code: 'ERR_META_STORE_IO',
          message: new RegExp(`^cannot write the metastore on meta nodes ${address}: `),
        },
      )
    } finally {
      await again.close()
      await second.close()
    }
  })

  it('needs a token signed with the internal shared secret when the meta node has one', async () => {
    const node = await metaNode({ internalSharedSecret: 'inside' })
    const anonymous = remote([node.address])
    const wrong = remote([node.address], { authorization: () => bearer('outside', 'n') })
    const right = remote([node.address], { authorization: () => bearer('inside', 'n') })
    try {
      for (const s of [anonymous, wrong])
        await assert.rejects(s.load(), {
          code: 'ERR_META_STORE_IO',
          message:
            /answered 401: authorization failed: a token signed with the internal shared secret is required/,
        })
      const post = await fetch(`http://${node.address}/data?index=1`, {
        method: 'POST',
        body: Buffer.from([]),
      })
      assert.equal(post.status, 401)
      const client = new MetaClient(right)
      await client.open()
      await client.update((d) => d.createDatabase('signed'))
      await client.close()
      assert.ok(node.meta.data.database('signed') !== undefined)
    } finally {
      for (const s of [anonymous, wrong, right]) await s.close()
      await node.close()
    }
  })

  it('answers a compare-and-swap on a stale index with 409 and the current data', async () => {
    const node = await metaNode()
    try {
      const before = node.meta.data
      await node.meta.update((d) => d.createDatabase('moved_on'))
      const r = await fetch(`http://${node.address}/data?index=${before.index}`, {
        method: 'POST',
        body: Buffer.from(
          (await import('./meta-codec.js')).encodeMetaData(before.createDatabase('x').nextIndex()),
        ),
      })
      assert.equal(r.status, 409)
      assert.equal(r.headers.get('x-meta-index'), String(node.meta.data.index))
      assert.equal(node.meta.data.database('x'), undefined)
      const bad = await fetch(`http://${node.address}/data?index=${node.meta.data.index}`, {
        method: 'POST',
        body: 'not protobuf at all',
      })
      assert.equal(bad.status, 400)
    } finally {
      await node.close()
    }
  })
})

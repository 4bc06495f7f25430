import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { Etcd3 } from 'etcd3'
import { etcdAvailable, requireEtcd, startEtcd, type EtcdCluster } from '../../test/helpers/etcd.js'
import { freePort } from '../../test/helpers/influxd.js'
import {
  DEFAULT_ETCD_PREFIX,
  DatabaseExistsError,
  MetaClient,
  MetaCorruptError,
  MetaData,
  MetaEtcdStore,
  MetaFileStore,
  MetaStoreIOError,
  encodeMetaData,
  type MetaError,
  type MetaStore,
} from './index.js'

// One etcd for the whole file; each test uses its own key prefix.
let etcd: EtcdCluster | undefined
let prefixes = 0
before(async () => {
  if (etcdAvailable()) etcd = await startEtcd()
})
after(async () => {
  await etcd?.stop()
})

function endpoints(): string[] {
  if (etcd === undefined) throw new Error('etcd not started')
  return [...etcd.endpoints]
}

function freshPrefix(): string {
  return `/test-${process.pid}-${++prefixes}`
}

async function openEtcdStore(
  prefix: string,
  onError?: (err: MetaError) => void,
): Promise<MetaEtcdStore> {
  const store = new MetaEtcdStore({
    endpoints: endpoints(),
    prefix,
    ...(onError === undefined ? {} : { onError }),
  })
  await store.open()
  return store
}

async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A store implementation under the shared MetaStore cases: makes a store, and a second view of the same place. */
interface Flavour {
  readonly name: string
  /** Returns false (test skipped) when the implementation cannot run here. */
  available(t: TestContext): boolean
  /** Opens a store on a fresh place; `reopen` opens another store on the same place; `done` cleans up. */
  make(): Promise<{ store: MetaStore; reopen: () => Promise<MetaStore>; done: () => Promise<void> }>
}

const flavours: Flavour[] = [
  {
    name: 'MetaFileStore',
    available: () => true,
    async make() {
      const dir = await mkdtemp(join(tmpdir(), 'tidemark-metastore-'))
      return {
        store: new MetaFileStore(dir, { newClusterID: () => 42n }),
        reopen: async () => new MetaFileStore(dir),
        done: () => rm(dir, { recursive: true, force: true }),
      }
    },
  },
  {
    name: 'MetaEtcdStore',
    available: (t) => requireEtcd(t),
    async make() {
      const prefix = freshPrefix()
      const opened: MetaEtcdStore[] = []
      const open = async (newClusterID?: () => bigint): Promise<MetaEtcdStore> => {
        const s = new MetaEtcdStore({
          endpoints: endpoints(),
          prefix,
          ...(newClusterID === undefined ? {} : { newClusterID }),
        })
        await s.open()
        opened.push(s)
        return s
      }
      return {
        store: await open(() => 42n),
        reopen: () => open(),
        done: async () => {
          for (const s of opened) await s.close()
        },
      }
    },
  },
]

for (const f of flavours) {
  describe(`MetaStore conformance: ${f.name}`, () => {
    it('loads an empty metastore (index 1, the new cluster ID) when nothing was stored', async (t) => {
      if (!f.available(t)) return
      const { store, done } = await f.make()
      try {
        const d = await store.load()
        assert.equal(d.index, 1n)
        assert.equal(d.clusterID, 42n)
        assert.deepEqual(d.databases, [])
      } finally {
        await done()
      }
    })

    it('saves metadata that loads back with identical bytes, also from another store on the same place', async (t) => {
      if (!f.available(t)) return
      const { store, reopen, done } = await f.make()
      try {
        const data = MetaData.empty(7n)
          .createDatabase('db0')
          .createUser('u', '$2a$10$hash', true)
          .nextIndex()
        await store.save(data)
        assert.deepEqual(encodeMetaData(await store.load()), encodeMetaData(data))
        assert.deepEqual(encodeMetaData(await (await reopen()).load()), encodeMetaData(data))
      } finally {
        await done()
      }
    })

    it('keeps MetaClient changes durable, in order, and unchanged when a change fails', async (t) => {
      if (!f.available(t)) return
      const { store, reopen, done } = await f.make()
      try {
        const client = new MetaClient(store)
        await client.open()
        const a = client.update((d) => d.createDatabase('a'))
        const b = client.update((d) => d.createDatabase('b'))
        const bad = client.update((d) => d.setDefaultRetentionPolicy('nope', 'autogen'))
        await Promise.all([a, b])
        await assert.rejects(bad, { code: 'ERR_META_DATABASE_NOT_FOUND' })
        assert.deepEqual(
          client.data.databases.map((d) => d.name),
          ['a', 'b'],
        )
        assert.equal(client.data.index, 3n)
        await client.close()
        const again = new MetaClient(await reopen())
        await again.open()
        assert.deepEqual(
          again.data.databases.map((d) => d.name),
          ['a', 'b'],
        )
        assert.equal(again.data.index, 3n)
        await again.close()
      } finally {
        await done()
      }
    })
  })
}

describe('MetaEtcdStore', () => {
  it('keeps the metadata under <prefix>/data as the meta.Data protobuf', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const store = await openEtcdStore(`${prefix}/`)
    const raw = new Etcd3({ hosts: endpoints() })
    try {
      assert.equal(store.key, `${prefix}/data`)
      assert.equal(new MetaEtcdStore({ endpoints: endpoints() }).key, `${DEFAULT_ETCD_PREFIX}/data`)
      const saved = await store.update((d) => d.createDatabase('x').nextIndex())
      const bytes = await raw.get(store.key).buffer()
      assert.ok(bytes !== null)
      assert.ok(Buffer.from(encodeMetaData(saved)).equals(bytes))
    } finally {
      raw.close()
      await store.close()
    }
  })

  it('gives every store opened on an empty key the same cluster ID', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    let n = 0n
    const stores = [1, 2, 3].map(
      () => new MetaEtcdStore({ endpoints: endpoints(), prefix, newClusterID: () => ++n }),
    )
    try {
      await Promise.all(stores.map((s) => s.open()))
      const ids = await Promise.all(stores.map(async (s) => (await s.load()).clusterID))
      assert.equal(new Set(ids).size, 1)
    } finally {
      for (const s of stores) await s.close()
    }
  })

  it('retries a compare-and-swap that lost to another writer with the fresh data, losing no update', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const a = await openEtcdStore(prefix)
    const b = await openEtcdStore(prefix)
    try {
      const seen: string[][] = []
      // Both start from the same revision in the same tick, so one transaction must fail.
      const [ra, rb] = await Promise.all([
        a.update((d) => d.createDatabase('a').nextIndex()),
        b.update((d) => {
          seen.push(d.databases.map((x) => x.name))
          return d.createDatabase('b').nextIndex()
        }),
      ])
      assert.equal(a.conflicts + b.conflicts, 1)
      const winner = ra.index < rb.index ? ra : rb
      const loser = winner === ra ? rb : ra
      assert.equal(loser.index, winner.index + 1n)
      assert.deepEqual(loser.databases.map((x) => x.name).sort(), ['a', 'b'])
      if (b.conflicts === 1) assert.deepEqual(seen, [[], ['a']])
      for (const s of [a, b])
        assert.deepEqual((await s.load()).databases.map((x) => x.name).sort(), ['a', 'b'])
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('rejects a change that fails on the fresh data, storing nothing', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const a = await openEtcdStore(prefix)
    const b = await openEtcdStore(prefix)
    try {
      // Different bytes on each side (with and without autogen), so neither write looks like the other's.
      const strict =
        (autogen: boolean) =>
        (d: MetaData): MetaData => {
          if (d.database('x') !== undefined) throw new DatabaseExistsError('x')
          return d.createDatabase('x', autogen).nextIndex()
        }
      const results = await Promise.allSettled([a.update(strict(true)), b.update(strict(false))])
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
      const failed = results.find((r) => r.status === 'rejected')
      assert.ok(failed !== undefined && failed.reason instanceof DatabaseExistsError)
      assert.equal((await a.load()).index, 2n)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('treats a concurrent write of exactly the same bytes as its own commit', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const a = await openEtcdStore(prefix)
    const b = await openEtcdStore(prefix)
    try {
      const same = (d: MetaData): MetaData => d.createDatabase('x').nextIndex()
      const [ra, rb] = await Promise.all([a.update(same), b.update(same)])
      assert.equal(ra.index, 2n)
      assert.equal(rb.index, 2n)
      assert.equal(a.conflicts + b.conflicts, 0)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('publishes changes committed by another process to subscribers and MetaClients', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const aStore = await openEtcdStore(prefix)
    const a = new MetaClient(aStore)
    const bStore = await openEtcdStore(prefix)
    const b = new MetaClient(bStore)
    await a.open()
    await b.open()
    try {
      const heard: bigint[] = []
      b.onChange((d) => heard.push(d.index))
      await a.update((d) => d.createDatabase('from-a'))
      await eventually('b sees from-a', () => b.data.database('from-a') !== undefined)
      assert.deepEqual(heard, [2n])
      // b's next change builds on what it heard, and a hears it back.
      await b.update((d) =>
        d.createRetentionPolicy(
          'from-a',
          { name: 'rp', durationNs: 3_600_000_000_000n, replicaN: 1 },
          false,
        ),
      )
      await eventually('a sees rp', () => a.data.retentionPolicy('from-a', 'rp') !== undefined)
      assert.equal(a.data.index, 3n)
      assert.equal(bStore.conflicts, 0)
    } finally {
      await a.close()
      await b.close()
      await aStore.close()
      await bStore.close()
    }
  })

  it('reports a value that does not decode as ERR_META_CORRUPT naming the key, at open and from the watch', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const raw = new Etcd3({ hosts: endpoints() })
    const errors: MetaError[] = []
    const watching = await openEtcdStore(prefix, (e) => errors.push(e))
    try {
      const good = await watching.update((d) => d.createDatabase('kept').nextIndex())
      await raw.put(watching.key).value(Buffer.from([0x08, 0xff]))
      await eventually('the watch reports the bad value', () => errors.length > 0)
      const [err] = errors
      assert.ok(err instanceof MetaCorruptError)
      assert.match(err.message, new RegExp(`etcd key ${prefix}/data`))
      await assert.rejects(watching.load(), MetaCorruptError)
      assert.ok(good.database('kept') !== undefined)
      await assert.rejects(
        openEtcdStore(prefix),
        (e: unknown) =>
          e instanceof MetaCorruptError &&
          e.code === 'ERR_META_CORRUPT' &&
          e.message.includes(`${prefix}/data`),
      )
    } finally {
      raw.close()
      await watching.close()
    }
  })

  it('fails to open with one line naming the endpoints when etcd cannot be reached', async (t) => {
    if (!requireEtcd(t)) return
    const endpoint = `http://127.0.0.1:${await freePort()}`
    const store = new MetaEtcdStore({
      endpoints: [endpoint],
      dialTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    })
    const started = Date.now()
    const err = await store.open().then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(err instanceof MetaStoreIOError, String(err))
    assert.equal(err.code, 'ERR_META_STORE_IO')
    assert.ok(err.message.includes(endpoint), err.message)
    assert.ok(!err.message.includes('\n'), err.message)
    assert.ok(Date.now() - started < 10_000)
    await store.close()
  })

  it('gives up after the dial timeout when a member accepts connections but never answers', async (t) => {
    if (!requireEtcd(t)) return
    const sockets = new Set<Socket>()
    const silent = createServer((s) => sockets.add(s))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    try {
      const store = new MetaEtcdStore({ endpoints: [endpoint], dialTimeoutMs: 500 })
      const started = Date.now()
      await assert.rejects(
        store.open(),
        (e: unknown) => e instanceof MetaStoreIOError && e.message.includes(endpoint),
      )
      const tookMs = Date.now() - started
      assert.ok(tookMs >= 400 && tookMs < 5000, `took ${tookMs} ms`)
      await store.close()
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise((r) => silent.close(r))
    }
  })

  it('keeps every update of 3 MetaClients creating 20 databases and 20 users each at once', async (t) => {
    if (!requireEtcd(t)) return
    const prefix = freshPrefix()
    const stores = await Promise.all([1, 2, 3].map(() => openEtcdStore(prefix)))
    const clients = stores.map((s) => new MetaClient(s))
    for (const c of clients) await c.open()
    try {
      const work: Promise<unknown>[] = []
      for (let i = 0; i < 20; i++) {
        clients.forEach((c, k) => {
          work.push(c.update((d) => d.createDatabase(`db_${k}_${i}`)))
          work.push(c.update((d) => d.createUser(`user_${k}_${i}`, '$2a$10$hash', false)))
        })
      }
      await Promise.all(work)
      const expectedDBs = clients
        .flatMap((_, k) => Array.from({ length: 20 }, (_, i) => `db_${k}_${i}`))
        .sort()
      const expectedUsers = expectedDBs.map((n) => n.replace('db_', 'user_')).sort()
      for (const c of clients) {
        await eventually('every client sees 120 changes', () => c.data.index === 121n)
        assert.deepEqual(c.data.databases.map((d) => d.name).sort(), expectedDBs)
        assert.deepEqual(c.data.users.map((u) => u.name).sort(), expectedUsers)
      }
      const conflicts = stores.reduce((n, s) => n + s.conflicts, 0)
      t.diagnostic(`120 concurrent changes from 3 clients: ${conflicts} compare-and-swap retries`)
    } finally {
      for (const c of clients) await c.close()
      for (const s of stores) await s.close()
    }
  })
})

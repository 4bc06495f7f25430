import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile, readdir, cp } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePoints } from '../lineprotocol/index.js'
import { ShardExistsError, Store, StoreNameError } from './index.js'

const enc = new TextEncoder()
let dir: string
const newStore = (): Store =>
  new Store({ dataDir: join(dir, 'data'), walDir: join(dir, 'wal'), engine: { background: false } })

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('Store', () => {
  it('finds its shards again on open, under data/<db>/<rp>/<id> and wal/<db>/<rp>/<id>', async () => {
    let store = newStore()
    await store.open()
    const s = await store.createShard('db', 'autogen', 7)
    await s.writePoints(parsePoints(enc.encode('m v=1 1'), {}).points)
    await store.createShard('db', 'two', 10)
    assert.ok(existsSync(join(dir, 'data', 'db', 'autogen', '7')))
    assert.ok(existsSync(join(dir, 'wal', 'db', 'autogen', '7')))
    await assert.rejects(store.createShard('other', 'autogen', 7), ShardExistsError)
    await store.close()
    store = newStore()
    await store.open()
    assert.deepEqual(
      store.shards().map((x) => [x.id, x.database, x.retentionPolicy]),
      [
        [7, 'db', 'autogen'],
        [10, 'db', 'two'],
      ],
    )
    assert.equal((await store.mustShard(7).read('m#!~#v'))?.times[0], 1n)
    await store.close()
  })

  it('opens a shard once when several writers ask for it at the same time, and keeps every point they write', async () => {
    let store = newStore()
    await store.open()
    const asked = await Promise.all(
      Array.from({ length: 8 }, () => store.createShard('db', 'autogen', 3)),
    )
    assert.ok(
      asked.every((s) => s === asked[0]),
      'every caller gets the same shard',
    )
    await assert.rejects(
      Promise.all([
        store.createShard('db', 'autogen', 4),
        store.createShard('other', 'autogen', 4),
      ]),
      ShardExistsError,
    )
    // Writers racing on a fresh shard each write their own points; all survive a reopen.
    const writes = Array.from({ length: 8 }, async (_, w) => {
      const shard = await store.createShard('db', 'autogen', 5)
      const lines = Array.from({ length: 100 }, (_, i) => `m,w=${w} v=${i} ${w * 1000 + i}`).join(
        '\n',
      )
      await shard.writePoints(parsePoints(enc.encode(lines), {}).points)
    })
    await Promise.all(writes)
    await store.close()
    store = newStore()
    await store.open()
    let total = 0
    for (let w = 0; w < 8; w++)
      total += (await store.mustShard(5).read(`m,w=${w}#!~#v`))?.times.length ?? 0
    assert.equal(total, 800)
    await store.close()
  })

  it('keeps working when one shard fails to open, and reports that shard with its reason', async () => {
    let store = newStore()
    await store.open()
    for (const id of [1, 2]) {
      const s = await store.createShard('db', 'autogen', id)
      await s.writePoints(parsePoints(enc.encode(`m v=${id} 1`), {}).points)
      await s.snapshot()
    }
    await store.close()
    await writeFile(join(dir, 'data', 'db', 'autogen', '2', 'bogus.tsm'), 'not a tsm file')
    store = newStore()
    await store.open()
    assert.deepEqual(
      store.shards().map((s) => s.id),
      [1],
    )
    const failed = store.failedShards()
    assert.equal(failed.length, 1)
    assert.equal(failed[0]?.id, 2)
    assert.match(failed[0]?.error.message ?? '', /\[shard 2\].*bogus\.tsm/)
    assert.equal((await store.mustShard(1).read('m#!~#v'))?.values[0], 1)
    await store.close()
  })

  it('deletes shards, retention policies and databases with their directories', async () => {
    const store = newStore()
    await store.open()
    await store.createShard('a', 'autogen', 1)
    await store.createShard('a', 'rp2', 2)
    await store.createShard('b', 'autogen', 3)
    await store.deleteRetentionPolicy('a', 'rp2')
    assert.deepEqual(await readdir(join(dir, 'data', 'a')), ['autogen'])
    await store.deleteDatabase('b')
    assert.equal(existsSync(join(dir, 'data', 'b')), false)
    assert.equal(existsSync(join(dir, 'wal', 'b')), false)
    assert.deepEqual(
      store.shards().map((s) => s.id),
      [1],
    )
    await store.close()
  })

  it('creates and removes nothing by a name that is not one directory level (.., a/b, "", NUL)', async () => {
    const store = newStore()
    await store.open()
    await store.createShard('a', 'autogen', 1)
    const outside = join(dir, 'outside')
    await mkdir(join(outside, 'autogen'), { recursive: true })
    for (const name of ['..', '.', '', '../outside', 'a/b', 'a\\b', 'a\0b']) {
      await assert.rejects(store.createShard(name, 'autogen', 2), StoreNameError, name)
      await assert.rejects(store.createShard('a', name, 2), StoreNameError, name)
      await assert.rejects(store.deleteDatabase(name), StoreNameError, name)
      await assert.rejects(store.deleteRetentionPolicy('a', name), StoreNameError, name)
    }
    assert.ok(existsSync(join(outside, 'autogen')), 'nothing outside the data directory went')
    assert.ok(existsSync(join(dir, 'data', 'a', 'autogen', '1')))
    assert.deepEqual(
      store.shards().map((s) => s.id),
      [1],
    )
    await store.close()
  })

  it('opens the shards of a real influxd 1.6 data directory (golden fixture)', async () => {
    const root = resolve(
      dirname(fileURLToPath(import.meta.url)),
      '../../../test/fixtures/storage/tsm',
    )
    await cp(join(root, 'data'), join(dir, 'data'), { recursive: true })
    await cp(join(root, 'wal'), join(dir, 'wal'), { recursive: true })
    const store = newStore()
    await store.open()
    assert.deepEqual(store.failedShards(), [])
    assert.deepEqual(
      store.shards().map((s) => s.id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    )
    const big = await store.mustShard(2).read('big,series=one#!~#i')
    assert.ok(big !== undefined && big.times.length > 1000)
    await store.close()
  })
})

describe('Store after an interrupted restore', () => {
  it('removes restore staging and temp directories on open, and keeps every real shard', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-store-restore-'))
    try {
      let store = new Store({
        dataDir: join(dir, 'data'),
        walDir: join(dir, 'wal'),
        engine: { background: false },
      })
      await store.open()
      await store.createShard('db', 'autogen', 3)
      await store.close()
      const staging = join(dir, 'data', '.restore-staging-abcdef0123')
      const partial = join(dir, 'data', 'db', 'autogen', '.7.restore.tmp')
      await mkdir(staging, { recursive: true })
      await writeFile(join(staging, 'x.manifest'), '{}')
      await mkdir(partial, { recursive: true })
      await writeFile(join(partial, '000000001-000000001.tsm'), 'partial')
      // A replica a cluster restore was staging on this node when it died.
      const replica = join(dir, 'data', 'db', 'autogen', '.9.replica.tmp')
      await mkdir(replica, { recursive: true })
      await writeFile(join(replica, '000000001-000000001.tsm'), 'partial')
      store = new Store({
        dataDir: join(dir, 'data'),
        walDir: join(dir, 'wal'),
        engine: { background: false },
      })
      await store.open()
      assert.equal(existsSync(staging), false)
      assert.equal(existsSync(partial), false)
      assert.equal(existsSync(replica), false)
      assert.deepEqual(
        store.shards().map((s) => s.id),
        [3],
      )
      await store.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  MetaCorruptError,
  MetaData,
  MetaFileStore,
  MetaStoreIOError,
  encodeMetaData,
} from './index.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const fixture = join(root, 'test/fixtures/storage/tsm')

interface LayoutShard {
  readonly id: number
  readonly db: string
  readonly rp: string
  readonly shardGroup: number
  readonly start: string
  readonly end: string
}

function isLayoutShard(v: unknown): v is LayoutShard {
  if (typeof v !== 'object' || v === null) return false
  const o: Record<string, unknown> = { ...v }
  return (
    typeof o['id'] === 'number' && typeof o['db'] === 'string' && typeof o['start'] === 'string'
  )
}

async function layoutShards(): Promise<LayoutShard[]> {
  const parsed: unknown = JSON.parse(await readFile(join(fixture, 'layout.json'), 'utf8'))
  const shards =
    typeof parsed === 'object' && parsed !== null && 'shards' in parsed ? parsed.shards : undefined
  assert.ok(Array.isArray(shards))
  return shards.filter(isLayoutShard)
}

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-meta-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('MetaFileStore', () => {
  it('loads the meta.db of a real influxd 1.6 with the databases, shard groups and shards of layout.json', async () => {
    await copyFile(join(fixture, 'meta/meta.db'), join(dir, 'meta.db'))
    const data = await new MetaFileStore(dir).load()
    assert.deepEqual(
      data.databases.map((db) => [
        db.name,
        db.defaultRetentionPolicy,
        db.retentionPolicies.map((rp) => rp.name),
      ]),
      [
        ['db0', 'autogen', ['autogen', 'rp_long']],
        ['db1', 'autogen', ['autogen']],
      ],
    )
    const rpLong = data.retentionPolicy('db0', 'rp_long')
    assert.deepEqual(
      [rpLong?.durationNs, rpLong?.shardGroupDurationNs, rpLong?.replicaN],
      [0n, 86_400_000_000_000n, 1],
    )
    const shards = await layoutShards()
    assert.equal(shards.length, 11)
    assert.deepEqual(
      data.shardIDs(),
      shards.map((s) => BigInt(s.id)).sort((a, b) => (a < b ? -1 : 1)),
    )
    for (const s of shards) {
      const owner = data.shardOwner(BigInt(s.id))
      assert.ok(owner, `shard ${s.id}`)
      assert.deepEqual(
        [
          owner.database,
          owner.retentionPolicy,
          owner.shardGroup.id,
          owner.shardGroup.startTimeNs,
          owner.shardGroup.endTimeNs,
        ],
        [s.db, s.rp, BigInt(s.shardGroup), ns(s.start), ns(s.end)],
      )
    }
    assert.deepEqual([data.maxShardGroupID, data.maxShardID], [11n, 11n])
    // Groups stay in InfluxDB's order (by end time): 11 was created last but is the latest.
    assert.deepEqual(
      data.retentionPolicy('db0', 'autogen')?.shardGroups.map((g) => g.id),
      [1n, 2n, 3n, 4n, 11n],
    )
  })

  it('writes back the same bytes influxd wrote', async () => {
    const original = await readFile(join(fixture, 'meta/meta.db'))
    await writeFile(join(dir, 'meta.db'), original)
    const store = new MetaFileStore(dir)
    await store.save(await store.load())
    assert.deepEqual(await readFile(join(dir, 'meta.db')), original)
  })

  it('starts an empty metastore (index 1, a new cluster ID) when meta.db does not exist', async () => {
    const data = await new MetaFileStore(dir, { newClusterID: () => 42n }).load()
    assert.deepEqual([data.index, data.clusterID, data.databases], [1n, 42n, []])
    const random = await new MetaFileStore(dir).load()
    assert.ok(random.clusterID >= 0n && random.clusterID < 2n ** 63n)
  })

  it('saves the raw protobuf atomically, creating the directory, mode 0600, no temp file left', async () => {
    const metaDir = join(dir, 'meta')
    const store = new MetaFileStore(metaDir)
    const data = MetaData.empty(7n).createDatabase('db').createShardGroup('db', 'autogen', 0n)
    await store.save(data)
    const bytes = await readFile(store.path)
    assert.equal(bytes.toString('hex'), Buffer.from(encodeMetaData(data)).toString('hex'))
    assert.equal(bytes[0], 0x08)
    assert.equal((await stat(store.path)).mode & 0o777, 0o600)
    assert.deepEqual(await readdir(metaDir), ['meta.db'])
    assert.deepEqual({ ...(await store.load()) }, { ...data })
  })

  it('runs concurrent saves one after another, leaving the last one on disk', async () => {
    const store = new MetaFileStore(dir)
    const versions = Array.from({ length: 8 }, (_, i) =>
      MetaData.empty(1n).with({ index: BigInt(i + 1) }),
    )
    await Promise.all(versions.map((v) => store.save(v)))
    assert.equal((await store.load()).index, 8n)
    assert.deepEqual(await readdir(dir), ['meta.db'])
  })

  it('reports ERR_META_CORRUPT naming the file and offset for a truncated meta.db, and leaves it as it was', async () => {
    const original = await readFile(join(fixture, 'meta/meta.db'))
    const damaged = original.subarray(0, 200)
    await writeFile(join(dir, 'meta.db'), damaged)
    const store = new MetaFileStore(dir)
    await assert.rejects(store.load(), (e: unknown) => {
      assert.ok(e instanceof MetaCorruptError)
      assert.equal(e.code, 'ERR_META_CORRUPT')
      assert.equal(e.fields['path'], store.path)
      assert.equal(typeof e.fields['offset'], 'number')
      assert.match(
        e.message,
        new RegExp(`${store.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, offset \\d+`),
      )
      return true
    })
    assert.deepEqual(await readFile(join(dir, 'meta.db')), damaged)
  })

  it('treats an empty meta.db as corrupt (missing required fields), never as a fresh start', async () => {
    await writeFile(join(dir, 'meta.db'), new Uint8Array(0))
    await assert.rejects(new MetaFileStore(dir).load(), /required field "Term" not set/)
  })

  it('reports ERR_META_STORE_IO with the path when meta.db cannot be read or written', async () => {
    await mkdir(join(dir, 'meta.db'))
    const store = new MetaFileStore(dir)
    await assert.rejects(
      store.load(),
      (e: unknown) => e instanceof MetaStoreIOError && e.fields['path'] === store.path,
    )
    await assert.rejects(
      store.save(MetaData.empty(1n)),
      (e: unknown) => e instanceof MetaStoreIOError && e.code === 'ERR_META_STORE_IO',
    )
  })
})

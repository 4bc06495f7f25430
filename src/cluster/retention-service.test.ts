import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePoints } from '../lineprotocol/index.js'
import { HOUR_NS, MetaClient, MetaFileStore } from '../meta/index.js'
import { Store } from '../store/index.js'
import { PointsWriter, RetentionService, ShardPrecreationService } from './index.js'

const silent = { info() {}, error() {} }

describe('RetentionService', () => {
  it('deletes shard groups older than the retention policy keeps, with their shard directories, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-retention-'))
    const meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
    await meta.open()
    const store = new Store({
      dataDir: join(dir, 'data'),
      walDir: join(dir, 'wal'),
      engine: { background: false },
    })
    await store.open()
    try {
      const t0 = 1_700_000_000_000_000_000n
      await meta.update((d) =>
        d
          .createDatabase('db')
          .createRetentionPolicy('db', { name: 'short', durationNs: HOUR_NS }, false),
      )
      let now = t0
      const writer = new PointsWriter(meta, store, () => now)
      const enc = new TextEncoder()
      await writer.writePoints('db', 'short', parsePoints(enc.encode(`m v=1 ${t0}`), {}).points)
      await writer.writePoints('db', 'autogen', parsePoints(enc.encode(`m v=1 ${t0}`), {}).points)
      // An unknown shard directory (e.g. a copy being restored) must survive retention.
      const stray = await store.createShard('db', 'short', 999)
      const shortShard = Number(meta.data.shardGroups('db', 'short')[0]?.shards[0]?.id)
      const shortPath = store.mustShard(shortShard).path

      const retention = new RetentionService({
        meta,
        store,
        intervalMs: 60_000,
        logger: silent,
        now: () => now,
      })
      await retention.runOnce()
      assert.equal(meta.data.shardGroups('db', 'short').length, 1, 'nothing is expired yet')

      now = t0 + 3n * HOUR_NS
      await retention.runOnce()
      assert.equal(meta.data.shardGroups('db', 'short').length, 0)
      assert.equal(
        meta.data.shardGroups('db', 'autogen').length,
        1,
        'an infinite policy keeps its groups',
      )
      assert.equal(store.shard(shortShard), undefined)
      assert.equal(existsSync(shortPath), false)
      assert.ok(store.shard(stray.id) !== undefined && existsSync(stray.path))
      await retention.close()
    } finally {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('ShardPrecreationService', () => {
  it('creates the next shard group of a retention policy before its current one ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-precreate-'))
    const meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
    await meta.open()
    try {
      const now = BigInt(Date.now()) * 1_000_000n
      // A 1h-group policy whose current group ends within the advance period.
      await meta.update((d) =>
        d
          .createDatabase('db')
          .createRetentionPolicy(
            'db',
            { name: 'hourly', durationNs: 2n * HOUR_NS, shardGroupDurationNs: HOUR_NS },
            false,
          ),
      )
      await meta.update((d) => d.createShardGroup('db', 'hourly', now))
      const before = meta.data.shardGroups('db', 'hourly')
      assert.equal(before.length, 1)
      const service = new ShardPrecreationService({
        meta,
        intervalMs: 60_000,
        advanceMs: 2 * 3600 * 1000,
        logger: silent,
      })
      await service.runOnce()
      const after = meta.data.shardGroups('db', 'hourly')
      assert.equal(after.length, 2)
      assert.equal(after[1]?.startTimeNs, before[0]?.endTimeNs)
      await service.close()
    } finally {
      await meta.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

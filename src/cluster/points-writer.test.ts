import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePoints } from '../lineprotocol/index.js'
import { MetaClient, MetaFileStore, HOUR_NS } from '../meta/index.js'
import { Store } from '../store/index.js'
import {
  PointsWriter,
  WriteDatabaseNotFoundError,
  WriteRetentionPolicyNotFoundError,
} from './index.js'

const enc = new TextEncoder()
const NOW = 1_700_000_000_000_000_000n

async function setup(
  dir: string,
): Promise<{ meta: MetaClient; store: Store; writer: PointsWriter }> {
  const meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
  await meta.open()
  const store = new Store({
    dataDir: join(dir, 'data'),
    walDir: join(dir, 'wal'),
    engine: { background: false },
  })
  await store.open()
  return { meta, store, writer: new PointsWriter(meta, store, () => NOW) }
}

describe('PointsWriter', () => {
  it('creates shard groups on write and stores each point in the shard covering its time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-pw-'))
    const { meta, store, writer } = await setup(dir)
    try {
      await meta.update((d) => d.createDatabase('db'))
      const week = 7n * 24n * HOUR_NS
      const lp = `m v=1 ${NOW}\nm v=2 ${NOW + week}\nm v=3 ${NOW + 1n}`
      const r = await writer.writePoints('db', '', parsePoints(enc.encode(lp), {}).points)
      assert.deepEqual(r, { kind: 'ok', written: 3 })
      const groups = meta.data.shardGroups('db', 'autogen')
      assert.equal(groups.length, 2)
      const first = store.mustShard(Number(groups[0]?.shards[0]?.id))
      assert.deepEqual([...((await first.read('m#!~#v'))?.times ?? [])], [NOW, NOW + 1n])
    } finally {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('drops points older than the retention policy keeps, unless a newer point of the request opened their group', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-pw-'))
    const { meta, store, writer } = await setup(dir)
    try {
      await meta.update((d) =>
        d
          .createDatabase('db')
          .createRetentionPolicy('db', { name: 'short', durationNs: HOUR_NS, replicaN: 1 }, false),
      )
      const old = NOW - 2n * HOUR_NS
      const r = await writer.writePoints(
        'db',
        'short',
        parsePoints(enc.encode(`m v=1 1\nm v=2 ${old}\nm v=3 ${NOW}`), {}).points,
      )
      assert.equal(r.kind, 'partial')
      assert.equal(r.kind === 'partial' && r.reason, 'points beyond retention policy')
      assert.equal(r.kind === 'partial' && r.dropped, 2)
      await assert.rejects(
        writer.writePoints('nodb', '', []),
        (e: unknown) =>
          e instanceof WriteDatabaseNotFoundError && e.message === 'database not found: "nodb"',
      )
      await assert.rejects(
        writer.writePoints('db', 'nosuch', []),
        (e: unknown) =>
          e instanceof WriteRetentionPolicyNotFoundError &&
          e.message === 'retention policy not found: nosuch',
      )
    } finally {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

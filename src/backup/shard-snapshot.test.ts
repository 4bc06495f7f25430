import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Shard } from '../engine/index.js'
import { parsePoints } from '../lineprotocol/index.js'
import { shardFileState, takeShardSnapshot } from './index.js'
import { tempDir } from './backup-test-support.js'

const T0 = 1_600_000_000_000_000_000n

async function write(shard: Shard, lines: string): Promise<void> {
  const r = parsePoints(new TextEncoder().encode(lines), { precision: 'n' })
  assert.deepEqual(r.errors, [])
  await shard.writePoints(r.points)
}

describe('shardFileState', () => {
  it('gives the fingerprint and newest mtime a snapshot of the same files records, linking nothing', async () => {
    const dir = await tempDir()
    const shard = new Shard({
      id: 3,
      database: 'db',
      retentionPolicy: 'rp',
      path: join(dir, 'data'),
      walPath: join(dir, 'wal'),
      options: { background: false },
    })
    await shard.open()
    try {
      await write(shard, `m,h=a v=1 ${T0}\nm,h=b v=2 ${T0}`)
      await shard.snapshot()
      await write(shard, `m,h=a v=3 ${T0 + 10n}`)
      await shard.snapshot()
      await shard.deleteSeriesRange(['m,h=b'], T0, T0)
      // Only in the cache: flushed by both, so both see the same three files.
      await write(shard, `m,h=a v=4 ${T0 + 20n}`)

      const entries = await readdir(shard.path)
      const state = await shardFileState(shard)
      const after = await readdir(shard.path)
      assert.equal(shard.tsmPaths().length, 3)
      assert.ok(after.length >= entries.length) // the flush added a TSM file
      assert.ok(
        after.every((n) => !n.startsWith('.backup-')),
        after.join(', '),
      )

      const snap = await takeShardSnapshot(shard)
      try {
        assert.ok(snap.files.some((f) => f.tombstone !== undefined))
        assert.equal(state.fingerprint, snap.fingerprint)
        assert.equal(state.lastModifiedNs, snap.lastModifiedNs)
      } finally {
        await snap.release()
      }

      assert.deepEqual(await shardFileState(shard), state)
      await write(shard, `m,h=a v=5 ${T0 + 30n}`)
      assert.notEqual((await shardFileState(shard)).fingerprint, state.fingerprint)
    } finally {
      await shard.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

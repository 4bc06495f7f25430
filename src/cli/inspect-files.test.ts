// Finding TSM files and WAL segments per database, RP and shard.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findFiles, scanShards } from './inspect-files.js'
import { removeDir, tempDir } from './inspect-test-support.js'

function touch(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, '')
}

describe('scanShards', () => {
  it('groups files by (db, rp) and shard, in name, numeric and generation order', async () => {
    const dir = tempDir()
    try {
      touch(join(dir, 'data/b/rp/10/000000001-000000001.tsm'))
      touch(join(dir, 'data/b/rp/2/000000010-000000001.tsm'))
      touch(join(dir, 'data/b/rp/2/000000002-000000002.tsm'))
      touch(join(dir, 'data/b/rp/2/000000002-000000001.tsm'))
      touch(join(dir, 'data/b/rp/2/fields.idx'))
      touch(join(dir, 'data/a/x/1/000000001-000000001.tsm'))
      touch(join(dir, 'wal/b/rp/2/_00010.wal'))
      touch(join(dir, 'wal/b/rp/2/_00009.wal'))
      touch(join(dir, 'wal/b/rp/3/_00001.wal'))
      touch(join(dir, 'wal/b/rp/3/notes.txt'))
      const found = await scanShards(join(dir, 'data'), join(dir, 'wal'))
      assert.deepEqual(
        found.map((b) => [b.database, b.retentionPolicy, b.shards.map((s) => s.shard)]),
        [
          ['a', 'x', ['1']],
          ['b', 'rp', ['2', '3', '10']],
        ],
      )
      const two = found[1]?.shards[0]
      assert.deepEqual(
        two?.tsmPaths.map((p) => p.slice(p.lastIndexOf('/') + 1)),
        ['000000002-000000001.tsm', '000000002-000000002.tsm', '000000010-000000001.tsm'],
      )
      assert.deepEqual(
        two?.walPaths.map((p) => p.slice(p.lastIndexOf('/') + 1)),
        ['_00009.wal', '_00010.wal'],
      )
      assert.deepEqual(found[1]?.shards[1]?.tsmPaths, [])
      const onlyB = await scanShards(join(dir, 'data'), join(dir, 'wal'), {
        database: 'b',
        retentionPolicy: 'rp',
      })
      assert.deepEqual(
        onlyB.map((b) => b.database),
        ['b'],
      )
      await assert.rejects(scanShards(join(dir, 'nope'), undefined), /ENOENT/)
    } finally {
      removeDir(dir)
    }
  })

  it('walks a tree in lexical order for findFiles', async () => {
    const dir = tempDir()
    try {
      touch(join(dir, 'b/2.tsm'))
      touch(join(dir, 'a/z/1.tsm'))
      touch(join(dir, 'a/9.tsm'))
      touch(join(dir, 'a/9.tsm.tmp'))
      assert.deepEqual(await findFiles(dir, '.tsm'), [
        join(dir, 'a/9.tsm'),
        join(dir, 'a/z/1.tsm'),
        join(dir, 'b/2.tsm'),
      ])
    } finally {
      removeDir(dir)
    }
  })
})

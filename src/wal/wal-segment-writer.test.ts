import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { WALSegmentReader, WALSegmentWriter, encodeEntry, type WALEntry } from './index.js'
import { floats, withTempDir, writeOf } from './wal-test-support.js'

async function readAll(path: string): Promise<WALEntry[]> {
  const reader = new WALSegmentReader(path)
  await reader.open()
  const out: WALEntry[] = []
  try {
    for await (const r of reader) out.push(r.entry)
  } finally {
    await reader.close()
  }
  assert.equal(reader.corruption, undefined)
  return out
}

const entryN = (i: number): WALEntry => writeOf(`cpu,host=h${i % 7}#!~#v`, floats([BigInt(i)], [i]))

describe('WAL segment writer', () => {
  it('creates the segment, appends framed entries and tracks its size', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      const w = new WALSegmentWriter(path)
      await w.open()
      assert.equal(w.size, 0)
      const entries = [
        entryN(1),
        { kind: 'delete-range', keys: ['a#!~#b'], min: 1n, max: 2n } as const,
      ]
      await w.append(entries)
      const expected = Buffer.concat(entries.map(encodeEntry))
      assert.equal(w.size, expected.length)
      assert.deepEqual(await readFile(path), expected)
      await w.close()
      assert.deepEqual(await readAll(path), entries)
    })
  })

  it('continues at the end of an existing segment', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00003.wal')
      await writeFile(path, encodeEntry(entryN(1)))
      const w = new WALSegmentWriter(path)
      await w.open()
      assert.equal(w.size, (await stat(path)).size)
      await w.append([entryN(2)])
      await w.close()
      assert.deepEqual(await readAll(path), [entryN(1), entryN(2)])
    })
  })

  it('writes concurrent appends durably, in call order, sharing fsyncs (group commit)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      const w = new WALSegmentWriter(path)
      await w.open()
      const n = 200
      const acked: number[] = []
      const appends = []
      for (let i = 0; i < n; i++) appends.push(w.append([entryN(i)]).then(() => acked.push(i)))
      // Everything is queued synchronously, so size already counts every append.
      assert.equal(
        w.size,
        Array.from({ length: n }, (_, i) => encodeEntry(entryN(i)).length).reduce((a, b) => a + b),
      )
      await Promise.all(appends)
      assert.equal(acked.length, n)
      assert.ok(w.syncCount < n / 4, `expected grouped fsyncs, got ${w.syncCount} for ${n} appends`)
      await w.close()
      assert.deepEqual(
        await readAll(path),
        Array.from({ length: n }, (_, i) => entryN(i)),
      )
    })
  })

  it('rejects an invalid entry without writing anything', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      const w = new WALSegmentWriter(path)
      await w.open()
      await assert.rejects(w.append([entryN(1), { kind: 'delete', keys: ['x\ny'] }]), {
        code: 'ERR_WAL_INVALID_ENTRY',
      })
      assert.equal(w.size, 0)
      await w.append([entryN(2)])
      await w.close()
      assert.deepEqual(await readAll(path), [entryN(2)])
    })
  })

  it('waits for queued appends on close, closes idempotently and then refuses appends', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      const w = new WALSegmentWriter(path)
      await w.open()
      const pending = [w.append([entryN(1)]), w.append([entryN(2)])]
      await Promise.all([w.close(), w.close()])
      await Promise.all(pending)
      await w.close()
      await assert.rejects(w.append([entryN(3)]), { code: 'ERR_NOT_OPEN' })
      assert.deepEqual(await readAll(path), [entryN(1), entryN(2)])
    })
  })

  it('refuses appends before open', async () => {
    await withTempDir(async (dir) => {
      const w = new WALSegmentWriter(join(dir, '_00001.wal'))
      await assert.rejects(w.append([entryN(1)]), { code: 'ERR_NOT_OPEN' })
      await w.close()
    })
  })

  it('fails every queued and later append with ERR_WAL_WRITE once a write fails', async () => {
    // /dev/full accepts open() and fails every write with ENOSPC: a real failing device.
    const w = new WALSegmentWriter('/dev/full')
    await w.open()
    const results = await Promise.allSettled([w.append([entryN(1)]), w.append([entryN(2)])])
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      assert.equal(
        r.status === 'rejected' && r.reason instanceof Error && 'code' in r.reason
          ? r.reason.code
          : '',
        'ERR_WAL_WRITE',
      )
    }
    assert.equal(w.failure?.code, 'ERR_WAL_WRITE')
    assert.equal((w.failure?.cause as { code?: string } | undefined)?.code, 'ENOSPC')
    await assert.rejects(w.append([entryN(3)]), { code: 'ERR_WAL_WRITE' })
    await w.close()
  })
})

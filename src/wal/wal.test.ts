import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, readdir as readdirUnsorted, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  WAL,
  encodeEntry,
  segmentFileName,
  shardWALDir,
  type WALEntry,
  type WALEntryPosition,
  type WALOptions,
  type WALReplayResult,
} from './index.js'
import { floats, withTempDir } from './wal-test-support.js'

/** Directory entries sorted by name (readdir's order is the file system's). */
async function readdir(dir: string): Promise<string[]> {
  return (await readdirUnsorted(dir)).sort()
}

interface Replayed {
  readonly entries: WALEntry[]
  readonly positions: WALEntryPosition[]
  readonly result: WALReplayResult
}

/** Opens a WAL on `dir`, replays it and returns it open with what it read. */
async function openAndReplay(dir: string, options?: WALOptions): Promise<{ wal: WAL } & Replayed> {
  const wal = new WAL(dir, options)
  await wal.open()
  const entries: WALEntry[] = []
  const positions: WALEntryPosition[] = []
  const result = await wal.replay((entry, pos) => {
    entries.push(entry)
    positions.push(pos)
  })
  return { wal, entries, positions, result }
}

async function replayAll(dir: string, options?: WALOptions): Promise<Replayed> {
  const { wal, ...rest } = await openAndReplay(dir, options)
  await wal.close()
  return rest
}

const point = (i: number): Map<string, ReturnType<typeof floats>> =>
  new Map([[`cpu,host=h${i % 3}#!~#v`, floats([BigInt(i)], [i])]])
const pointEntry = (i: number): WALEntry => ({ kind: 'write', values: point(i) })

describe('WAL', () => {
  it('puts a shard WAL under <wal-dir>/<db>/<rp>/<shard id>', () => {
    assert.equal(
      shardWALDir('/var/wal', 'db', 'autogen', 12),
      join('/var/wal', 'db', 'autogen', '12'),
    )
  })

  it('replays writes, deletes and delete-ranges in order after a reopen', async () => {
    await withTempDir(async (root) => {
      const dir = shardWALDir(root, 'db0', 'autogen', 1)
      const wal = new WAL(dir)
      await wal.open()
      await wal.replay(() => undefined)
      const all: WALEntry = {
        kind: 'write',
        values: new Map([
          ['m#!~#f', floats([1n, 2n], [1, 2])],
          [
            'm#!~#i',
            { kind: 'integer', times: new BigInt64Array([1n]), values: new BigInt64Array([-7n]) },
          ],
          [
            'm#!~#u',
            { kind: 'unsigned', times: new BigInt64Array([1n]), values: new BigUint64Array([7n]) },
          ],
          [
            'm#!~#b',
            { kind: 'boolean', times: new BigInt64Array([1n]), values: new Uint8Array([1]) },
          ],
          ['m#!~#s', { kind: 'string', times: new BigInt64Array([1n]), values: ['ü'] }],
        ]),
      }
      assert.equal(await wal.writeValues(all.values), 1)
      assert.equal(await wal.deleteRange(['m#!~#f'], 0n, 1n), 1)
      assert.equal(await wal.delete(['m#!~#s']), 1)
      await wal.close()
      assert.deepEqual(await readdir(dir), ['_00001.wal'])
      const { entries, positions, result } = await replayAll(dir)
      assert.deepEqual(entries, [
        all,
        { kind: 'delete-range', keys: ['m#!~#f'], min: 0n, max: 1n },
        { kind: 'delete', keys: ['m#!~#s'] },
      ])
      assert.equal(positions[0]?.offset, 0)
      assert.equal(positions[1]?.offset, encodeEntry(all).length)
      assert.deepEqual(result, { segments: 1, entries: 3, warnings: [] })
    })
  })

  it('writes nothing for empty writes and deletes', async () => {
    await withTempDir(async (dir) => {
      const { wal } = await openAndReplay(dir)
      assert.equal(await wal.writeValues(new Map()), 0)
      assert.equal(await wal.writeValues(new Map([['k', floats([], [])]])), 0)
      assert.equal(await wal.delete([]), 0)
      assert.equal(await wal.deleteRange([], 0n, 1n), 0)
      assert.deepEqual(wal.segmentIDs(), [])
      await wal.close()
      assert.deepEqual(await readdir(dir), [])
    })
  })

  it('starts a new segment once the current one exceeds maxSegmentSizeBytes, checked before each write', async () => {
    await withTempDir(async (dir) => {
      const max = 200
      const { wal } = await openAndReplay(dir, { maxSegmentSizeBytes: max })
      const ids: number[] = []
      for (let i = 0; i < 30; i++) ids.push(await wal.writeValues(point(i)))
      await wal.close()
      const segs = await readdir(dir)
      assert.ok(segs.length > 3, `only ${segs.length} segments`)
      assert.deepEqual(
        segs,
        segs.map((_, i) => segmentFileName(i + 1)),
      )
      const entrySize = Math.max(
        ...Array.from({ length: 30 }, (_, i) => encodeEntry(pointEntry(i)).length),
      )
      for (const [i, name] of segs.entries()) {
        const size = (await stat(join(dir, name))).size
        // A closed segment passed the limit with its last entry; none passed it by more.
        if (i < segs.length - 1)
          assert.ok(size > max && size - entrySize <= max, `${name} is ${size} bytes`)
      }
      assert.deepEqual(
        [...new Set(ids)],
        segs.map((_, i) => i + 1),
      )
      const { entries } = await replayAll(dir)
      assert.deepEqual(
        entries,
        Array.from({ length: 30 }, (_, i) => pointEntry(i)),
      )
    })
  })

  it('rolls to a new empty segment and returns the closed segments, then removes them', async () => {
    await withTempDir(async (dir) => {
      const { wal } = await openAndReplay(dir)
      await wal.writeValues(point(1))
      assert.deepEqual(await wal.rollSegment(), [1])
      assert.deepEqual(await readdir(dir), ['_00001.wal', '_00002.wal'])
      assert.equal((await stat(join(dir, '_00002.wal'))).size, 0)
      // The current segment is still empty: nothing to roll.
      assert.deepEqual(await wal.rollSegment(), [1])
      assert.equal(await wal.writeValues(point(2)), 2)
      assert.deepEqual(await wal.rollSegment(), [1, 2])
      await assert.rejects(wal.removeSegments([3]), { code: 'ERR_WAL_STATE' })
      await wal.removeSegments([1, 2, 42])
      assert.deepEqual(wal.segmentIDs(), [3])
      assert.deepEqual(await readdir(dir), ['_00003.wal'])
      await wal.writeValues(point(3))
      await wal.close()
      const { entries } = await replayAll(dir)
      assert.deepEqual(entries, [pointEntry(3)])
    })
  })

  it('continues the numbering after a reopen and removes an empty last segment without reusing its id', async () => {
    await withTempDir(async (dir) => {
      let { wal } = await openAndReplay(dir)
      await wal.writeValues(point(1))
      await wal.rollSegment()
      await wal.close()
      assert.deepEqual(await readdir(dir), ['_00001.wal', '_00002.wal'])
      ;({ wal } = await openAndReplay(dir))
      assert.deepEqual(wal.segmentIDs(), [1])
      assert.deepEqual(await readdir(dir), ['_00001.wal'])
      // A replayed last segment is appended to.
      assert.equal(await wal.writeValues(point(2)), 1)
      assert.deepEqual(await wal.rollSegment(), [1])
      assert.equal(await wal.writeValues(point(3)), 3)
      await wal.close()
      const { entries, positions } = await replayAll(dir)
      assert.deepEqual(entries, [pointEntry(1), pointEntry(2), pointEntry(3)])
      assert.deepEqual(
        positions.map((p) => p.segmentID),
        [1, 1, 3],
      )
    })
  })

  it('starts a new segment for writes that were not preceded by replay, so a torn tail cannot hide them', async () => {
    await withTempDir(async (dir) => {
      const good = encodeEntry(pointEntry(1))
      await writeFile(
        join(dir, segmentFileName(1)),
        Buffer.concat([good, encodeEntry(pointEntry(2)).subarray(0, 9)]),
      )
      const wal = new WAL(dir)
      await wal.open()
      assert.equal(await wal.writeValues(point(3)), 2)
      await wal.close()
      const { entries, result } = await replayAll(dir)
      assert.deepEqual(entries, [pointEntry(1), pointEntry(3)])
      assert.equal(result.warnings.length, 1)
    })
  })

  it('sorts segment ids numerically past 99999 and ignores files that are not segments', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, '_99999.wal'), encodeEntry(pointEntry(1)))
      await writeFile(join(dir, '_100000.wal'), encodeEntry(pointEntry(2)))
      for (const junk of ['_1.wal', '_000001.wal', 'x.wal', '_00005.wal.tmp', 'notes']) {
        await writeFile(join(dir, junk), 'junk')
      }
      const { wal, entries, positions } = await openAndReplay(dir)
      assert.deepEqual(entries, [pointEntry(1), pointEntry(2)])
      assert.deepEqual(
        positions.map((p) => p.segmentID),
        [99999, 100000],
      )
      await wal.rollSegment()
      assert.deepEqual(wal.segmentIDs(), [99999, 100000, 100001])
      await wal.close()
      assert.ok((await readdir(dir)).includes('_100001.wal'))
    })
  })

  it('truncates a segment cut at every byte offset to its last good entry and replays the next segment', async () => {
    await withTempDir(async (root) => {
      const entries = [pointEntry(1), { kind: 'delete', keys: ['a#!~#b'] } as const, pointEntry(2)]
      const framed = entries.map(encodeEntry)
      const first = Buffer.concat(framed)
      const ends = framed.map((_, i) => framed.slice(0, i + 1).reduce((n, f) => n + f.length, 0))
      const second = encodeEntry(pointEntry(9))
      for (let cut = 0; cut <= first.length; cut++) {
        const dir = join(root, String(cut))
        const wal = new WAL(dir)
        await wal.open()
        await wal.close()
        await writeFile(join(dir, segmentFileName(1)), first.subarray(0, cut))
        await writeFile(join(dir, segmentFileName(2)), second)
        const whole = ends.filter((e) => e <= cut).length
        const good = whole === 0 ? 0 : (ends[whole - 1] ?? 0)
        const replayed = await replayAll(dir)
        assert.deepEqual(
          replayed.entries,
          [...entries.slice(0, whole), pointEntry(9)],
          `cut ${cut}`,
        )
        assert.equal((await stat(join(dir, segmentFileName(1)))).size, good, `cut ${cut}`)
        if (good === cut) {
          assert.deepEqual(replayed.result.warnings, [])
        } else {
          const [w] = replayed.result.warnings
          assert.equal(replayed.result.warnings.length, 1)
          assert.equal(w?.code, 'ERR_WAL_CORRUPT')
          assert.equal(w?.path, join(dir, segmentFileName(1)))
          assert.equal(w?.offset, good)
          assert.equal(w?.truncatedBytes, cut - good)
          assert.equal(w?.error.offset, good)
        }
        // The cut is durable: a second replay finds nothing wrong.
        const again = await replayAll(dir)
        assert.deepEqual(again.result.warnings, [])
        assert.deepEqual(again.entries, replayed.entries)
      }
    })
  })

  it('truncates at a corrupt payload, keeping the entries before it, and appends after the cut', async () => {
    await withTempDir(async (dir) => {
      const framed = [pointEntry(1), pointEntry(2), pointEntry(3)].map(encodeEntry)
      const bytes = Buffer.concat(framed)
      const second = framed[0]?.length ?? 0
      bytes[second + 5] = (bytes[second + 5] ?? 0) ^ 0x80 // the snappy length header
      await writeFile(join(dir, segmentFileName(1)), bytes)
      const { wal, entries, result } = await openAndReplay(dir)
      assert.deepEqual(entries, [pointEntry(1)])
      assert.equal(result.warnings[0]?.offset, second)
      assert.equal((await stat(join(dir, segmentFileName(1)))).size, second)
      assert.equal(await wal.writeValues(point(4)), 1)
      await wal.close()
      assert.deepEqual((await replayAll(dir)).entries, [pointEntry(1), pointEntry(4)])
    })
  })

  it('makes concurrent writes durable in call order and reports their segment ids', async () => {
    await withTempDir(async (dir) => {
      const { wal } = await openAndReplay(dir, { maxSegmentSizeBytes: 2000 })
      const n = 300
      const ids = await Promise.all(Array.from({ length: n }, (_, i) => wal.writeValues(point(i))))
      await wal.close()
      const { entries, positions } = await replayAll(dir)
      assert.deepEqual(
        entries,
        Array.from({ length: n }, (_, i) => pointEntry(i)),
      )
      assert.deepEqual(
        positions.map((p) => p.segmentID),
        ids,
      )
      assert.ok(new Set(ids).size > 1)
    })
  })

  it('lets writes queued before close finish, closes idempotently and refuses use when closed', async () => {
    await withTempDir(async (dir) => {
      const { wal } = await openAndReplay(dir)
      const pending = [wal.writeValues(point(1)), wal.delete(['k'])]
      await Promise.all([wal.close(), wal.close()])
      assert.deepEqual(await Promise.all(pending), [1, 1])
      const notOpen = { code: 'ERR_NOT_OPEN' }
      await assert.rejects(wal.writeValues(point(2)), notOpen)
      await assert.rejects(wal.delete(['k']), notOpen)
      await assert.rejects(wal.deleteRange(['k'], 0n, 1n), notOpen)
      await assert.rejects(wal.rollSegment(), notOpen)
      await assert.rejects(wal.removeSegments([1]), notOpen)
      await assert.rejects(
        wal.replay(() => undefined),
        notOpen,
      )
      assert.throws(() => wal.segmentIDs(), notOpen)
      assert.equal(wal.status, 'closed')
      const fresh = new WAL(dir)
      await assert.rejects(fresh.writeValues(point(2)), notOpen)
      await fresh.close()
      assert.deepEqual((await replayAll(dir)).entries, [
        pointEntry(1),
        { kind: 'delete', keys: ['k'] },
      ])
    })
  })

  it('refuses replay after the log has been written to', async () => {
    await withTempDir(async (dir) => {
      const { wal } = await openAndReplay(dir)
      await wal.writeValues(point(1))
      await assert.rejects(
        wal.replay(() => undefined),
        { code: 'ERR_WAL_STATE' },
      )
      await wal.close()
    })
  })

  it('stops replay with the handler error and leaves the segments untouched', async () => {
    await withTempDir(async (dir) => {
      const bytes = Buffer.concat([encodeEntry(pointEntry(1)), encodeEntry(pointEntry(2))])
      await writeFile(join(dir, segmentFileName(1)), bytes)
      const wal = new WAL(dir)
      await wal.open()
      let calls = 0
      await assert.rejects(
        wal.replay(async () => {
          calls++
          throw new Error('cache full')
        }),
        /cache full/,
      )
      assert.equal(calls, 1)
      await wal.close()
      assert.deepEqual(await readFile(join(dir, segmentFileName(1))), bytes)
    })
  })

  it('replays a segment that became empty after truncation and writes to it next', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, segmentFileName(1)), encodeEntry(pointEntry(1)))
      await truncate(join(dir, segmentFileName(1)), 3)
      const { wal, entries, result } = await openAndReplay(dir)
      assert.deepEqual(entries, [])
      assert.equal(result.warnings[0]?.offset, 0)
      assert.equal(await wal.writeValues(point(2)), 1)
      await wal.close()
      assert.deepEqual((await replayAll(dir)).entries, [pointEntry(2)])
    })
  })
})

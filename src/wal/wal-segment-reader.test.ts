import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import type { WALCorruptError } from './index.js'
import { WALSegmentReader, encodeEntry, type WALEntry, type WALSegmentRecord } from './index.js'
import { arbEntry, floats, withTempDir, writeOf } from './wal-test-support.js'

interface ReadResult {
  readonly records: WALSegmentRecord[]
  readonly corruption: WALCorruptError | undefined
  readonly validSize: number
}

async function readSegment(path: string, chunkSizeBytes?: number): Promise<ReadResult> {
  const reader = new WALSegmentReader(path, { chunkSizeBytes })
  await reader.open()
  const records: WALSegmentRecord[] = []
  try {
    for await (const r of reader) records.push(r)
  } finally {
    await reader.close()
  }
  return { records, corruption: reader.corruption, validSize: reader.validSize }
}

function bigString(n: number): WALEntry {
  return writeOf('s#!~#v', {
    kind: 'string',
    times: new BigInt64Array([1n]),
    values: ['x'.repeat(n)],
  })
}

/** A segment of mixed entries and each entry's start offset. */
function sampleSegment(): { entries: WALEntry[]; bytes: Buffer; offsets: number[] } {
  const entries: WALEntry[] = [
    writeOf('cpu,host=a#!~#v', floats([1n, 2n, 3n], [1.5, 2.5, 3.5])),
    { kind: 'delete-range', keys: ['cpu,host=a#!~#v'], min: 2n, max: 2n },
    { kind: 'delete', keys: ['mem#!~#free'] },
    writeOf('disk#!~#used', {
      kind: 'unsigned',
      times: new BigInt64Array([9n]),
      values: new BigUint64Array([2n ** 64n - 1n]),
    }),
  ]
  const framed = entries.map(encodeEntry)
  const offsets: number[] = []
  let off = 0
  for (const f of framed) {
    offsets.push(off)
    off += f.length
  }
  return { entries, bytes: Buffer.concat(framed), offsets }
}

describe('WAL segment reader', () => {
  it('streams entries with their offsets through a small chunk buffer, including entries larger than a chunk', async () => {
    await withTempDir(async (dir) => {
      const entries = [
        bigString(10),
        bigString(5000),
        floatsEntry(3),
        bigString(300_000),
        floatsEntry(1),
      ]
      const framed = entries.map(encodeEntry)
      const path = join(dir, '_00001.wal')
      await writeFile(path, Buffer.concat(framed))
      for (const chunk of [64, 100, 4096, undefined]) {
        const { records, corruption, validSize } = await readSegment(path, chunk)
        assert.equal(corruption, undefined)
        assert.deepEqual(
          records.map((r) => r.entry),
          entries,
        )
        let off = 0
        records.forEach((r, i) => {
          assert.equal(r.offset, off)
          assert.equal(r.sizeBytes, framed[i]?.length)
          off += r.sizeBytes
        })
        assert.equal(validSize, off)
      }
    })
  })

  it('reads an empty segment as no entries and no corruption', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      await writeFile(path, new Uint8Array(0))
      assert.deepEqual(await readSegment(path), {
        records: [],
        corruption: undefined,
        validSize: 0,
      })
    })
  })

  it('stops a segment cut at every byte offset after the entries before the cut, naming the offset', async () => {
    await withTempDir(async (dir) => {
      const { entries, bytes, offsets } = sampleSegment()
      const path = join(dir, '_00001.wal')
      for (let cut = 0; cut <= bytes.length; cut++) {
        await writeFile(path, bytes.subarray(0, cut))
        const ends = offsets.map((_, i) => offsets[i + 1] ?? bytes.length)
        const whole = ends.filter((e) => e <= cut).length
        const end = whole === 0 ? 0 : ends[whole - 1]
        const { records, corruption, validSize } = await readSegment(path, 64)
        assert.deepEqual(
          records.map((r) => r.entry),
          entries.slice(0, whole),
          `cut ${cut}`,
        )
        assert.equal(validSize, end, `cut ${cut}`)
        if (cut === end) {
          assert.equal(corruption, undefined, `cut ${cut}`)
        } else {
          assert.equal(corruption?.code, 'ERR_WAL_CORRUPT', `cut ${cut}`)
          assert.equal(corruption?.offset, end)
          assert.equal(corruption?.path, path)
          assert.match(corruption?.reason ?? '', /short read/)
        }
      }
    })
  })

  it('reports ERR_WAL_CORRUPT at the entry for a flipped bit in a snappy header, keeping earlier entries', async () => {
    await withTempDir(async (dir) => {
      const { entries, bytes, offsets } = sampleSegment()
      const path = join(dir, '_00001.wal')
      const bad = Buffer.from(bytes)
      const third = offsets[2] ?? 0
      // Byte 5 of an entry is the snappy uvarint of the decoded length; its high bit makes the
      // varint swallow the first element's tag.
      bad[third + 5] = (bad[third + 5] ?? 0) ^ 0x80
      await writeFile(path, bad)
      const { records, corruption, validSize } = await readSegment(path)
      assert.deepEqual(
        records.map((r) => r.entry),
        entries.slice(0, 2),
      )
      assert.equal(corruption?.code, 'ERR_WAL_CORRUPT')
      assert.equal(corruption?.offset, third)
      assert.equal(validSize, third)
    })
  })

  it('reports ERR_WAL_CORRUPT for an unknown entry type', async () => {
    await withTempDir(async (dir) => {
      const { entries, bytes, offsets } = sampleSegment()
      const path = join(dir, '_00001.wal')
      const bad = Buffer.from(bytes)
      const second = offsets[1] ?? 0
      bad[second] = 0x07
      await writeFile(path, bad)
      const { records, corruption } = await readSegment(path)
      assert.deepEqual(
        records.map((r) => r.entry),
        entries.slice(0, 1),
      )
      assert.equal(corruption?.offset, second)
      assert.match(corruption?.reason ?? '', /unknown entry type 7/)
    })
  })

  it('never fails or hangs on a flipped bit anywhere, and keeps every entry before it unchanged', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbEntry, { minLength: 1, maxLength: 5 }),
          fc.nat(),
          fc.nat(7),
          async (entries, pick, bit) => {
            const framed = entries.map(encodeEntry)
            const bytes = Buffer.concat(framed)
            const pos = pick % bytes.length
            bytes[pos] = (bytes[pos] ?? 0) ^ (1 << bit)
            let k = 0
            let start = 0
            while (start + (framed[k]?.length ?? 0) <= pos) start += framed[k++]?.length ?? 0
            await writeFile(path, bytes)
            const { records, corruption, validSize } = await readSegment(path, 64)
            assert.deepEqual(
              records.slice(0, k).map((r) => r.entry),
              entries.slice(0, k),
            )
            if (corruption !== undefined) {
              assert.ok(corruption.offset >= start)
              assert.equal(corruption.offset, validSize)
            }
          },
        ),
        { numRuns: 300 },
      )
    })
  })

  it('refuses next() after close with ERR_NOT_OPEN', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      await writeFile(path, sampleSegment().bytes)
      const reader = new WALSegmentReader(path)
      await assert.rejects(reader.next(), { code: 'ERR_NOT_OPEN' })
      await reader.open()
      await reader.close()
      await reader.close()
      assert.equal(await reader.next(), undefined)
    })
  })
})

function floatsEntry(n: number): WALEntry {
  return writeOf(
    'f#!~#v',
    floats(
      Array.from({ length: n }, (_, i) => BigInt(i)),
      Array.from({ length: n }, (_, i) => i),
    ),
  )
}

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { TombstoneCorruptError } from './file-errors.js'
import {
  TOMBSTONE_MAX_TIME,
  TOMBSTONE_MIN_TIME,
  appendTombstones,
  decodeTombstones,
  encodeTombstoneRecords,
  readTombstones,
} from './tombstone.js'
import type { TombstoneRecord } from './tombstone.js'

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-tombstone-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The real 53-byte v4 file influxd 1.6.7 wrote for `DROP SERIES FROM fl` (spec §2.15). */
const REAL_V4 = Buffer.from(
  '000015041f8b08000000000000ff626060e04bcbd1c9c82f2eb14d5456ac532e6b608080faff1000080000ffffb7f5343b22000000',
  'hex',
)

function header(v: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(v)
  return b
}

const isCorrupt =
  (path: string) =>
  (e: unknown): boolean =>
    e instanceof TombstoneCorruptError &&
    e.code === 'ERR_TSM_TOMBSTONE_CORRUPT' &&
    e.fields.path === path &&
    typeof e.fields.offset === 'number'

const recordArb = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.bigInt({ min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME }),
    fc.bigInt({ min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME }),
  )
  .map(([key, min, max]): TombstoneRecord => ({ key, min, max }))

describe('tombstone files', () => {
  it('reads the real 53-byte v4 file influxd wrote for DROP SERIES', async () => {
    assert.equal(REAL_V4.length, 53)
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tombstone')
      await writeFile(p, REAL_V4)
      assert.deepEqual(await readTombstones(p), [
        { key: 'fl,host=a#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
      ])
    })
  })

  it('gives no records for a missing file', async () => {
    await withDir(async (dir) => {
      assert.deepEqual(await readTombstones(join(dir, 'nope.tombstone')), [])
    })
  })

  it('reads v1 text files: one key per line, each deleted for all time, blank lines and CRs ignored', () => {
    const recs = decodeTombstones(Buffer.from('cpu,host=a#!~#v\r\n\nmem#!~#used\n'))
    assert.deepEqual(recs, [
      { key: 'cpu,host=a#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
      { key: 'mem#!~#used', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
    ])
    assert.deepEqual(decodeTombstones(new Uint8Array(0)), [])
    assert.deepEqual(decodeTombstones(Buffer.from('ab')), [
      { key: 'ab', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
    ])
  })

  it('reads v2 (plain records), v3 (one gzip stream) and v4 (several gzip members) files', () => {
    const a: TombstoneRecord = { key: 'cpu,host=a#!~#v', min: -5n, max: 1577836899999999999n }
    const b: TombstoneRecord = {
      key: 'ünï,t=😀#!~#f k',
      min: TOMBSTONE_MIN_TIME,
      max: TOMBSTONE_MAX_TIME,
    }
    const body = encodeTombstoneRecords([a, b])
    assert.deepEqual(decodeTombstones(Buffer.concat([header(0x1502), body])), [a, b])
    assert.deepEqual(decodeTombstones(Buffer.concat([header(0x1503), gzipSync(body)])), [a, b])
    const v4 = Buffer.concat([
      header(0x1504),
      gzipSync(encodeTombstoneRecords([a])),
      gzipSync(encodeTombstoneRecords([b])),
    ])
    assert.deepEqual(decodeTombstones(v4), [a, b])
    assert.deepEqual(decodeTombstones(header(0x1504)), [])
    assert.deepEqual(decodeTombstones(header(0x1502)), [])
  })

  it('encodes records as BE u32 key length, key, BE i64 min, BE i64 max', () => {
    const bytes = Buffer.from(
      encodeTombstoneRecords([
        { key: 'fl,host=a#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
      ]),
    )
    assert.equal(bytes.toString('hex'), gunzipSync(REAL_V4.subarray(4)).toString('hex'))
  })

  it('appends one gzip member per call to a v4 file and reads all of them back', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tombstone')
      await writeFile(p, REAL_V4)
      const more: TombstoneRecord[] = [
        { key: 'big#!~#v', min: TOMBSTONE_MIN_TIME, max: 1577836899999999999n },
        { key: 'cpu#!~#idle', min: 10n, max: 20n },
      ]
      await appendTombstones(p, more)
      await appendTombstones(p, [{ key: 'x#!~#y', min: 0n, max: 0n }])
      await appendTombstones(p, [])
      const bytes = await readFile(p)
      assert.deepEqual(
        bytes.subarray(0, REAL_V4.length),
        REAL_V4,
        'existing members are kept byte for byte',
      )
      assert.deepEqual(await readTombstones(p), [
        { key: 'fl,host=a#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
        ...more,
        { key: 'x#!~#y', min: 0n, max: 0n },
      ])
      assert.deepEqual(
        await readdir(dir),
        ['000000001-000000001.tombstone'],
        'no temp file is left',
      )
    })
  })

  it('creates a v4 file when none exists, and rewrites v1–v3 files as v4 keeping their records', async () => {
    await withDir(async (dir) => {
      const fresh = join(dir, 'a.tombstone')
      await appendTombstones(fresh, [{ key: 'k', min: 1n, max: 2n }])
      assert.equal((await readFile(fresh)).subarray(0, 4).toString('hex'), '00001504')
      assert.deepEqual(await readTombstones(fresh), [{ key: 'k', min: 1n, max: 2n }])

      const old = { key: 'old', min: 3n, max: 4n }
      for (const [name, bytes] of [
        ['v1.tombstone', Buffer.from('old\n')],
        ['v2.tombstone', Buffer.concat([header(0x1502), encodeTombstoneRecords([old])])],
        ['v3.tombstone', Buffer.concat([header(0x1503), gzipSync(encodeTombstoneRecords([old]))])],
      ] as const) {
        const p = join(dir, name)
        await writeFile(p, bytes)
        await appendTombstones(p, [{ key: 'new', min: 5n, max: 6n }])
        assert.equal((await readFile(p)).subarray(0, 4).toString('hex'), '00001504', name)
        const expectOld =
          name === 'v1.tombstone'
            ? { key: 'old', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME }
            : old
        assert.deepEqual(
          await readTombstones(p),
          [expectOld, { key: 'new', min: 5n, max: 6n }],
          name,
        )
      }
    })
  })

  it('round-trips any records through append and read', async () => {
    await withDir(async (dir) => {
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(recordArb, { maxLength: 5 }), { maxLength: 4 }),
          async (batches) => {
            const p = join(dir, `${n++}.tombstone`)
            for (const batch of batches) await appendTombstones(p, batch)
            assert.deepEqual(await readTombstones(p), batches.flat())
          },
        ),
        { numRuns: 40 },
      )
    })
  })

  it('reports ERR_TSM_TOMBSTONE_CORRUPT with path and offset for truncated or garbled files', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'bad.tombstone')
      const body = encodeTombstoneRecords([{ key: 'cpu#!~#v', min: 1n, max: 2n }])
      const v2 = Buffer.concat([header(0x1502), body])
      for (let len = 5; len < v2.length; len++) {
        await writeFile(p, v2.subarray(0, len))
        await assert.rejects(readTombstones(p), isCorrupt(p), `v2 truncated to ${len}`)
      }
      for (let len = 5; len < REAL_V4.length; len++) {
        await writeFile(p, REAL_V4.subarray(0, len))
        await assert.rejects(readTombstones(p), isCorrupt(p), `v4 truncated to ${len}`)
      }
      await writeFile(p, Buffer.concat([REAL_V4, Buffer.from('junk')]))
      await assert.rejects(readTombstones(p), isCorrupt(p))
      await writeFile(
        p,
        Buffer.concat([header(0x1503), gzipSync(body.subarray(0, body.length - 1))]),
      )
      await assert.rejects(readTombstones(p), isCorrupt(p))
      await assert.rejects(appendTombstones(p, [{ key: 'k', min: 0n, max: 1n }]), isCorrupt(p))
    })
  })
})

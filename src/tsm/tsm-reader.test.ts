import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { Values } from '../lineprotocol/index.js'
import { NotOpenError, crc32 } from '../util/index.js'
import { encodeBlock } from './block.js'
import { TSMCorruptError } from './file-errors.js'
import { tombstonePathFor } from './file-name.js'
import { TOMBSTONE_MAX_TIME, TOMBSTONE_MIN_TIME, appendTombstones } from './tombstone.js'
import { TSMReader } from './tsm-reader.js'
import { TSMWriter } from './tsm-writer.js'

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-tsm-reader-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const T0 = 1577836800000000000n
const SEC = 1_000_000_000n

function ints(n: number, start = T0, step = SEC, first = 0): Values {
  return {
    kind: 'integer',
    times: BigInt64Array.from({ length: n }, (_, i) => start + BigInt(i) * step),
    values: BigInt64Array.from({ length: n }, (_, i) => BigInt(first + i)),
  }
}

function floats(n: number, start = T0): Values {
  return {
    kind: 'float',
    times: BigInt64Array.from({ length: n }, (_, i) => start + BigInt(i) * SEC),
    values: Float64Array.from({ length: n }, (_, i) => i / 4),
  }
}

async function writeTSM(path: string, data: readonly [string, Values][]): Promise<void> {
  const w = await TSMWriter.create(path)
  for (const [k, v] of data) await w.write(k, v)
  await w.finish()
}

/** Assembles a TSM file by hand: blocks (data without CRC), then an index that may be wrong on purpose. */
function assemble(
  blocks: readonly Uint8Array[],
  keys: readonly {
    key: string
    type: number
    entries: readonly { block: number; min: bigint; max: bigint }[]
  }[],
): Buffer {
  const parts: Buffer[] = [Buffer.from('16d116d101', 'hex')]
  const offsets: number[] = []
  let at = 5
  for (const b of blocks) {
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(b))
    parts.push(crc, Buffer.from(b))
    offsets.push(at)
    at += 4 + b.length
  }
  const indexStart = at
  for (const k of keys) {
    const kb = Buffer.from(k.key)
    const head = Buffer.alloc(5 + kb.length)
    head.writeUInt16BE(kb.length, 0)
    kb.copy(head, 2)
    head.writeUInt8(k.type, 2 + kb.length)
    head.writeUInt16BE(k.entries.length, 3 + kb.length)
    parts.push(head)
    for (const e of k.entries) {
      const ent = Buffer.alloc(28)
      ent.writeBigInt64BE(e.min, 0)
      ent.writeBigInt64BE(e.max, 8)
      ent.writeBigUInt64BE(BigInt(offsets[e.block] ?? 0), 16)
      ent.writeUInt32BE(4 + (blocks[e.block]?.length ?? 0), 24)
      parts.push(ent)
    }
  }
  const footer = Buffer.alloc(8)
  footer.writeBigUInt64BE(BigInt(indexStart))
  parts.push(footer)
  return Buffer.concat(parts)
}

/** A predicate for assert.throws/rejects: ERR_TSM_CORRUPT naming `path` and, if given, `offset`. */
const corruptAt =
  (path: string, offset?: number, reason?: RegExp) =>
  (e: unknown): boolean => {
    if (!(e instanceof TSMCorruptError)) throw e
    assert.equal(e.code, 'ERR_TSM_CORRUPT')
    assert.equal(e.fields.path, path)
    assert.equal(typeof e.fields.offset, 'number')
    if (offset !== undefined) assert.equal(e.fields.offset, offset, e.message)
    if (reason !== undefined) assert.match(String(e.fields.reason), reason)
    return true
  }

/**
 * Two keys of one 1-point integer block each: header 0–4, blocks at 5 and 29 (24 bytes each),
 * index at 53 (key records of 39 bytes at 53 and 92), footer at 131; 139 bytes.
 */
async function smallFile(path: string): Promise<Buffer> {
  await writeTSM(path, [
    ['a#!~#v', ints(1)],
    ['b#!~#v', ints(1, T0 + SEC, SEC, 7)],
  ])
  const bytes = await readFile(path)
  assert.equal(bytes.length, 139)
  return bytes
}

describe('TSM reader', () => {
  it('reads the real 88-byte influxd file of spec §2.17', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tsm')
      await writeFile(
        p,
        Buffer.from(
          '16d116d1013fca304f01091c18eb5f71fd6503f9100000000000000002' +
            '0012' +
            Buffer.from('mem,host=a#!~#used').toString('hex') +
            '010001' +
            '18eb5f71fd6503f918eb5f71fd6503f9000000000000000500000018000000000000001d',
          'hex',
        ),
      )
      const r = await TSMReader.open(p)
      assert.deepEqual([...r.keys()], ['mem,host=a#!~#used'])
      assert.deepEqual(r.entries('mem,host=a#!~#used'), [
        { minTime: 1795633819624473593n, maxTime: 1795633819624473593n, offset: 5, size: 24 },
      ])
      assert.deepEqual(await r.readAll('mem,host=a#!~#used'), {
        kind: 'integer',
        times: BigInt64Array.of(1795633819624473593n),
        values: BigInt64Array.of(1n),
      })
      assert.equal(r.size, 88)
      assert.equal(r.indexSize, 51)
      assert.equal(r.minTime, 1795633819624473593n)
      await r.close()
    })
  })

  it('finds keys by binary search and answers nothing for absent keys', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'k.tsm')
      const keys = Array.from(
        { length: 500 },
        (_, i) => `cpu,host=h${String(i * 2).padStart(4, '0')}#!~#v`,
      )
      await writeTSM(
        p,
        keys.map((k, i) => [k, ints(1, T0 + BigInt(i))]),
      )
      const r = await TSMReader.open(p)
      assert.equal(r.keyCount, 500)
      for (const [i, k] of keys.entries()) {
        assert.equal(r.hasKey(k), true)
        assert.equal(r.hasKey(Buffer.from(k)), true)
        const absent = `cpu,host=h${String(i * 2 + 1).padStart(4, '0')}#!~#v`
        assert.equal(r.hasKey(absent), false)
        assert.equal(r.type(absent), undefined)
        assert.deepEqual(r.entries(absent), [])
        assert.equal(await r.readAll(absent), undefined)
      }
      assert.equal(r.hasKey(''), false)
      assert.equal(r.hasKey('zzz'), false)
      await r.close()
    })
  })

  it('iterates blocks in file order with their data, and verify() reports every block healthy', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'b.tsm')
      await writeTSM(p, [
        ['a#!~#v', ints(2500)],
        ['b#!~#v', floats(3)],
      ])
      const r = await TSMReader.open(p)
      const seen: [string, number, number][] = []
      let prevEnd = 5
      for await (const b of r.blocks()) {
        assert.equal(b.entry.offset, prevEnd)
        prevEnd = b.entry.offset + b.entry.size
        assert.equal(b.data.length, b.entry.size - 4)
        assert.equal(b.data[0], b.type)
        seen.push([b.key, b.type, b.entry.offset])
      }
      assert.deepEqual(
        seen.map(([k, t]) => `${k}/${t}`),
        ['a#!~#v/1', 'a#!~#v/1', 'a#!~#v/1', 'b#!~#v/0'],
      )
      const report = await r.verify({ decode: true })
      assert.equal(report.blockCount, 4)
      assert.equal(report.brokenCount, 0)
      assert.ok(report.blocks.every((b) => b.ok))
      await r.close()
      await r.close()
      await assert.rejects(
        r.readAll('a#!~#v'),
        (e: unknown) => e instanceof NotOpenError && e.code === 'ERR_NOT_OPEN',
      )
    })
  })

  it('reports ERR_TSM_CORRUPT with path and offset for a file truncated at any offset', async () => {
    await withDir(async (dir) => {
      const good = await smallFile(join(dir, 'good.tsm'))
      const p = join(dir, 'cut.tsm')
      for (let len = 0; len < good.length; len++) {
        await writeFile(p, good.subarray(0, len))
        await assert.rejects(TSMReader.open(p), corruptAt(p), `truncated to ${len} bytes`)
      }
    })
  })

  it('rejects a bad magic, a bad version and footers pointing outside the file', async () => {
    await withDir(async (dir) => {
      const good = await smallFile(join(dir, 'good.tsm'))
      const p = join(dir, 'bad.tsm')
      const patched = async (fn: (b: Buffer) => void): Promise<void> => {
        const b = Buffer.from(good)
        fn(b)
        await writeFile(p, b)
      }
      await patched((b) => b.writeUInt8(0x17, 0))
      await assert.rejects(
        TSMReader.open(p),
        (e: unknown) =>
          corruptAt(p, 0, /can only read from tsm file/)(e) &&
          (e as TSMCorruptError).fields.found === '17d116d1',
      )
      await patched((b) => b.writeUInt8(2, 4))
      await assert.rejects(TSMReader.open(p), corruptAt(p, 4, /version 2/))
      for (const footer of [131n, 132n, 139n, 2n ** 64n - 1n, 0n, 4n]) {
        await patched((b) => b.writeBigUInt64BE(footer, 131))
        await assert.rejects(
          TSMReader.open(p),
          corruptAt(p, 131, /invalid index offset/),
          `footer ${footer}`,
        )
      }
      await patched((b) => b.writeBigUInt64BE(54n, 131))
      await assert.rejects(TSMReader.open(p), corruptAt(p))
    })
  })

  it('rejects index entries outside the data section, bad types, empty keys and inverted ranges', async () => {
    await withDir(async (dir) => {
      const good = await smallFile(join(dir, 'good.tsm'))
      const p = join(dir, 'bad.tsm')
      // Key record a#!~#v at 53: length 53, key 55, type 61, count 62, entry 64 (min 64, max 72, offset 80, size 88).
      const cases: [string, (b: Buffer) => void, number, RegExp][] = [
        [
          'offset past the index',
          (b) => b.writeBigUInt64BE(1000n, 80),
          80,
          /outside the data section/,
        ],
        [
          'offset into the index',
          (b) => b.writeBigUInt64BE(40n, 80),
          80,
          /outside the data section/,
        ],
        [
          'offset inside the header',
          (b) => b.writeBigUInt64BE(2n, 80),
          80,
          /outside the data section/,
        ],
        [
          'offset above 2^53',
          (b) => b.writeBigUInt64BE(2n ** 60n, 80),
          80,
          /outside the data section/,
        ],
        ['size past the index', (b) => b.writeUInt32BE(100, 88), 80, /outside the data section/],
        ['size too small', (b) => b.writeUInt32BE(3, 88), 80, /outside the data section/],
        ['unknown block type', (b) => b.writeUInt8(7, 61), 61, /unknown block type/],
        ['no entries', (b) => b.writeUInt16BE(0, 62), 62, /no index entries/],
        ['too many entries', (b) => b.writeUInt16BE(3, 62), 64, /ends inside the entries/],
        ['max before min', (b) => b.writeBigInt64BE(T0 - 1n, 72), 64, /max time is before/],
        [
          'key length past the end',
          (b) => b.writeUInt16BE(500, 53),
          55,
          /ends inside a key record/,
        ],
        ['keys out of order', (b) => b.write('c', 55), 92, /not in ascending order/],
        ['duplicate keys', (b) => b.write('a', 94), 92, /not in ascending order/],
      ]
      for (const [name, fn, offset, reason] of cases) {
        const b = Buffer.from(good)
        fn(b)
        await writeFile(p, b)
        await assert.rejects(TSMReader.open(p), corruptAt(p, offset, reason), name)
      }
    })
  })

  it('rejects entries that are not sorted by min time', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'e.tsm')
      const b1 = encodeBlock(ints(2, T0))
      const b2 = encodeBlock(ints(2, T0 + 10n * SEC))
      await writeFile(
        p,
        assemble(
          [b1, b2],
          [
            {
              key: 'k',
              type: 1,
              entries: [
                { block: 1, min: T0 + 10n * SEC, max: T0 + 11n * SEC },
                { block: 0, min: T0, max: T0 + SEC },
              ],
            },
          ],
        ),
      )
      // header 5 + blocks; index at 5 + 2·(4 + block length); the second entry is at +6+28.
      const indexStart = 5 + 8 + b1.length + b2.length
      await assert.rejects(
        TSMReader.open(p),
        corruptAt(p, indexStart + 6 + 28, /not sorted by min time/),
      )
    })
  })

  it('reads overlapping blocks of a key with the later block winning on equal timestamps', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'o.tsm')
      const b1 = encodeBlock(ints(5, T0, SEC, 0))
      const b2 = encodeBlock(ints(3, T0 + 3n * SEC, SEC, 100))
      await writeFile(
        p,
        assemble(
          [b1, b2],
          [
            {
              key: 'k',
              type: 1,
              entries: [
                { block: 0, min: T0, max: T0 + 4n * SEC },
                { block: 1, min: T0 + 3n * SEC, max: T0 + 5n * SEC },
              ],
            },
          ],
        ),
      )
      const r = await TSMReader.open(p)
      const all = await r.readAll('k')
      assert.deepEqual(all, {
        kind: 'integer',
        times: ints(6).times,
        values: BigInt64Array.of(0n, 1n, 2n, 100n, 101n, 102n),
      })
      await r.close()
    })
  })

  it('reports a CRC mismatch with path, block offset, expected and found for every flipped bit in the blocks', async () => {
    await withDir(async (dir) => {
      const good = await smallFile(join(dir, 'good.tsm'))
      const p = join(dir, 'flip.tsm')
      for (let byte = 5; byte < 53; byte++) {
        for (let bit = 0; bit < 8; bit++) {
          const b = Buffer.from(good)
          b.writeUInt8(b.readUInt8(byte) ^ (1 << bit), byte)
          await writeFile(p, b)
          const r = await TSMReader.open(p)
          const blockOffset = byte < 29 ? 5 : 29
          const key = byte < 29 ? 'a#!~#v' : 'b#!~#v'
          const check = (e: unknown): boolean => {
            corruptAt(p, blockOffset, /checksum mismatch/)(e)
            const f = (e as TSMCorruptError).fields
            assert.match(String(f['expected']), /^[0-9a-f]{8}$/)
            assert.notEqual(f['expected'], f['found'])
            return true
          }
          await assert.rejects(r.readAll(key), check)
          await assert.rejects(r.checkBlocks(), check)
          await assert.rejects(
            r.readBlock(r.entries(key)[0] ?? { minTime: 0n, maxTime: 0n, offset: 0, size: 0 }),
            check,
          )
          const report = await r.verify()
          assert.equal(report.brokenCount, 1)
          assert.deepEqual(
            report.blocks.map((x) => [x.key, x.offset, x.ok]),
            [
              ['a#!~#v', 5, blockOffset !== 5],
              ['b#!~#v', 29, blockOffset !== 29],
            ],
          )
          assert.match(
            report.blocks.find((x) => !x.ok)?.reason ?? '',
            /^checksum mismatch: expected [0-9a-f]{8}, found [0-9a-f]{8}$/,
          )
          await r.close()
        }
      }
    })
  })

  it('checks every block against its index entry: CRC, type, first and last time, for every timestamp encoding', async () => {
    await withDir(async (dir) => {
      const irregular = (n: number): Values => ({
        kind: 'float',
        times: BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * SEC + BigInt(i % 7)),
        values: Float64Array.from({ length: n }, (_, i) => i * 1.5),
      })
      const far: Values = {
        kind: 'integer',
        times: BigInt64Array.from([-(2n ** 62n), 0n, 2n ** 62n]), // raw: deltas too large to pack
        values: BigInt64Array.from([1n, 2n, 3n]),
      }
      const path = join(dir, 'all.tsm')
      await writeTSM(path, [
        ['a#!~#regular', ints(2500)], // run-length timestamps, three blocks
        ['b#!~#irregular', irregular(1500)], // packed timestamps, two blocks
        ['c#!~#far', far],
        ['d#!~#one', ints(1, T0 + 5n)],
      ])
      const good = await readFile(path)
      const r = await TSMReader.open(path)
      assert.equal(await r.checkBlocks(), 7)
      const entries = ['a#!~#regular', 'b#!~#irregular', 'c#!~#far', 'd#!~#one'].map(
        (k) => r.entries(k)[0] as { offset: number },
      )
      await r.close()
      // Where each key's type byte and first index entry are (the index has no checksum).
      const indexStart = Number(good.readBigUInt64BE(good.length - 8))
      const places: { type: number; entry: number }[] = []
      for (let pos = indexStart; pos < good.length - 8;) {
        const keyLen = good.readUInt16BE(pos)
        const type = pos + 2 + keyLen
        places.push({ type, entry: type + 3 })
        pos = type + 3 + good.readUInt16BE(type + 1) * 28
      }
      const bad = join(dir, 'bad.tsm')
      const refused = async (edit: (b: Buffer) => void, offset: number, reason: RegExp) => {
        const b = Buffer.from(good)
        edit(b)
        await writeFile(bad, b)
        const x = await TSMReader.open(bad)
        try {
          await assert.rejects(x.checkBlocks(), corruptAt(bad, offset, reason))
        } finally {
          await x.close()
        }
      }
      for (const [k, place] of places.entries()) {
        const offset = entries[k]?.offset ?? -1
        await refused(
          (b) => b.writeUInt8(b.readUInt8(place.type) === 0 ? 1 : 0, place.type),
          offset,
          /block type differs from the index/,
        )
        // Times moved so the index stays valid (min ≤ max), as a flipped bit there could leave it.
        for (const [field, by] of [
          [0, -1n], // min time one nanosecond early
          [8, 1n], // max time one nanosecond late
          [8, 2n ** 40n], // max time much later
        ] as const) {
          const at = place.entry + field
          await refused(
            (b) => b.writeBigInt64BE(b.readBigInt64BE(at) + by, at),
            offset,
            /block times differ from the index entry/,
          )
        }
      }
    })
  })

  it('never fails with anything but a typed error when random bytes of a file are corrupted', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'good.tsm')
      await writeTSM(p, [
        ['a#!~#v', ints(1200)],
        ['b#!~#f', floats(30)],
        ['c#!~#s', { kind: 'string', times: BigInt64Array.of(1n, 2n), values: ['x', 'yy'] }],
      ])
      const good = await readFile(p)
      const q = join(dir, 'bad.tsm')
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 })), {
            minLength: 1,
            maxLength: 4,
          }),
          async (flips) => {
            const b = Buffer.from(good)
            for (const [at, x] of flips) b.writeUInt8(b.readUInt8(at) ^ x, at)
            await writeFile(q, b)
            let r: TSMReader
            try {
              r = await TSMReader.open(q)
            } catch (e) {
              return corruptAt(q)(e)
            }
            try {
              for (const k of ['a#!~#v', 'b#!~#f', 'c#!~#s', ...r.keys()]) {
                await r.readAll(k).catch(corruptAt(q))
              }
              await r.verify({ decode: true })
              return true
            } finally {
              await r.close()
            }
          },
        ),
        { numRuns: 300 },
      )
    })
  })

  it('hides keys deleted by tombstones and filters deleted ranges out of readAll', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tsm')
      await writeTSM(p, [
        ['cpu#!~#v', ints(2500)],
        ['disk#!~#v', ints(10)],
        ['gap#!~#v', ints(10)],
        ['mem#!~#v', ints(10)],
        ['net#!~#v', ints(5)],
      ])
      await appendTombstones(tombstonePathFor(p), [
        { key: 'mem#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
        { key: 'cpu#!~#v', min: T0, max: T0 + 99n * SEC },
        { key: 'cpu#!~#v', min: T0 + 1000n * SEC, max: T0 + 1999n * SEC },
        { key: 'disk#!~#v', min: T0 - SEC, max: T0 + 20n * SEC },
        { key: 'absent#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
      ])
      await appendTombstones(tombstonePathFor(p), [
        { key: 'net#!~#v', min: T0, max: T0 + 3n * SEC - 1n },
        { key: 'net#!~#v', min: T0 + 3n * SEC, max: T0 + 4n * SEC },
        { key: 'gap#!~#v', min: T0, max: T0 + 3n * SEC },
        { key: 'gap#!~#v', min: T0 + 5n * SEC, max: T0 + 9n * SEC },
        { key: 'gap#!~#v', min: T0 + 100n * SEC, max: T0 + 200n * SEC },
      ])
      const r = await TSMReader.open(p)
      assert.deepEqual([...r.keys()], ['cpu#!~#v', 'gap#!~#v'])
      assert.equal(r.keyCount, 2)
      for (const k of ['mem#!~#v', 'disk#!~#v', 'net#!~#v']) {
        assert.equal(r.hasKey(k), false, k)
        assert.equal(await r.readAll(k), undefined, k)
      }
      const cpu = await r.readAll('cpu#!~#v')
      const expected = ints(2500)
      const keep = [...expected.times.keys()].filter((i) => !(i < 100 || (i >= 1000 && i < 2000)))
      assert.deepEqual(
        cpu?.times,
        BigInt64Array.from(keep, (i) => expected.times[i] ?? 0n),
      )
      assert.deepEqual(
        cpu?.values,
        BigInt64Array.from(keep, (i) => BigInt(i)),
      )
      assert.deepEqual(await r.readAll('gap#!~#v'), {
        kind: 'integer',
        times: BigInt64Array.of(T0 + 4n * SEC),
        values: BigInt64Array.of(4n),
      })
      assert.equal(r.tombstoneRanges('gap#!~#v').length, 2, 'a range outside the key is ignored')
      const seen = new Set<string>()
      for await (const b of r.blocks()) seen.add(b.key)
      assert.deepEqual([...seen], ['cpu#!~#v', 'gap#!~#v'])
      assert.equal((await r.verify()).blockCount, 7, 'verify checks the blocks of deleted keys too')
      r.applyTombstones([{ key: 'gap#!~#v', min: T0 + 4n * SEC, max: T0 + 4n * SEC }])
      assert.equal(
        r.hasKey('gap#!~#v'),
        true,
        'like influxd, ranges with nanosecond gaps between them do not delete the key',
      )
      assert.equal((await r.readAll('gap#!~#v'))?.times.length, 0)
      r.applyTombstones([{ key: 'gap#!~#v', min: T0 + 3n * SEC + 1n, max: T0 + 5n * SEC - 1n }])
      assert.equal(r.hasKey('gap#!~#v'), false, 'joined ranges that cover the key delete it')
      await r.close()

      const raw = await TSMReader.open(p, { applyTombstones: false })
      assert.equal(raw.keyCount, 5)
      assert.deepEqual(await raw.readAll('cpu#!~#v'), expected)
      await raw.close()
    })
  })

  it('fails to open with ERR_TSM_TOMBSTONE_CORRUPT when the tombstone file is corrupt', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tsm')
      await writeTSM(p, [['a#!~#v', ints(1)]])
      await writeFile(tombstonePathFor(p), Buffer.from('00001502000000', 'hex'))
      await assert.rejects(
        TSMReader.open(p),
        (e: unknown) => (e as { code?: string }).code === 'ERR_TSM_TOMBSTONE_CORRUPT',
      )
    })
  })
})

describe('TSMReader.sameKeysAs', () => {
  it('is true only for the same live keys with the same block types, in the same order', async () => {
    await withDir(async (dir) => {
      const file = async (name: string, data: readonly [string, Values][]): Promise<TSMReader> => {
        const p = join(dir, name)
        await writeTSM(p, data)
        return TSMReader.open(p)
      }
      const a = await file('000000001-000000001.tsm', [
        ['cpu#!~#v', ints(3)],
        ['mem#!~#v', floats(2)],
      ])
      const same = await file('000000002-000000001.tsm', [
        ['cpu#!~#v', ints(5, T0 + 100n * SEC)],
        ['mem#!~#v', floats(1)],
      ])
      const otherType = await file('000000003-000000001.tsm', [
        ['cpu#!~#v', ints(3)],
        ['mem#!~#v', ints(2)],
      ])
      const otherKey = await file('000000004-000000001.tsm', [
        ['cpu#!~#v', ints(3)],
        ['meM#!~#v', floats(2)],
      ])
      const longerKey = await file('000000005-000000001.tsm', [
        ['cpu#!~#v', ints(3)],
        ['mem#!~#vv', floats(2)],
      ])
      const fewer = await file('000000006-000000001.tsm', [['cpu#!~#v', ints(3)]])
      // Longer than the other file's last key and the whole record after it.
      const longKey = await file('000000008-000000001.tsm', [
        ['cpu#!~#v', ints(3)],
        [`${'m'.repeat(200)}#!~#v`, floats(2)],
      ])
      try {
        assert.equal(a.sameKeysAs(same), true)
        assert.equal(same.sameKeysAs(a), true)
        for (const r of [otherType, otherKey, longerKey, fewer, longKey]) {
          assert.equal(a.sameKeysAs(r), false, r.path)
          assert.equal(r.sameKeysAs(a), false, r.path)
        }
      } finally {
        for (const r of [a, same, otherType, otherKey, longerKey, fewer, longKey]) await r.close()
      }
      // A tombstone (even of a key neither lists) makes the file differ: its live keys are not its index's.
      const p = join(dir, '000000007-000000001.tsm')
      await writeTSM(p, [
        ['cpu#!~#v', ints(3)],
        ['mem#!~#v', floats(2)],
      ])
      await appendTombstones(tombstonePathFor(p), [
        { key: 'mem#!~#v', min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
      ])
      const deleted = await TSMReader.open(p)
      const again = await TSMReader.open(join(dir, '000000001-000000001.tsm'))
      try {
        assert.equal(again.sameKeysAs(deleted), false)
        assert.equal(deleted.sameKeysAs(again), false)
      } finally {
        await deleted.close()
        await again.close()
      }
    })
  })
})

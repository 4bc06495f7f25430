import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { compressSync } from 'snappy'
import {
  WALCorruptError,
  WALSegmentReader,
  decodeEntryPayload,
  encodeEntry,
  marshalEntry,
  unmarshalEntry,
  type WALEntry,
} from './index.js'
import { arbEntry, floats, withTempDir, writeOf } from './wal-test-support.js'

/** Decodes a framed entry produced by encodeEntry. */
function decodeFramed(framed: Uint8Array): WALEntry {
  const len = new DataView(framed.buffer, framed.byteOffset).getUint32(1)
  assert.equal(framed.length, 5 + len)
  return decodeEntryPayload(framed[0] ?? 0, framed.subarray(5))
}

function isCorrupt(e: unknown): boolean {
  return e instanceof WALCorruptError && e.code === 'ERR_WAL_CORRUPT'
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const T0 = 0x15e59a35b98a0000n // 2020-01-01T00:00:00Z

describe('WAL entry codec', () => {
  it('round-trips every entry kind with all five value types and arbitrary keys', () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        assert.deepEqual(decodeFramed(encodeEntry(entry)), entry)
      }),
      { numRuns: 300 },
    )
  })

  it('round-trips escaped and unicode keys and strings byte for byte', () => {
    const key = 'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue#!~#f k=,"q'
    const entry: WALEntry = {
      kind: 'write',
      values: new Map([
        [
          key,
          {
            kind: 'string',
            times: new BigInt64Array([1n, 2n]),
            values: ['日本語 ✓', 'a'.repeat(200) + '😀'],
          },
        ],
        ['温度,城市=東京#!~#値', floats([T0], [21.5])],
      ]),
    }
    const body = marshalEntry(entry)
    // The key is stored as its UTF-8 bytes after a BE u16 length.
    assert.equal(body[0], 4)
    assert.equal(new DataView(body.buffer).getUint16(1), Buffer.byteLength(key))
    assert.equal(Buffer.from(body.subarray(3, 3 + Buffer.byteLength(key))).toString(), key)
    assert.deepEqual(decodeFramed(encodeEntry(entry)), entry)
  })

  it('round-trips a write of 200 000 values', () => {
    const n = 200_000
    const times = new BigInt64Array(n)
    const values = new BigInt64Array(n)
    for (let i = 0; i < n; i++) {
      times[i] = T0 + BigInt(i) * 1_000_000_000n
      values[i] = BigInt(i * 7 - 5)
    }
    const entry: WALEntry = {
      kind: 'write',
      values: new Map([['m#!~#v', { kind: 'integer', times, values }]]),
    }
    assert.deepEqual(decodeFramed(encodeEntry(entry)), entry)
  })

  it('reproduces the real 118-byte InfluxDB segment of spec §3 and decodes it exactly', async () => {
    const write: WALEntry = {
      kind: 'write',
      values: new Map([
        ['del,host=x#!~#v', floats([T0, 0x15e59a35f524ca00n], [1, 2])],
        ['del,host=y#!~#v', floats([T0], [3])],
      ]),
    }
    assert.equal(
      hex(marshalEntry(write)),
      '01000f' +
        Buffer.from('del,host=x#!~#v').toString('hex') +
        '00000002' +
        '15e59a35b98a0000' +
        '3ff0000000000000' +
        '15e59a35f524ca00' +
        '4000000000000000' +
        '01000f' +
        Buffer.from('del,host=y#!~#v').toString('hex') +
        '00000001' +
        '15e59a35b98a0000' +
        '4008000000000000',
    )
    const first = encodeEntry(write)
    assert.equal(hex(first.subarray(0, 14)), '010000004a5c8001000f64656c2c')
    const deleteRangeHex =
      '03' +
      '00000022' +
      '23' +
      '04' +
      '8000' +
      '09' +
      '01' +
      '68' +
      '15e59a35f524c9ff' +
      '0000000f' +
      Buffer.from('del,host=x#!~#v').toString('hex')
    const deleteRange: WALEntry = {
      kind: 'delete-range',
      keys: ['del,host=x#!~#v'],
      min: -(2n ** 63n),
      max: 0x15e59a35f524c9ffn,
    }
    assert.equal(hex(encodeEntry(deleteRange)), deleteRangeHex)

    const segment = Buffer.concat([first, Buffer.from(deleteRangeHex, 'hex')])
    assert.equal(segment.length, 118)
    await withTempDir(async (dir) => {
      const path = join(dir, '_00001.wal')
      await writeFile(path, segment)
      const reader = new WALSegmentReader(path)
      await reader.open()
      const records = []
      for await (const r of reader) records.push(r)
      await reader.close()
      assert.deepEqual(records, [
        { entry: write, offset: 0, sizeBytes: 79 },
        { entry: deleteRange, offset: 79, sizeBytes: 39 },
      ])
      assert.equal(reader.corruption, undefined)
      assert.equal(reader.validSize, 118)
    })
  })

  it('decodes the legacy delete entry as newline-separated keys', () => {
    const payload = compressSync(Buffer.from('a,b=1#!~#v\ncpu#!~#x'))
    assert.deepEqual(decodeEntryPayload(2, payload), {
      kind: 'delete',
      keys: ['a,b=1#!~#v', 'cpu#!~#x'],
    })
    assert.deepEqual(decodeEntryPayload(2, compressSync(Buffer.alloc(0))), {
      kind: 'delete',
      keys: [],
    })
  })

  it('reads any boolean byte other than 1 as false, as InfluxDB does', () => {
    const body = Buffer.from(
      '030001' +
        '6b' +
        '00000003' +
        '0000000000000001' +
        '01' +
        '0000000000000002' +
        '02' +
        '0000000000000003' +
        'ff',
      'hex',
    )
    assert.deepEqual(unmarshalEntry(1, body), {
      kind: 'write',
      values: new Map([
        [
          'k',
          {
            kind: 'boolean',
            times: new BigInt64Array([1n, 2n, 3n]),
            values: new Uint8Array([1, 0, 0]),
          },
        ],
      ]),
    })
  })

  it('keeps the last group when a key occurs twice in one payload, as InfluxDB does', () => {
    const group = (v: string) => '010001' + '6b' + '00000001' + '0000000000000001' + v
    const body = Buffer.from(group('3ff0000000000000') + group('4000000000000000'), 'hex')
    assert.deepEqual(unmarshalEntry(1, body), writeOf('k', floats([1n], [2])))
  })

  it('skips series without values and encodes a write of nothing as an empty payload', () => {
    const entry: WALEntry = { kind: 'write', values: new Map([['k', floats([], [])]]) }
    assert.equal(marshalEntry(entry).length, 0)
    assert.deepEqual(decodeFramed(encodeEntry(entry)), { kind: 'write', values: new Map() })
  })

  it('rejects entries the format cannot hold with ERR_WAL_INVALID_ENTRY', () => {
    const invalid = (e: unknown) =>
      e instanceof Error && 'code' in e && e.code === 'ERR_WAL_INVALID_ENTRY'
    assert.throws(() => encodeEntry(writeOf('k'.repeat(65536), floats([1n], [1]))), invalid)
    assert.throws(() => encodeEntry(writeOf('é'.repeat(32768), floats([1n], [1]))), invalid)
    encodeEntry(writeOf('k'.repeat(65535), floats([1n], [1])))
    assert.throws(() => encodeEntry(writeOf('k', floats([1n, 2n], [1]))), invalid)
    assert.throws(() => encodeEntry({ kind: 'delete', keys: ['a\nb'] }), invalid)
    assert.throws(() => encodeEntry({ kind: 'delete', keys: [''] }), invalid)
    assert.throws(
      () => encodeEntry({ kind: 'delete-range', keys: ['k'], min: 2n ** 63n, max: 0n }),
      invalid,
    )
  })

  it('reports ERR_WAL_CORRUPT for an unknown entry type', () => {
    assert.throws(() => decodeEntryPayload(4, compressSync(Buffer.alloc(0))), isCorrupt)
    assert.throws(() => decodeEntryPayload(0, compressSync(Buffer.alloc(0))), isCorrupt)
  })

  it('reports ERR_WAL_CORRUPT for bad snappy data and impossible decoded lengths', () => {
    assert.throws(() => decodeEntryPayload(1, new Uint8Array(0)), isCorrupt)
    assert.throws(() => decodeEntryPayload(1, Buffer.from('05106869', 'hex')), isCorrupt)
    assert.throws(() => decodeEntryPayload(1, Buffer.from('ffffffff0f00', 'hex')), isCorrupt)
  })

  it('reports ERR_WAL_CORRUPT with the payload offset for bad write payloads', () => {
    const at = (offset: number) => (e: unknown) =>
      isCorrupt(e) && e instanceof WALCorruptError && e.offset === offset
    // count 0
    assert.throws(() => unmarshalEntry(1, Buffer.from('010001' + '6b' + '00000000', 'hex')), at(0))
    // unknown value type 6
    assert.throws(
      () => unmarshalEntry(1, Buffer.from('060001' + '6b' + '00000001' + '00'.repeat(16), 'hex')),
      at(0),
    )
    // a count larger than the payload can hold
    assert.throws(
      () => unmarshalEntry(1, Buffer.from('010001' + '6b' + '7fffffff' + '00'.repeat(16), 'hex')),
      at(0),
    )
    // a string whose length runs past the end
    assert.throws(
      () =>
        unmarshalEntry(
          1,
          Buffer.from('040001' + '6b' + '00000001' + '00'.repeat(8) + '00000009' + '41', 'hex'),
        ),
      at(8),
    )
    // delete-range shorter than min+max, and a key running past the end
    assert.throws(() => unmarshalEntry(3, new Uint8Array(15)), at(0))
    assert.throws(
      () => unmarshalEntry(3, Buffer.from('00'.repeat(16) + '00000005' + '6b', 'hex')),
      at(16),
    )
  })

  it('reports ERR_WAL_CORRUPT and never anything else for every truncation of a valid payload', () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        const body = marshalEntry(entry)
        const type = entry.kind === 'write' ? 1 : entry.kind === 'delete' ? 2 : 3
        for (let cut = 0; cut < body.length; cut++) {
          try {
            unmarshalEntry(type, body.subarray(0, cut))
          } catch (e) {
            assert.ok(isCorrupt(e), String(e))
          }
        }
      }),
      { numRuns: 100 },
    )
  })

  it('decodes random bytes to an entry or ERR_WAL_CORRUPT, never another error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (type, bytes, compress) => {
          try {
            if (compress) decodeEntryPayload(type, compressSync(bytes))
            else decodeEntryPayload(type, bytes)
          } catch (e) {
            assert.ok(isCorrupt(e), String(e))
          }
        },
      ),
      { numRuns: 2000 },
    )
  })
})

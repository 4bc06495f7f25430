import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { Values } from '../lineprotocol/index.js'
import { crc32 } from '../util/index.js'
import {
  BLOCK_BOOLEAN,
  BLOCK_FLOAT,
  BLOCK_INTEGER,
  BLOCK_STRING,
  BLOCK_UNSIGNED,
  blockCount,
  blockType,
  blockTypeOf,
  decodeBlock,
  decodeBlockTimestamps,
  encodeBlock,
  fieldTypeOfBlock,
  splitBlock,
} from './block.js'
import { TSMEncodeError } from './codec-errors.js'
import { LARGE_PROPERTY, bytes, corrupt, hex, sameBlock, sameValues } from './codec-test-support.js'

const T0 = 1577836800000000000n
const S = 1_000_000_000n

const seconds = (n: number): BigInt64Array =>
  BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * S)

describe('TSM block', () => {
  it('maps field types to block types and back', () => {
    assert.deepEqual(
      (['float', 'integer', 'boolean', 'string', 'unsigned'] as const).map(blockTypeOf),
      [BLOCK_FLOAT, BLOCK_INTEGER, BLOCK_BOOLEAN, BLOCK_STRING, BLOCK_UNSIGNED],
    )
    assert.deepEqual([0, 1, 2, 3, 4].map(fieldTypeOfBlock), [
      'float',
      'integer',
      'boolean',
      'string',
      'unsigned',
    ])
    assert.throws(() => fieldTypeOfBlock(5), corrupt('block', 0, /unknown block type 5/))
  })

  it('encodes the boolean block of the real file in spec §6, CRC included', () => {
    const block = encodeBlock({
      kind: 'boolean',
      times: seconds(9),
      values: Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]),
    })
    assert.equal(hex(block), '020b2915e59a35b98a000001091009aa80')
    assert.equal(crc32(block).toString(16), '9681d0eb')
    assert.equal(blockType(block), BLOCK_BOOLEAN)
    assert.equal(blockCount(block), 9)
  })

  it('decodes the integer block of the real file in spec §2.17', () => {
    const data = bytes('01 09 1c18eb5f71fd6503f9 100000000000000002')
    assert.equal(crc32(data).toString(16), '3fca304f')
    const v = decodeBlock(data)
    assert.deepEqual(v, {
      kind: 'integer',
      times: BigInt64Array.from([1795633819624473593n]),
      values: BigInt64Array.from([1n]),
    })
    assert.deepEqual(encodeBlock(v), data)
    assert.deepEqual(decodeBlockTimestamps(data), v.times)
  })

  it('encodes the unsigned block of spec §2.8 byte for byte', () => {
    // The real bytes `29 … 03 03` are three points 3 s apart (delta 3 × 10^9).
    const times = BigInt64Array.from([0n, 3n, 6n].map((i) => 1577836801000000000n + i * S))
    const block = encodeBlock({
      kind: 'unsigned',
      times,
      values: BigUint64Array.from([0n, 2n ** 63n + 5n, 2n ** 64n - 1n]),
    })
    assert.equal(
      hex(block),
      '04 0b 2915e59a35f524ca00 03 03 00 0000000000000000 fffffffffffffff5 fffffffffffffff4'.replace(
        /\s/g,
        '',
      ),
    )
  })

  it('round-trips blocks of every type', () => {
    const times = fc
      .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 1000 })
      .map((steps) => {
        let t = T0
        return BigInt64Array.from(steps, (s) => (t += s + 1n))
      })
    const values = (n: number): fc.Arbitrary<Values> =>
      fc.oneof(
        fc.array(fc.double({ noNaN: true }), { minLength: n, maxLength: n }).map((v): Values => ({
          kind: 'float',
          times: new BigInt64Array(n),
          values: Float64Array.from(v),
        })),
        fc
          .array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), {
            minLength: n,
            maxLength: n,
          })
          .map((v): Values => ({
            kind: 'integer',
            times: new BigInt64Array(n),
            values: BigInt64Array.from(v),
          })),
        fc
          .array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: n, maxLength: n })
          .map((v): Values => ({
            kind: 'unsigned',
            times: new BigInt64Array(n),
            values: BigUint64Array.from(v),
          })),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((v): Values => ({
          kind: 'boolean',
          times: new BigInt64Array(n),
          values: Uint8Array.from(v, Number),
        })),
        fc
          .array(fc.string({ unit: 'grapheme', maxLength: 20 }), { minLength: n, maxLength: n })
          .map((v): Values => ({ kind: 'string', times: new BigInt64Array(n), values: v })),
      )
    fc.assert(
      fc.property(
        times.chain((t) => values(t.length).map((v) => ({ ...v, times: t }) as Values)),
        (v) => {
          const block = encodeBlock(v)
          assert.equal(block[0], blockTypeOf(v.kind))
          assert.equal(blockCount(block), v.times.length)
          sameBlock(decodeBlock(block), v)
        },
      ),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('round-trips a 5000-point block (more than influxd writes, which readers accept)', () => {
    const times = BigInt64Array.from({ length: 5000 }, (_, i) => T0 + BigInt(i) * S + BigInt(i % 7))
    const v: Values = {
      kind: 'integer',
      times,
      values: BigInt64Array.from(times, (t) => t % 1000n),
    }
    const block = encodeBlock(v)
    assert.equal(blockCount(block), 5000)
    sameBlock(decodeBlock(block), v)
  })

  it('encodes timestamp-section lengths of 128 bytes and more as multi-byte uvarints', () => {
    const times = BigInt64Array.from({ length: 100 }, (_, i) => T0 + BigInt(i * i) * 7n)
    const block = encodeBlock({ kind: 'float', times, values: new Float64Array(100) })
    const s = splitBlock(block)
    assert.ok(s.timestamps.length >= 128)
    assert.equal(s.timestampsOffset, 3)
    sameValues(decodeBlock(block).times, times)
  })

  it('refuses to encode an empty block, mismatched lengths and NaN', () => {
    const unencodable = (e: unknown): boolean =>
      e instanceof TSMEncodeError && e.code === 'ERR_TSM_UNENCODABLE'
    assert.throws(
      () =>
        encodeBlock({ kind: 'float', times: new BigInt64Array(0), values: new Float64Array(0) }),
      unencodable,
    )
    assert.throws(
      () => encodeBlock({ kind: 'float', times: seconds(2), values: new Float64Array(1) }),
      unencodable,
    )
    assert.throws(
      () => encodeBlock({ kind: 'float', times: seconds(1), values: Float64Array.from([NaN]) }),
      unencodable,
    )
  })

  it('reports short, unknown and overlong headers', () => {
    assert.throws(() => blockType(new Uint8Array(0)), corrupt('block', 0, /empty block/))
    assert.throws(() => decodeBlock(bytes('01')), corrupt('block', 0, /shorter than its header/))
    assert.throws(
      () => decodeBlock(bytes('07 09 1c18eb5f71fd6503f9 100000000000000002')),
      corrupt('block', 0, /unknown block type 7/),
    )
    assert.throws(
      () => decodeBlock(bytes('01 0a 1c18eb5f71fd6503f9')),
      corrupt('block', 1, /runs past the end/),
    )
    assert.throws(() => blockCount(bytes('01 ff')), corrupt('block', 1, /truncated uvarint/))
  })

  it('reports section errors with offsets relative to the block', () => {
    // Value section (offset 11) holds 2 integers while the timestamps say 1.
    assert.throws(
      () => decodeBlock(bytes('01 09 1c18eb5f71fd6503f9 100000000000000002f000000000000002')),
      corrupt('integer', 11, /differs/),
    )
    // Timestamp section (offset 2) has an unknown encoding.
    assert.throws(
      () => decodeBlock(bytes('01 09 3c18eb5f71fd6503f9 100000000000000002')),
      corrupt('timestamp', 2, /unknown/),
    )
    // A block without points.
    assert.throws(
      () => decodeBlock(bytes('01 0b 2c18eb5f71fd6503f90000 10')),
      corrupt('block', 2, /no points/),
    )
    // The float section ends before its end marker; the offset points into the value section.
    assert.throws(() => decodeBlock(bytes('00 09 1c18eb5f71fd6503f9 104045')), corrupt('float', 12))
  })
})

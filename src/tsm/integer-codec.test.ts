import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  countIntegers,
  decodeIntegers,
  decodeUnsigned,
  encodeIntegers,
  encodeUnsigned,
} from './integer-codec.js'
import { LARGE_PROPERTY, bytes, corrupt, hex, sameValues } from './codec-test-support.js'

const i64 = (...v: bigint[]): BigInt64Array => BigInt64Array.from(v)
const u64 = (...v: bigint[]): BigUint64Array => BigUint64Array.from(v)
const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n
const U64_MAX = 2n ** 64n - 1n

/** §2.7 and §6 of the storage spec (Go encoder of InfluxDB 1.6.7). */
const VECTORS: readonly (readonly [BigInt64Array, string])[] = [
  [i64(1n), '100000000000000002'],
  [i64(1n, 2n), '100000000000000002f000000000000002'],
  [i64(-1n), '100000000000000001'],
  [i64(7n, 7n, 7n), '20000000000000000e0002'],
  [i64(10n, 20n, 30n, 40n, 50n), '2000000000000000141404'],
  [BigInt64Array.from({ length: 10 }, () => 7n), '20000000000000000e0009'],
  [i64(5n, -3n, 100n, 7n), '10000000000000000ad000b9000ce0000f'],
  [i64(I64_MAX, I64_MIN, 5n), '00fffffffffffffffe0000000000000002fffffffffffffff5'],
  // 0 then 300 steps of −1 (zigzag 1) then +1: encode-all never sees an all-ones window (Go-verified).
  [
    BigInt64Array.from({ length: 302 }, (_, i) => BigInt(i === 301 ? -299 : -i)),
    '100000000000000000' + '2fffffffffffffff'.repeat(5) + 'f000000000000002',
  ],
  // 0, 10, then 240 steps of −1: the all-ones tail takes selector 1 (Go-verified).
  [
    BigInt64Array.from({ length: 242 }, (_, i) => (i === 0 ? 0n : BigInt(11 - i))),
    '100000000000000000' +
      '6084210842108434' +
      '1000000000000000' +
      '2fffffffffffffff' +
      '3555555555555555' +
      '5111111111111111' +
      'c000200040008001',
  ],
]

describe('integer codec', () => {
  for (const [input, encoded] of VECTORS) {
    it(`encodes and decodes the spec vector ${encoded.slice(0, 24)}…`, () => {
      assert.equal(hex(encodeIntegers(input)), encoded)
      sameValues(decodeIntegers(bytes(encoded)), input)
      assert.equal(countIntegers(bytes(encoded)), input.length)
    })
  }

  it('packs a zigzag delta of exactly 2^60 - 1 and stores 2^60 raw (Go-verified)', () => {
    const packed = i64(0n, 5n, 5n - (1n << 59n))
    assert.equal(hex(encodeIntegers(packed)), '100000000000000000f00000000000000affffffffffffffff')
    sameValues(decodeIntegers(encodeIntegers(packed)), packed)
    const raw = i64(0n, 5n, 5n + (1n << 59n))
    assert.equal(hex(encodeIntegers(raw)), '000000000000000000000000000000000a1000000000000000')
    sameValues(decodeIntegers(encodeIntegers(raw)), raw)
  })

  it('encodes nothing as an empty section and decodes it as no values', () => {
    assert.equal(encodeIntegers(new BigInt64Array(0)).length, 0)
    assert.equal(decodeIntegers(new Uint8Array(0)).length, 0)
    assert.equal(decodeIntegers(bytes('10')).length, 0)
  })

  it('round-trips any int64 values, including min, max and runs', () => {
    const value = fc.oneof(
      fc.bigInt({ min: I64_MIN, max: I64_MAX }),
      fc.constantFrom(I64_MIN, I64_MAX, 0n, -1n, 1n),
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.nat(300), (v, run) => {
        if (v.length > 0) v.push(...new Array<bigint>(run).fill(v[v.length - 1] ?? 0n))
        const input = BigInt64Array.from(v)
        const enc = encodeIntegers(input)
        sameValues(decodeIntegers(enc), input)
        assert.equal(countIntegers(enc), input.length)
      }),
      { numRuns: 300, ...LARGE_PROPERTY },
    )
  })

  it('round-trips counters and slowly varying values through packed and RLE sections', () => {
    const step = fc.oneof(
      fc.constant(-1n),
      fc.constant(0n),
      fc.bigInt({ min: -3n, max: 3n }),
      fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }),
    )
    fc.assert(
      fc.property(
        fc.bigInt({ min: I64_MIN, max: I64_MAX }),
        fc.array(step, { maxLength: 1000 }),
        (v0, steps) => {
          const out = [v0]
          let v = v0
          for (const s of steps) {
            v = BigInt.asIntN(64, v + s)
            out.push(v)
          }
          const input = BigInt64Array.from(out)
          sameValues(decodeIntegers(encodeIntegers(input)), input)
        },
      ),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('reports an unknown encoding, truncation, partial words and RLE trailing bytes', () => {
    assert.throws(
      () => decodeIntegers(bytes('300000000000000002')),
      corrupt('integer', 0, /unknown integer encoding 3/),
    )
    assert.throws(
      () => decodeIntegers(bytes('1000000000')),
      corrupt('integer', 0, /truncated first value/),
    )
    assert.throws(
      () => decodeIntegers(bytes('100000000000000002f0000000')),
      corrupt('integer', 9, /truncated simple8b word/),
    )
    assert.throws(
      () => decodeIntegers(bytes('00000000000000000200')),
      corrupt('integer', undefined, /whole number/),
    )
    assert.throws(
      () => decodeIntegers(bytes('20000000000000000e000900')),
      corrupt('integer', 11, /trailing bytes/),
    )
    assert.throws(
      () => decodeIntegers(bytes('20000000000000000e')),
      corrupt('integer', 9, /truncated uvarint/),
    )
  })

  it('reports a count that differs from the expected one, with the offset of the section', () => {
    assert.throws(
      () => decodeIntegers(bytes('2000000000000000141404'), { count: 4 }),
      corrupt('integer', 0, /differs/),
    )
    assert.throws(
      () => decodeIntegers(bytes('100000000000000000 0000000000000000'), { count: 2, offset: 30 }),
      corrupt('integer', 30, /differs/),
    )
    assert.throws(
      () => decodeIntegers(bytes('20000000000000000e00 8080808080 20')),
      corrupt('integer', 0, /decoder limit/),
    )
  })
})

describe('unsigned codec', () => {
  it('encodes the spec examples as the integer encoding of the same bits', () => {
    const big = u64(0n, 2n ** 63n + 5n, U64_MAX)
    const encoded = '00' + '0000000000000000' + 'fffffffffffffff5' + 'fffffffffffffff4'
    assert.equal(hex(encodeUnsigned(big)), encoded)
    sameValues(decodeUnsigned(bytes(encoded)), big)
    assert.equal(hex(encodeUnsigned(u64(1n, 2n, 3n))), '2000000000000000020202')
    sameValues(decodeUnsigned(bytes('2000000000000000020202')), u64(1n, 2n, 3n))
  })

  it('round-trips any uint64 values, including 2^64 - 1', () => {
    const value = fc.oneof(
      fc.bigInt({ min: 0n, max: U64_MAX }),
      fc.constantFrom(0n, U64_MAX, 2n ** 63n),
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), (v) => {
        const input = BigUint64Array.from(v)
        sameValues(decodeUnsigned(encodeUnsigned(input)), input)
      }),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('names the unsigned codec in its errors', () => {
    assert.throws(() => decodeUnsigned(bytes('5000')), corrupt('unsigned', 0))
  })
})

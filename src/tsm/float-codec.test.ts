import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TSMEncodeError } from './codec-errors.js'
import { decodeFloats, encodeFloats } from './float-codec.js'
import { LARGE_PROPERTY, bytes, corrupt, floatBits, hex, sameValues } from './codec-test-support.js'

const bad = (offset?: number, reason?: RegExp): ((e: unknown) => boolean) =>
  corrupt('float', offset, reason)

const f64 = (...v: number[]): Float64Array => Float64Array.from(v)
const fromBits = (...b: bigint[]): Float64Array => new Float64Array(BigUint64Array.from(b).buffer)

/** §2.6 and §6 of the storage spec (Go encoder of InfluxDB 1.6.7). */
const VECTORS: readonly (readonly [string, Float64Array, string])[] = [
  ['no values', f64(), '107ff8000000000001'],
  ['42.0', f64(42), '104045000000000000c5f7f7a0000000000020'],
  ['three zeros', f64(0, 0, 0), '10000000000000000030ffffe0000000000004'],
  [
    '1.5, 2.5, 2.5, −3.75, 1e100',
    f64(1.5, 2.5, 2.5, -3.75, 1e100),
    '103ff8000000000000c26fffd80f800b80094bc49ad2594c37d8ad2926b496530df0',
  ],
  [
    'the AND-31 quirk: 1.0, 1.0000000000000002',
    f64(1.0, 1.0000000000000002),
    '103ff0000000000000ff0800000007099002',
  ],
]

describe('float codec', () => {
  for (const [name, input, encoded] of VECTORS) {
    it(`encodes and decodes the spec vector: ${name}`, () => {
      assert.equal(hex(encodeFloats(input)), encoded)
      sameValues(floatBits(decodeFloats(bytes(encoded))), floatBits(input))
    })
  }

  it('round-trips every non-NaN bit pattern, including −0, ±Infinity and subnormals', () => {
    const double = fc.oneof(
      fc.double({ noNaN: true }),
      fc.constantFrom(
        -0,
        0,
        Infinity,
        -Infinity,
        Number.MIN_VALUE,
        -Number.MIN_VALUE,
        2.2250738585072009e-308,
        Number.MAX_VALUE,
      ),
    )
    fc.assert(
      fc.property(fc.array(double, { maxLength: 300 }), (v) => {
        const input = Float64Array.from(v)
        sameValues(floatBits(decodeFloats(encodeFloats(input))), floatBits(input))
      }),
      { numRuns: 300, ...LARGE_PROPERTY },
    )
  })

  it('round-trips slowly varying series with repeats (the common case)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.array(fc.constantFrom(0, 0.01, -0.01, 0.5, 0), { maxLength: 1000 }),
        (v0, steps) => {
          let v = v0
          const input = Float64Array.from([
            v0,
            ...steps.map((s) => (v = Math.round((v + s) * 100) / 100)),
          ])
          const enc = encodeFloats(input)
          sameValues(floatBits(decodeFloats(enc, { count: input.length })), floatBits(input))
        },
      ),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('refuses NaN with ERR_TSM_UNENCODABLE naming its index, whatever its payload', () => {
    for (const nan of [
      NaN,
      fromBits(0x7ff8000000000001n)[0] ?? 0,
      fromBits(0xfff0000000000001n)[0] ?? 0,
    ]) {
      assert.throws(
        () => encodeFloats(f64(1, nan)),
        (e: unknown) =>
          e instanceof TSMEncodeError && e.code === 'ERR_TSM_UNENCODABLE' && e.fields.index === 1,
      )
    }
  })

  it('decodes an empty section as no values', () => {
    assert.equal(decodeFloats(new Uint8Array(0)).length, 0)
  })

  it('reports an unknown encoding, a missing end marker and trailing bytes with offsets', () => {
    assert.throws(
      () => decodeFloats(bytes('207ff8000000000001')),
      bad(0, /unknown float encoding 2/),
    )
    assert.throws(() => decodeFloats(bytes('104045000000')), bad(5, /ends before its end marker/))
    assert.throws(
      () => decodeFloats(bytes('104045000000000000c5f7f7a0')),
      bad(undefined, /ends before its end marker/),
    )
    assert.throws(
      () => decodeFloats(bytes('104045000000000000c5f7f7a000000000002000')),
      bad(19, /trailing bytes/),
    )
  })

  it('reports a window whose leading zeros and significant bits exceed 64', () => {
    // 42.0, then `11`, lead 31 (11111), s = 64 written as 000000: 31 + 64 > 64.
    assert.throws(
      () => decodeFloats(bytes('104045000000000000 ff c0 00 00 00 00 00 00 00 00 00')),
      bad(undefined, /exceed 64/),
    )
  })

  it('reports more values than the timestamps promise, and fewer', () => {
    const enc = encodeFloats(f64(1, 2, 3))
    assert.throws(
      () => decodeFloats(enc, { count: 2, offset: 40 }),
      bad(undefined, /more values than timestamps/),
    )
    assert.throws(() => decodeFloats(enc, { count: 4, offset: 40 }), bad(40, /differs/))
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TSMCodecError, TSMEncodeError } from './codec-errors.js'
import { decodeFloats, encodeFloats } from './float-codec.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'))
const f64 = (...v: number[]): Float64Array => Float64Array.from(v)
/** The raw bits of every value, so −0, +0 and NaN payloads compare exactly. */
const bits = (a: Float64Array): bigint[] => [
  ...new BigUint64Array(a.buffer, a.byteOffset, a.length),
]
const fromBits = (...b: bigint[]): Float64Array => new Float64Array(BigUint64Array.from(b).buffer)

function corrupt(offset?: number, reason?: RegExp): (e: unknown) => boolean {
  return (e: unknown) =>
    e instanceof TSMCodecError &&
    e.code === 'ERR_TSM_CORRUPT_BLOCK' &&
    e.fields.codec === 'float' &&
    (offset === undefined || e.offset === offset) &&
    (reason === undefined || reason.test(e.reason))
}

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
      assert.deepEqual(bits(decodeFloats(bytes(encoded))), bits(input))
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
        assert.deepEqual(bits(decodeFloats(encodeFloats(input))), bits(input))
      }),
      { numRuns: 300 },
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
          assert.deepEqual(bits(decodeFloats(enc, { count: input.length })), bits(input))
        },
      ),
      { numRuns: 200 },
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
      corrupt(0, /unknown float encoding 2/),
    )
    assert.throws(
      () => decodeFloats(bytes('104045000000')),
      corrupt(5, /ends before its end marker/),
    )
    assert.throws(
      () => decodeFloats(bytes('104045000000000000c5f7f7a0')),
      corrupt(undefined, /ends before its end marker/),
    )
    assert.throws(
      () => decodeFloats(bytes('104045000000000000c5f7f7a000000000002000')),
      corrupt(19, /trailing bytes/),
    )
  })

  it('reports a window whose leading zeros and significant bits exceed 64', () => {
    // 42.0, then `11`, lead 31 (11111), s = 64 written as 000000: 31 + 64 > 64.
    assert.throws(
      () => decodeFloats(bytes('104045000000000000 ff c0 00 00 00 00 00 00 00 00 00')),
      corrupt(undefined, /exceed 64/),
    )
  })

  it('reports more values than the timestamps promise, and fewer', () => {
    const enc = encodeFloats(f64(1, 2, 3))
    assert.throws(
      () => decodeFloats(enc, { count: 2, offset: 40 }),
      corrupt(undefined, /more values than timestamps/),
    )
    assert.throws(() => decodeFloats(enc, { count: 4, offset: 40 }), corrupt(40, /differs/))
  })
})

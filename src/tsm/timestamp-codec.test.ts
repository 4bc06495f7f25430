import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  countTimestamps,
  decodeTimestamps,
  encodeTimestamps,
  rleBoundsMatch,
  timestampBounds,
} from './timestamp-codec.js'
import { LARGE_PROPERTY, bytes, corrupt, hex, sameValues } from './codec-test-support.js'

const bad = (offset?: number, reason?: RegExp): ((e: unknown) => boolean) =>
  corrupt('timestamp', offset, reason)

const ts = (...v: bigint[]): BigInt64Array => BigInt64Array.from(v)
const T0 = 1577836800000000000n
const S = 1_000_000_000n
const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n

/** §6 of the storage spec: produced by the Go encoder of InfluxDB 1.6.7. */
const VECTORS: readonly (readonly [string, BigInt64Array, string])[] = [
  ['one timestamp', ts(T0), '1c15e59a35b98a0000'],
  ['three, one second apart', ts(T0, T0 + S, T0 + 2n * S), '2915e59a35b98a00000103'],
  ['0, 1, 2', ts(0n, 1n, 2n), '2000000000000000000103'],
  ['three equal', ts(T0, T0, T0), '2c15e59a35b98a00000003'],
  ['+7, +19, +20 ns', ts(T0, T0 + 7n, T0 + 19n, T0 + 20n), '1015e59a35b98a0000d000010000c00007'],
  [
    '+2, +3, +7 µs',
    ts(T0, T0 + 2000n, T0 + 3000n, T0 + 7000n),
    '1315e59a35b98a0000d000040000100002',
  ],
  [
    'a gap over 2^60 ns',
    ts(-400000000000000000n, -400000000000000000n + 1n, 1500000000000000000n),
    '00fa72ea1e89d8000000000000000000011a5e27eef13dffff',
  ],
  [
    'nine, one second apart (§2.4)',
    BigInt64Array.from({ length: 9 }, (_, i) => T0 + BigInt(i) * S),
    '2915e59a35b98a00000109',
  ],
  [
    '+5 then 299 × +1 ns (§2.5)',
    BigInt64Array.from({ length: 301 }, (_, i) => (i === 0 ? T0 : T0 + 4n + BigInt(i))),
    '1015e59a35b98a0000' +
      '424924924924924d' +
      '0000000000000000' +
      '3555555555555555' +
      '7041041041041041',
  ],
  [
    '300 × +1 then +2 ns: the streaming window takes selector 0 (Go-verified)',
    BigInt64Array.from({ length: 302 }, (_, i) => BigInt(i === 301 ? 302 : i)),
    '100000000000000000' + '0000000000000000' + '2fffffffffffffff' + 'f000000000000002',
  ],
]

describe('timestamp codec', () => {
  for (const [name, input, encoded] of VECTORS) {
    it(`encodes and decodes the spec vector: ${name}`, () => {
      assert.equal(hex(encodeTimestamps(input)), encoded)
      sameValues(decodeTimestamps(bytes(encoded)), input)
      assert.equal(countTimestamps(bytes(encoded)), input.length)
    })
  }

  it('encodes nothing as an empty section and decodes it as no timestamps', () => {
    assert.equal(encodeTimestamps(new BigInt64Array(0)).length, 0)
    assert.equal(decodeTimestamps(new Uint8Array(0)).length, 0)
  })

  it('round-trips any int64 timestamps, sorted or not', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: I64_MIN, max: I64_MAX }), { maxLength: 300 }), (v) => {
        const input = BigInt64Array.from(v)
        sameValues(decodeTimestamps(encodeTimestamps(input)), input)
      }),
      { numRuns: 300, ...LARGE_PROPERTY },
    )
  })

  it('finds the first and last timestamp without decoding, as decoding does, for every encoding', () => {
    const unit = fc.constantFrom(1n, 10n, 1000n, 1_000_000n, S, 10n ** 13n)
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.constant(1n) },
      { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 100n }) },
      { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }) },
    )
    fc.assert(
      fc.property(
        fc.bigInt({ min: I64_MIN, max: I64_MAX }),
        unit,
        fc.array(step, { maxLength: 1000 }),
        (t0, u, steps) => {
          const out = [t0]
          let t = t0
          for (const s of steps) out.push((t = BigInt.asIntN(64, t + s * u)))
          const enc = encodeTimestamps(BigInt64Array.from(out))
          const all = decodeTimestamps(enc)
          assert.deepEqual(timestampBounds(enc), {
            first: all[0],
            last: all[all.length - 1],
            count: all.length,
          })
        },
      ),
      { numRuns: 300, ...LARGE_PROPERTY },
    )
    assert.equal(timestampBounds(new Uint8Array(0)), undefined)
  })

  it('matches run-length sections against index bounds in place exactly as decoding would', () => {
    const bounds = (min: bigint, max: bigint): Buffer => {
      const b = Buffer.alloc(20) // at offset 4, as inside an index
      b.writeBigInt64BE(BigInt.asIntN(64, min), 4)
      b.writeBigInt64BE(BigInt.asIntN(64, max), 12)
      return b
    }
    fc.assert(
      fc.property(
        fc.bigInt({ min: I64_MIN, max: I64_MAX }),
        fc.oneof(
          fc.bigInt({ min: 0n, max: 10n ** 13n }),
          fc.constantFrom(1n, S, 10n * S, 60n * S),
          fc.bigInt({ min: 0n, max: I64_MAX }),
        ),
        fc.integer({ min: 1, max: 3000 }),
        fc.boolean(),
        fc.bigInt({ min: -3n, max: 3n }),
        (t0, step, n, jitter, off) => {
          const times = BigInt64Array.from({ length: n }, (_, i) =>
            BigInt.asIntN(64, t0 + BigInt(i) * step + (jitter && i === n >> 1 ? 1n : 0n)),
          )
          const enc = Buffer.concat([Buffer.from([9, 9]), encodeTimestamps(times)]) // not at 0
          const b = timestampBounds(enc.subarray(2))
          assert.ok(b !== undefined)
          for (const [min, max] of [
            [b.first, b.last],
            [b.first + off, b.last],
            [b.first, b.last + off],
          ] as const) {
            const fast = rleBoundsMatch(enc, 2, enc.length, bounds(min, max), 4)
            if (fast === undefined) continue // not run-length, or not exact in a double
            assert.equal(
              fast,
              BigInt.asIntN(64, min) === b.first && BigInt.asIntN(64, max) === b.last,
            )
          }
          if (!jitter && n > 1 && step > 0n && step * BigInt(n) < 2n ** 50n) {
            // A regular series in range is run-length encoded and answered in place.
            assert.equal(rleBoundsMatch(enc, 2, enc.length, bounds(b.first, b.last), 4), true)
          }
        },
      ),
      { numRuns: 400 },
    )
    // Truncated, with trailing bytes, or not run-length: not answered in place.
    const rle = encodeTimestamps(BigInt64Array.from([T0, T0 + S, T0 + 2n * S]))
    const b = bounds(T0, T0 + 2n * S)
    assert.equal(rleBoundsMatch(rle, 0, rle.length, b, 4), true)
    assert.equal(rleBoundsMatch(rle, 0, rle.length - 1, b, 4), undefined)
    assert.equal(
      rleBoundsMatch(Buffer.concat([rle, Buffer.from([0])]), 0, rle.length + 1, b, 4),
      undefined,
    )
    const packed = encodeTimestamps(BigInt64Array.from([T0, T0 + 7n, T0 + 19n]))
    assert.equal(rleBoundsMatch(packed, 0, packed.length, bounds(T0, T0 + 19n), 4), undefined)
  })

  it('round-trips regular and jittered series at every divisor, including runs of one', () => {
    const unit = fc.constantFrom(1n, 10n, 1000n, 1_000_000n, S, 10n ** 12n, 10n ** 13n)
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.constant(1n) },
      { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 100n }) },
      {
        weight: 1,
        arbitrary: fc.bigInt({ min: 0n, max: 1n << 62n }),
      },
    )
    fc.assert(
      fc.property(
        fc.bigInt({ min: I64_MIN, max: I64_MAX }),
        unit,
        fc.array(step, { maxLength: 1000 }),
        (t0, u, steps) => {
          const out = [t0]
          let t = t0
          for (const s of steps) {
            t = BigInt.asIntN(64, t + s * u)
            out.push(t)
          }
          const input = BigInt64Array.from(out)
          const enc = encodeTimestamps(input)
          sameValues(decodeTimestamps(enc), input)
          assert.equal(countTimestamps(enc), input.length)
        },
      ),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('keeps int64 min and max exact, and stores a one-point block as packed with divisor 10^12', () => {
    for (const v of [I64_MIN, I64_MAX, -1n, 0n]) {
      const enc = encodeTimestamps(ts(v))
      assert.equal(enc[0], 0x1c)
      sameValues(decodeTimestamps(enc), ts(v))
    }
    const both = ts(I64_MIN, I64_MAX, I64_MIN)
    sameValues(decodeTimestamps(encodeTimestamps(both)), both)
  })

  it('falls back to raw when a delta exceeds 2^60 - 1, and to RLE when all deltas are equal even if huge', () => {
    const raw = encodeTimestamps(ts(0n, 1n, 1n << 61n))
    assert.equal(raw[0], 0x00)
    const rle = encodeTimestamps(ts(5n, 3n)) // delta 2^64 - 2, stored as a 10-byte uvarint
    assert.equal(hex(rle), '2000000000000000' + '05' + 'feffffffffffffffff01' + '02')
    sameValues(decodeTimestamps(rle), ts(5n, 3n))
  })

  it('packs a largest delta of exactly 2^60 - 1 and stores 2^60 raw (Go-verified)', () => {
    const max = (1n << 60n) - 1n
    const packed = ts(0n, 1n, 1n + max)
    assert.equal(
      hex(encodeTimestamps(packed)),
      '100000000000000000f000000000000001ffffffffffffffff',
    )
    sameValues(decodeTimestamps(encodeTimestamps(packed)), packed)
    const raw = ts(0n, 1n, 2n + max)
    assert.equal(hex(encodeTimestamps(raw)), '00000000000000000000000000000000011000000000000000')
    sameValues(decodeTimestamps(encodeTimestamps(raw)), raw)
  })

  it('reports an unknown encoding nibble at offset 0', () => {
    assert.throws(
      () => decodeTimestamps(bytes('3c15e59a35b98a0000')),
      bad(0, /unknown timestamp encoding 3/),
    )
  })

  it('reports truncated first timestamps, partial words and bad raw lengths with offsets', () => {
    assert.throws(() => decodeTimestamps(bytes('1c15e59a')), bad(0, /truncated first timestamp/))
    assert.throws(
      () => decodeTimestamps(bytes('1015e59a35b98a0000d0000100')),
      bad(9, /truncated simple8b word/),
    )
    assert.throws(
      () => decodeTimestamps(bytes('0000000000000000000000')),
      bad(undefined, /raw timestamps/),
    )
  })

  it('reports bad RLE varints, trailing bytes and impossible counts', () => {
    assert.throws(() => decodeTimestamps(bytes('2915e59a35b98a0000')), bad(9, /truncated uvarint/))
    assert.throws(
      () => decodeTimestamps(bytes('2915e59a35b98a000001')),
      bad(10, /truncated uvarint \(RLE count\)/),
    )
    assert.throws(
      () => decodeTimestamps(bytes('2915e59a35b98a0000010300')),
      bad(11, /trailing bytes/),
    )
    assert.throws(
      () => decodeTimestamps(bytes('2915e59a35b98a0000 ffffffffffffffffff7f 01')),
      bad(9, /overflows 64 bits/),
    )
    // An RLE count of 2^40 in a few bytes must not allocate: it is over the decoder limit.
    assert.throws(
      () => decodeTimestamps(bytes('2915e59a35b98a0000 01 8080808080 20')),
      bad(0, /exceeds the decoder limit/),
    )
    assert.throws(
      () => decodeTimestamps(bytes('2915e59a35b98a0000 01 09'), { maxCount: 8 }),
      bad(0, /decoder limit/),
    )
  })
})

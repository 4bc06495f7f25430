// Hostile input for every TSM codec and the block format: every encoded test vector truncated at
// every offset, every single-bit flip, random multi-byte damage and random garbage. A decoder must
// return a result (when the format cannot tell) or throw TSMCodecError — never another exception,
// never hang (each test has a timeout).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { blockCount, decodeBlock, encodeBlock } from './block.js'
import { decodeBooleans } from './boolean-codec.js'
import { TSMCodecError } from './codec-errors.js'
import { decodeFloats, encodeFloats } from './float-codec.js'
import { decodeIntegers, decodeUnsigned, encodeIntegers } from './integer-codec.js'
import { decodeSimple8b } from './simple8b.js'
import { decodeStrings, encodeStrings } from './string-codec.js'
import { countTimestamps, decodeTimestamps, encodeTimestamps } from './timestamp-codec.js'
import { LARGE_PROPERTY, bytes } from './codec-test-support.js'

const T0 = 1577836800000000000n

type Decoder = (b: Uint8Array) => unknown

const DECODERS: Readonly<Record<string, Decoder>> = {
  timestamp: (b) => decodeTimestamps(b),
  timestampCount: (b) => countTimestamps(b),
  integer: (b) => decodeIntegers(b),
  unsigned: (b) => decodeUnsigned(b),
  float: (b) => decodeFloats(b),
  boolean: (b) => decodeBooleans(b),
  string: (b) => decodeStrings(b),
  simple8b: (b) => decodeSimple8b(b),
  block: (b) => decodeBlock(b),
  blockCount: (b) => blockCount(b),
}

/** Every vector of spec §6 plus a few longer encodings, with the decoder that reads it. */
const VECTORS: readonly (readonly [keyof typeof DECODERS, Uint8Array])[] = [
  ...[
    '1c15e59a35b98a0000',
    '2915e59a35b98a00000103',
    '2000000000000000000103',
    '2c15e59a35b98a00000003',
    '1015e59a35b98a0000d000010000c00007',
    '1315e59a35b98a0000d000040000100002',
    '00fa72ea1e89d8000000000000000000011a5e27eef13dffff',
  ].map((h) => ['timestamp', bytes(h)] as const),
  ...[
    '100000000000000002',
    '100000000000000002f000000000000002',
    '100000000000000001',
    '20000000000000000e0002',
    '2000000000000000141404',
    '10000000000000000ad000b9000ce0000f',
    '00fffffffffffffffe0000000000000002fffffffffffffff5',
  ].map((h) => ['integer', bytes(h)] as const),
  ['unsigned', bytes('00 0000000000000000 fffffffffffffff5 fffffffffffffff4')],
  ...[
    '107ff8000000000001',
    '104045000000000000c5f7f7a0000000000020',
    '10000000000000000030ffffe0000000000004',
    '103ff8000000000000c26fffd80f800b80094bc49ad2594c37d8ad2926b496530df0',
    '103ff0000000000000ff0800000007099002',
  ].map((h) => ['float', bytes(h)] as const),
  ...['100000', '100180', '1009aa80'].map((h) => ['boolean', bytes(h)] as const),
  ['string', bytes('1006140568656c6c6f')],
  ['string', bytes('10 19 60 05 68656c6c6f 11 686520736169642022686922205c206f6b 00')],
  ['simple8b', bytes('424924924924924d000000000000000035555555555555557041041041041041')],
  ['block', bytes('020b2915e59a35b98a000001091009aa80')],
  ['block', bytes('0109 1c18eb5f71fd6503f9 100000000000000002')],
  ['blockCount', bytes('020b2915e59a35b98a000001091009aa80')],
  [
    'timestamp',
    encodeTimestamps(BigInt64Array.from({ length: 500 }, (_, i) => T0 + BigInt(i * i))),
  ],
  [
    'integer',
    encodeIntegers(BigInt64Array.from({ length: 300 }, (_, i) => BigInt((i * 7919) % 1000))),
  ],
  ['float', encodeFloats(Float64Array.from({ length: 200 }, (_, i) => Math.sin(i) * 100))],
  [
    'string',
    encodeStrings(Array.from({ length: 100 }, (_, i) => `value-${i % 9} ${'z'.repeat(i % 30)}`)),
  ],
  [
    'block',
    encodeBlock({
      kind: 'float',
      times: BigInt64Array.from(
        { length: 50 },
        (_, i) => T0 + BigInt(i) * 10_000_000_000n + BigInt(i % 3),
      ),
      values: Float64Array.from({ length: 50 }, (_, i) => 20 + i / 8),
    }),
  ],
  [
    'block',
    encodeBlock({
      kind: 'string',
      times: BigInt64Array.from([T0, T0 + 1n]),
      values: ['a', 'b'.repeat(40)],
    }),
  ],
]

/** Runs the decoder; returns 'ok' or 'typed', and fails the test on any other exception. */
function survive(name: string, decode: Decoder, input: Uint8Array, what: string): 'ok' | 'typed' {
  try {
    decode(input)
    return 'ok'
  } catch (e) {
    if (e instanceof TSMCodecError && e.code === 'ERR_TSM_CORRUPT_BLOCK') {
      assert.ok(
        Number.isInteger(e.offset) && e.offset >= 0,
        `${name} ${what}: bad offset ${e.offset}`,
      )
      return 'typed'
    }
    assert.fail(`${name} ${what} (${Buffer.from(input).toString('hex')}) threw ${String(e)}`)
  }
}

describe('TSM codecs under hostile input', () => {
  it(
    'decode every vector truncated at every offset with a result or a typed error',
    { timeout: 30_000 },
    () => {
      let typed = 0
      for (const [name, vector] of VECTORS) {
        const decode = DECODERS[name]
        assert.ok(decode)
        assert.equal(
          survive(name, decode, vector, 'intact'),
          'ok',
          `${name} vector must decode intact`,
        )
        for (let len = 0; len < vector.length; len++) {
          if (survive(name, decode, vector.subarray(0, len), `truncated to ${len}`) === 'typed')
            typed++
        }
      }
      assert.ok(typed > 0)
    },
  )

  it(
    'decode every vector with every single bit flipped with a result or a typed error',
    { timeout: 60_000 },
    () => {
      for (const [name, vector] of VECTORS) {
        const decode = DECODERS[name]
        assert.ok(decode)
        const copy = vector.slice()
        for (let bit = 0; bit < copy.length * 8 && bit < 4096; bit++) {
          copy[bit >>> 3] = (copy[bit >>> 3] ?? 0) ^ (0x80 >>> (bit & 7))
          survive(name, decode, copy, `bit ${bit} flipped`)
          copy[bit >>> 3] = (copy[bit >>> 3] ?? 0) ^ (0x80 >>> (bit & 7))
        }
      }
    },
  )

  it(
    'decode vectors with random multi-byte damage with a result or a typed error',
    { timeout: 60_000 },
    () => {
      fc.assert(
        fc.property(
          fc.nat(VECTORS.length - 1),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 6,
          }),
          (which, damage) => {
            const [name, vector] = VECTORS[which] ?? ['block', new Uint8Array(0)]
            const decode = DECODERS[name]
            assert.ok(decode)
            const copy = vector.slice()
            for (const [at, v] of damage) if (copy.length > 0) copy[at % copy.length] = v
            survive(name, decode, copy, 'damaged')
          },
        ),
        { numRuns: 3000, ...LARGE_PROPERTY },
      )
    },
  )

  it('decode random garbage with a result or a typed error', { timeout: 60_000 }, () => {
    const names = Object.keys(DECODERS)
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(255),
        (name, garbage, first) => {
          const decode = DECODERS[name]
          assert.ok(decode)
          // Steer the first byte toward valid headers half of the time, so decoding gets past it.
          if (garbage.length > 0 && first < 128)
            garbage[0] = [0x00, 0x10, 0x1c, 0x20, 0x29][first % 5] ?? 0
          if (garbage.length > 0 && (name === 'block' || name === 'blockCount') && first < 128)
            garbage[0] = first % 5
          survive(name, decode, garbage, 'garbage')
        },
      ),
      { numRuns: 5000, ...LARGE_PROPERTY },
    )
  })
})

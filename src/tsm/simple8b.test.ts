import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TSMCodecError, TSMEncodeError } from './codec-errors.js'
import {
  decodeSimple8b,
  encodeSimple8bAll,
  encodeSimple8bStream,
  SIMPLE8B_MAX_VALUE,
} from './simple8b.js'
import { LARGE_PROPERTY, bytes, hex, sameValues } from './codec-test-support.js'

const u64s = (...parts: (bigint | readonly bigint[])[]): BigUint64Array =>
  BigUint64Array.from(parts.flat())
const ones = (n: number): bigint[] => new Array<bigint>(n).fill(1n)

const isCodecError = (e: unknown): boolean =>
  e instanceof TSMCodecError && e.code === 'ERR_TSM_CORRUPT_BLOCK'

describe('simple8b', () => {
  it('packs the spec example (5 then 299 ones) into the words influxd writes', () => {
    const words = encodeSimple8bStream(u64s(5n, ones(299)))
    assert.equal(
      hex(words),
      '424924924924924d' + '0000000000000000' + '3555555555555555' + '7041041041041041',
    )
    sameValues(decodeSimple8b(words), [5n, ...ones(299)])
  })

  it('uses selector 0 for a window of 240 ones and selector 1 for 120', () => {
    assert.equal(hex(encodeSimple8bAll(u64s(ones(240)))), '0000000000000000')
    assert.equal(hex(encodeSimple8bAll(u64s(ones(120)))), '1000000000000000')
    assert.equal(hex(encodeSimple8bStream(u64s(ones(480)))), '0000000000000000'.repeat(2))
  })

  it('decodes selectors 0 and 1 as runs of ones, not zeros', () => {
    sameValues(decodeSimple8b(bytes('0000000000000000')), ones(240))
    sameValues(decodeSimple8b(bytes('1000000000000000')), ones(120))
    // Payload bits under selectors 0 and 1 are ignored.
    sameValues(decodeSimple8b(bytes('1123456789abcdef')), ones(120))
  })

  it('differs between the encode-all and the streaming window exactly as influxd does (300 ones, then 2)', () => {
    // Go-verified: integer blocks never see an all-ones window here; timestamp blocks do.
    const values = u64s(ones(300), 2n)
    assert.equal(hex(encodeSimple8bAll(values)), '2fffffffffffffff'.repeat(5) + 'f000000000000002')
    assert.equal(
      hex(encodeSimple8bStream(values)),
      '0000000000000000' + '2fffffffffffffff' + 'f000000000000002',
    )
    sameValues(decodeSimple8b(encodeSimple8bAll(values)), values)
    sameValues(decodeSimple8b(encodeSimple8bStream(values)), values)
  })

  it('puts values from the least significant bits upward', () => {
    // selector 13: three 20-bit values 7, 12, 1
    assert.equal(hex(encodeSimple8bAll(u64s(7n, 12n, 1n))), 'd000010000c00007')
    assert.equal(hex(encodeSimple8bAll(u64s(SIMPLE8B_MAX_VALUE))), 'ffffffffffffffff')
  })

  it('round-trips any values below 2^60 with both variants', () => {
    const value = fc.oneof(
      fc.constant(1n),
      fc.bigInt({ min: 0n, max: 3n }),
      fc.bigInt({ min: 0n, max: 1n << 20n }),
      fc.bigInt({ min: 0n, max: SIMPLE8B_MAX_VALUE }),
    )
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 700 }),
        fc.array(fc.tuple(fc.nat(700), fc.nat(500)), { maxLength: 2 }),
        (vs, runs) => {
          for (const [at, n] of runs) vs.splice(at, 0, ...ones(n))
          const input = BigUint64Array.from(vs)
          sameValues(decodeSimple8b(encodeSimple8bAll(input)), input)
          sameValues(decodeSimple8b(encodeSimple8bStream(input)), input)
        },
      ),
      { numRuns: 300, ...LARGE_PROPERTY },
    )
  })

  it('refuses a value above 2^60 - 1 with ERR_TSM_UNENCODABLE', () => {
    assert.throws(
      () => encodeSimple8bAll(u64s(1n, SIMPLE8B_MAX_VALUE + 1n)),
      (e: unknown) =>
        e instanceof TSMEncodeError && e.code === 'ERR_TSM_UNENCODABLE' && e.fields.index === 1,
    )
  })

  it('reports a partial trailing word with its offset', () => {
    assert.throws(
      () => decodeSimple8b(bytes('0000000000000000 1234')),
      (e: unknown) => isCodecError(e) && e instanceof TSMCodecError && e.offset === 8,
    )
  })

  it('encodes nothing as no words', () => {
    assert.equal(encodeSimple8bAll(new BigUint64Array(0)).length, 0)
    assert.equal(decodeSimple8b(new Uint8Array(0)).length, 0)
  })
})

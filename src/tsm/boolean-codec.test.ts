import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeBooleans, encodeBooleans } from './boolean-codec.js'
import { LARGE_PROPERTY, bytes, corrupt, hex, sameValues } from './codec-test-support.js'

const bad = (offset?: number, reason?: RegExp): ((e: unknown) => boolean) =>
  corrupt('boolean', offset, reason)

const bools = (...v: number[]): Uint8Array => Uint8Array.from(v)

describe('boolean codec', () => {
  it('writes at least one data byte, even for no values (spec §2.9, §6)', () => {
    assert.equal(hex(encodeBooleans(bools())), '100000')
    sameValues(decodeBooleans(bytes('100000')), bools())
  })

  it('encodes and decodes the spec vectors most significant bit first', () => {
    assert.equal(hex(encodeBooleans(bools(1))), '100180')
    assert.equal(hex(encodeBooleans(bools(1, 0, 1, 0, 1, 0, 1, 0, 1))), '1009aa80')
    sameValues(decodeBooleans(bytes('1009aa80')), bools(1, 0, 1, 0, 1, 0, 1, 0, 1))
    assert.equal(hex(encodeBooleans(bools(1, 1, 1, 1, 1, 1, 1, 1))), '1008ff')
  })

  it('encodes any non-zero byte as true and decodes to 0/1', () => {
    sameValues(decodeBooleans(encodeBooleans(bools(0, 7, 255, 0))), bools(0, 1, 1, 0))
  })

  it('round-trips any sequence, including counts with multi-byte varints', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 1100 }), (v) => {
        const input = Uint8Array.from(v, Number)
        const enc = encodeBooleans(input)
        assert.equal(
          enc.length,
          1 + (input.length < 128 ? 1 : 2) + Math.max(1, Math.ceil(input.length / 8)),
        )
        sameValues(decodeBooleans(enc, { count: input.length }), input)
      }),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('accepts a zero count without a data byte, as later InfluxDB encoders write it', () => {
    sameValues(decodeBooleans(bytes('1000')), bools())
  })

  it('reports an unknown encoding, a bad count, missing bits and trailing bytes with offsets', () => {
    assert.throws(() => decodeBooleans(bytes('2001 80')), bad(0, /unknown boolean encoding 2/))
    assert.throws(() => decodeBooleans(bytes('10')), bad(1, /truncated uvarint/))
    assert.throws(() => decodeBooleans(bytes('1009 aa')), bad(3, /truncated boolean bits/))
    assert.throws(() => decodeBooleans(bytes('1009 aa80 00')), bad(4, /trailing bytes/))
    assert.throws(
      () => decodeBooleans(bytes('1009aa80'), { count: 8, offset: 20 }),
      bad(20, /differs/),
    )
  })
})

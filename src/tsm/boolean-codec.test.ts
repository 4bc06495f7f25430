import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TSMCodecError } from './codec-errors.js'
import { decodeBooleans, encodeBooleans } from './boolean-codec.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'))
const bools = (...v: number[]): Uint8Array => Uint8Array.from(v)

function corrupt(offset?: number, reason?: RegExp): (e: unknown) => boolean {
  return (e: unknown) =>
    e instanceof TSMCodecError &&
    e.code === 'ERR_TSM_CORRUPT_BLOCK' &&
    e.fields.codec === 'boolean' &&
    (offset === undefined || e.offset === offset) &&
    (reason === undefined || reason.test(e.reason))
}

describe('boolean codec', () => {
  it('writes at least one data byte, even for no values (spec §2.9, §6)', () => {
    assert.equal(hex(encodeBooleans(bools())), '100000')
    assert.deepEqual(decodeBooleans(bytes('100000')), bools())
  })

  it('encodes and decodes the spec vectors most significant bit first', () => {
    assert.equal(hex(encodeBooleans(bools(1))), '100180')
    assert.equal(hex(encodeBooleans(bools(1, 0, 1, 0, 1, 0, 1, 0, 1))), '1009aa80')
    assert.deepEqual(decodeBooleans(bytes('1009aa80')), bools(1, 0, 1, 0, 1, 0, 1, 0, 1))
    assert.equal(hex(encodeBooleans(bools(1, 1, 1, 1, 1, 1, 1, 1))), '1008ff')
  })

  it('encodes any non-zero byte as true and decodes to 0/1', () => {
    assert.deepEqual(decodeBooleans(encodeBooleans(bools(0, 7, 255, 0))), bools(0, 1, 1, 0))
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
        assert.deepEqual(decodeBooleans(enc, { count: input.length }), input)
      }),
      { numRuns: 200 },
    )
  })

  it('accepts a zero count without a data byte, as later InfluxDB encoders write it', () => {
    assert.deepEqual(decodeBooleans(bytes('1000')), bools())
  })

  it('reports an unknown encoding, a bad count, missing bits and trailing bytes with offsets', () => {
    assert.throws(() => decodeBooleans(bytes('2001 80')), corrupt(0, /unknown boolean encoding 2/))
    assert.throws(() => decodeBooleans(bytes('10')), corrupt(1, /truncated uvarint/))
    assert.throws(() => decodeBooleans(bytes('1009 aa')), corrupt(3, /truncated boolean bits/))
    assert.throws(() => decodeBooleans(bytes('1009 aa80 00')), corrupt(4, /trailing bytes/))
    assert.throws(
      () => decodeBooleans(bytes('1009aa80'), { count: 8, offset: 20 }),
      corrupt(20, /differs/),
    )
  })
})

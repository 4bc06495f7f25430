import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { uncompressSync } from 'snappy'
import { decodeStrings, encodeStrings } from './string-codec.js'
import { LARGE_PROPERTY, bytes, corrupt, hex, sameValues } from './codec-test-support.js'

const bad = (offset?: number, reason?: RegExp): ((e: unknown) => boolean) =>
  corrupt('string', offset, reason)

describe('string codec', () => {
  it('encodes a short section byte for byte as influxd does (one snappy literal)', () => {
    assert.equal(hex(encodeStrings(['hello'])), '1006140568656c6c6f')
    sameValues(decodeStrings(bytes('1006140568656c6c6f')), ['hello'])
  })

  it('encodes and decodes the real three-string section of spec §2.10', () => {
    const section = '10 19 60 05 68656c6c6f 11 686520736169642022686922205c206f6b 00'
    sameValues(decodeStrings(bytes(section)), ['hello', 'he said "hi" \\ ok', ''])
    assert.equal(
      hex(encodeStrings(['hello', 'he said "hi" \\ ok', ''])),
      section.replace(/\s/g, ''),
    )
  })

  it('writes a raw snappy block whose content is uvarint length + UTF-8 bytes per value', () => {
    const long = 'x'.repeat(200)
    const enc = encodeStrings(['é', long, ''])
    assert.equal(enc[0], 0x10)
    const content = uncompressSync(enc.subarray(1), { asBuffer: true })
    assert.ok(Buffer.isBuffer(content))
    assert.equal(hex(content.subarray(0, 3)), '02c3a9')
    assert.equal(hex(content.subarray(3, 5)), 'c801') // 200 as a two-byte uvarint
    assert.equal(content.length, 3 + 2 + 200 + 1)
  })

  it('encodes no values as an empty snappy block', () => {
    assert.equal(hex(encodeStrings([])), '1000')
    sameValues(decodeStrings(bytes('1000')), [])
    sameValues(decodeStrings(new Uint8Array(0)), [])
  })

  it('round-trips any Unicode strings, short and long', () => {
    const str = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({ maxLength: 10 }),
      fc.string({ unit: 'binary', minLength: 40, maxLength: 300 }),
    )
    fc.assert(
      fc.property(fc.array(str, { maxLength: 100 }), (v) => {
        sameValues(decodeStrings(encodeStrings(v), { count: v.length }), v)
      }),
      { numRuns: 200, ...LARGE_PROPERTY },
    )
  })

  it('round-trips repetitive content that snappy compresses with copies', () => {
    const v = Array.from({ length: 1000 }, (_, i) => `host-${i % 7}.example.com status=${i % 3}`)
    const enc = encodeStrings(v)
    assert.ok(enc.length < 8000) // about 30 KB of content
    sameValues(decodeStrings(enc), v)
  })

  it('round-trips a section larger than the reusable scratch buffers (2 MiB of content)', () => {
    const v = ['a'.repeat(1 << 20), 'ü'.repeat(1 << 19), 'end']
    sameValues(decodeStrings(encodeStrings(v)), v)
  })

  it('reports an unknown encoding and bad snappy data', () => {
    assert.throws(
      () => decodeStrings(bytes('2006140568656c6c6f')),
      bad(0, /unknown string encoding 2/),
    )
    assert.throws(() => decodeStrings(bytes('10')), bad(1, /truncated uvarint/))
    assert.throws(() => decodeStrings(bytes('1006140568656c')), bad(1, /snappy/))
    assert.throws(() => decodeStrings(bytes('1005 0100 0000')), bad(1, /snappy/))
  })

  it('refuses a declared snappy length no data of this size can reach, before allocating', () => {
    assert.throws(() => decodeStrings(bytes('10 ffffffff0f 00')), bad(1, /snappy length too large/))
  })

  it('reports a string length that runs past the content, and more values than expected', () => {
    // content: length 9, then only "hello" (5 bytes)
    assert.throws(() => decodeStrings(bytes('1006140968656c6c6f')), bad(1, /runs past the end/))
    assert.throws(
      () => decodeStrings(bytes('1006140568656c6c6f'), { count: 0, offset: 7 }),
      bad(8, /more values than expected/),
    )
    assert.throws(
      () => decodeStrings(bytes('1006140568656c6c6f'), { count: 2, offset: 7 }),
      bad(7, /differs/),
    )
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { crc32 as zlibCRC32 } from 'node:zlib'
import fc from 'fast-check'
import { crc32 } from './index.js'

describe('crc32', () => {
  it("equals zlib's IEEE CRC-32, whole or continued piece by piece", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(), (data, at) => {
        const cut = data.length === 0 ? 0 : at % data.length
        const whole = crc32(data)
        assert.equal(whole, zlibCRC32(data) >>> 0)
        assert.equal(crc32(data.subarray(cut), crc32(data.subarray(0, cut))), whole)
      }),
    )
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ByteReader, ByteWriter, ShortBufferError, uvarintSize } from './index.js'

describe('ByteReader and ByteWriter', () => {
  it('round-trips uvarints exactly as Go encodes them', () => {
    assert.deepEqual([...new ByteWriter().uvarint(300).view()], [0xac, 0x02])
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const w = new ByteWriter().uvarint(v)
        assert.equal(w.length, uvarintSize(v))
        assert.equal(new ByteReader(w.view()).uvarint(), v)
      }),
    )
  })

  it('round-trips big-endian integers and floats', () => {
    const w = new ByteWriter(1)
      .u8(1)
      .u16(0xbeef)
      .u32(0xdeadbeef)
      .i64(-5n)
      .u64(2n ** 64n - 1n)
      .f64(-0.5)
    const r = new ByteReader(w.toBytes())
    assert.equal(r.u8(), 1)
    assert.equal(r.u16(), 0xbeef)
    assert.equal(r.u32(), 0xdeadbeef)
    assert.equal(r.i64(), -5n)
    assert.equal(r.u64(), 2n ** 64n - 1n)
    assert.equal(r.f64(), -0.5)
    assert.equal(r.remaining, 0)
  })

  it('reports ERR_SHORT_BUFFER with the offset when a read runs past the end', () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]))
    r.u16()
    assert.throws(
      () => r.u32(),
      (e: unknown) =>
        e instanceof ShortBufferError && e.code === 'ERR_SHORT_BUFFER' && e.fields.offset === 2,
    )
  })
})

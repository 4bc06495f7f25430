import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { BufferPool } from './index.js'

describe('buffer pool', () => {
  it('lends buffers of its size and lends a returned one again', () => {
    const pool = new BufferPool(4096, 2)
    const a = pool.take()
    assert.equal(a.length, 4096)
    a[0] = 42
    pool.give(a.subarray(100, 200)) // any view of it brings the whole buffer back
    const b = pool.take()
    assert.equal(b.buffer, a.buffer)
    assert.equal(b.length, 4096)
    assert.equal(b[0], 42)
  })

  it('ignores a buffer given back twice, one it did not lend, and more than it keeps', () => {
    const pool = new BufferPool(1024, 1)
    const a = pool.take()
    pool.give(a)
    pool.give(a) // twice: must not be lent to two takers
    pool.give(Buffer.alloc(1024)) // not from this pool
    const x = pool.take()
    const y = pool.take()
    assert.equal(x.buffer, a.buffer)
    assert.notEqual(y.buffer, a.buffer)
    pool.give(x)
    pool.give(y) // keeps one: y is dropped
    const z1 = pool.take()
    const z2 = pool.take()
    assert.equal(z1.buffer, x.buffer)
    assert.notEqual(z2.buffer, y.buffer)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { drainOrClose } from './index.js'

describe('drainOrClose', () => {
  it("resolves at 'drain' or at the other emitter's 'close', and leaves no listener behind", async () => {
    const w = new EventEmitter()
    const conn = new EventEmitter()
    const a = drainOrClose(w, conn)
    w.emit('drain')
    await a
    const b = drainOrClose(w, conn)
    conn.emit('close')
    await b
    assert.equal(w.listenerCount('drain') + conn.listenerCount('close'), 0)
    let settled = false
    void drainOrClose(w).then(() => (settled = true))
    conn.emit('close') // not the emitter it watches
    await new Promise((r) => setImmediate(r))
    assert.equal(settled, false)
    w.emit('close')
    await new Promise((r) => setImmediate(r))
    assert.equal(settled, true)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ShardPins } from './index.js'

describe('ShardPins', () => {
  it('keeps a shard pinned until every holder released it, and a second release does nothing', () => {
    const pins = new ShardPins()
    const a = pins.pin({ database: 'db', retentionPolicy: 'rp', id: 5 })
    const b = pins.pin({ database: 'db', retentionPolicy: 'rp', id: 5 })
    a()
    a()
    assert.equal(pins.has(5), true)
    b()
    assert.equal(pins.has(5), false)
    assert.deepEqual(pins.list(), [])
  })

  it('tells which database and retention policy directories hold a pinned shard', () => {
    const pins = new ShardPins()
    const release = pins.pin({ database: 'db', retentionPolicy: 'rp', id: 1 })
    assert.equal(pins.holdsDirectory('db'), true)
    assert.equal(pins.holdsDirectory('db', 'rp'), true)
    assert.equal(pins.holdsDirectory('db', 'other'), false)
    assert.equal(pins.holdsDirectory('other'), false)
    assert.deepEqual(pins.list(), [{ database: 'db', retentionPolicy: 'rp', id: 1 }])
    release()
    assert.equal(pins.holdsDirectory('db'), false)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Tag } from '../engine/index.js'
import { OrderTracker, seriesOrders } from './series-orders.js'

function series(keys: readonly string[]): Map<string, Tag[]> {
  return new Map(
    keys.map((k) => [
      k,
      k
        .split(',')
        .slice(1)
        .map((kv) => {
          const [key = '', value = ''] = kv.split('=')
          return { key, value }
        }),
    ]),
  )
}

const KEYS = [
  'cpu,dc=b,host=h1',
  'cpu,dc=a,host=h2',
  'cpu,dc=a,host=h10',
  'cpu,dc=b,host=h3',
  'cpu,host=h0',
]

describe('series orders', () => {
  it('orders by key, and by each tag value (a series without the tag first, ties by key)', () => {
    assert.deepEqual(
      seriesOrders(series(KEYS), false).map((o) => o.keys),
      [[...KEYS].sort()],
    )
    const [byKey, byDC, byHost] = seriesOrders(series(KEYS), true)
    assert.deepEqual(byKey?.keys, [...KEYS].sort())
    assert.deepEqual(byDC?.keys, [
      'cpu,host=h0',
      'cpu,dc=a,host=h10',
      'cpu,dc=a,host=h2',
      'cpu,dc=b,host=h1',
      'cpu,dc=b,host=h3',
    ])
    assert.deepEqual(byHost?.keys, [
      'cpu,host=h0',
      'cpu,dc=b,host=h1',
      'cpu,dc=a,host=h10',
      'cpu,dc=a,host=h2',
      'cpu,dc=b,host=h3',
    ])
    assert.equal(byHost?.rank.get('cpu,dc=a,host=h10'), 2)
  })

  it('follows the order the series are opened in, and key order while they follow it', () => {
    const orders = seriesOrders(series(KEYS), true)
    const byHost = orders[2]
    const tracker = new OrderTracker()
    for (const k of byHost?.keys ?? []) tracker.observe(orders, k)
    assert.equal(tracker.best(orders), byHost)
    assert.ok(tracker.wantsTagOrders(KEYS.length))
    const inKeyOrder = new OrderTracker()
    for (const k of [...KEYS].sort()) inKeyOrder.observe(orders, k)
    assert.equal(inKeyOrder.best(orders), orders[0])
    assert.ok(!inKeyOrder.wantsTagOrders(KEYS.length))
  })

  it('scores orders built later over the series opened before', () => {
    const keyOnly = seriesOrders(series(KEYS), false)
    const all = seriesOrders(series(KEYS), true)
    const tracker = new OrderTracker()
    for (const k of all[2]?.keys.slice(0, 4) ?? []) tracker.observe(keyOnly, k)
    assert.ok(tracker.wantsTagOrders(KEYS.length))
    tracker.observe(all, 'cpu,dc=b,host=h3')
    assert.equal(tracker.best(all), all[2])
  })

  it('does not ask for tag orders when a field is read again from the start (a second pass)', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `m,t=${String(i).padStart(2, '0')}`)
    const orders = seriesOrders(series(keys), false)
    const tracker = new OrderTracker()
    for (let pass = 0; pass < 3; pass++) for (const k of keys) tracker.observe(orders, k)
    assert.ok(!tracker.wantsTagOrders(keys.length))
  })
})

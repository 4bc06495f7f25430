import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { mapInOrder } from './map-in-order.js'

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('mapInOrder', () => {
  it('keeps the input order whatever order the calls finish in, with at most `limit` in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (delays, limit) => {
          let inFlight = 0
          let most = 0
          const got = await mapInOrder(delays, limit, async (d, i) => {
            inFlight++
            most = Math.max(most, inFlight)
            await tick(d)
            inFlight--
            return i * 10
          })
          assert.deepEqual(
            got,
            delays.map((_d, i) => i * 10),
          )
          assert.ok(most <= limit, `${most} calls in flight, limit ${limit}`)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = []
    await assert.rejects(
      mapInOrder([0, 1, 2, 3, 4, 5], 2, async (x) => {
        started.push(x)
        await tick(1)
        if (x === 1) throw new Error('boom')
        return x
      }),
      /boom/,
    )
    assert.ok(!started.includes(5), `started ${started.join(',')}`)
  })
})

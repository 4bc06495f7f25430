import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { forEachWhileRoom, mapInOrder, roomForSmall } from './map-in-order.js'

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

describe('forEachWhileRoom', () => {
  it('starts every item once, in order, never more at once than room allows (one always runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 3 }), small: fc.boolean() }), {
          maxLength: 16,
        }),
        async (items) => {
          // Two at a time, or up to five while every item running and the next are small.
          const room = (next: number, running: ReadonlySet<number>): boolean =>
            running.size < 2 ||
            (running.size < 5 &&
              items[next]?.small === true &&
              [...running].every((i) => items[i]?.small === true))
          const started: number[] = []
          const running = new Set<number>()
          let violations = 0
          await forEachWhileRoom(items, room, async (item, i) => {
            const before = new Set(running)
            if (before.size > 0 && !room(i, before)) violations++
            started.push(i)
            running.add(i)
            await tick(item.delay)
            running.delete(i)
          })
          assert.deepEqual(
            started,
            items.map((_x, i) => i),
          )
          assert.equal(violations, 0)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('with roomForSmall, reaches the wider limit for small items and keeps the narrow one while a large one runs', async () => {
    let most = 0
    let now = 0
    const run = async (small: readonly boolean[]): Promise<number> => {
      most = 0
      await forEachWhileRoom(
        small,
        roomForSmall((i) => small[i] === true, 2, 6),
        async () => {
          most = Math.max(most, ++now)
          await tick(2)
          now--
        },
      )
      return most
    }
    assert.equal(await run(Array.from({ length: 12 }, () => true)), 6)
    assert.equal(await run(Array.from({ length: 12 }, () => false)), 2)
    // Every other item large: never more than two at once.
    assert.equal(await run(Array.from({ length: 12 }, (_x, i) => i % 2 === 0)), 2)
  })

  it('rejects with the first failure, starts nothing after it and waits for the calls running', async () => {
    const started: number[] = []
    const finished: number[] = []
    await assert.rejects(
      forEachWhileRoom(
        [0, 1, 2, 3, 4, 5],
        (_next, running) => running.size < 3,
        async (x) => {
          started.push(x)
          await tick(x === 1 ? 1 : 5)
          if (x === 1) throw new Error('boom 1')
          finished.push(x)
        },
      ),
      /boom 1/,
    )
    assert.deepEqual(started, [0, 1, 2])
    assert.deepEqual(finished.sort(), [0, 2])
  })

  it("rejects with the earliest item's failure, though a later item failed first", async () => {
    await assert.rejects(
      forEachWhileRoom(
        [0, 1, 2],
        (_next, running) => running.size < 3,
        async (x) => {
          await tick(x === 2 ? 1 : 10)
          if (x >= 1) throw new Error(`boom ${x}`)
        },
      ),
      /boom 1/,
    )
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { InputPoint } from './functions/index.js'
import { mergeByTime } from './select-merge.js'

describe('mergeByTime', () => {
  it('gives what a stable sort of the concatenated lists gives, ties in list order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 20 }), { maxLength: 8 }),
        (raw) => {
          // Times around the int64 extremes and the 32-bit boundary, as well as small ones.
          const at = (k: number): bigint =>
            [
              -(2n ** 63n),
              -(2n ** 32n),
              -5n,
              0n,
              7n,
              2n ** 32n - 1n,
              2n ** 32n,
              1_600_000_000_000_000_000n,
              2n ** 63n - 1n,
            ][k % 9] ?? 0n
          const lists: InputPoint[][] = raw.map((times, l) =>
            [...times]
              .sort((a, b) => a - b)
              .map((t, i) => ({ time: at(t), value: l * 1000 + i, aux: [], tags: {} })),
          )
          const expected = lists
            .flat()
            .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
          assert.deepEqual(mergeByTime(lists), expected)
        },
      ),
      { numRuns: 300 },
    )
  })
})

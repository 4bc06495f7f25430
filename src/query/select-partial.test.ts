import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { combine, goMerge, type Partial } from './select-partial.js'
import { defaultLibrary } from './select-plan.js'
import type { ReducerContext } from './functions/index.js'

const p = (window: bigint, value: number, count = 1, tag = ''): Partial => ({
  window,
  point: { time: window, value, aux: [tag] },
  count,
})
const ctx = (w: bigint): ReducerContext => ({
  windowStart: w,
  windowEnd: w + 10n,
  intervalNs: 10n,
  selectorTime: true,
  args: [],
})

describe('goMerge', () => {
  it('pops inputs of equal windows in Go container/heap order (first, then last, …)', () => {
    const out = goMerge(
      [[p(0n, 1, 1, 'a')], [p(0n, 2, 1, 'b')], [p(0n, 3, 1, 'c')], [p(0n, 4, 1, 'd')]],
      true,
    )
    assert.deepEqual(
      out.map((x) => x.point.aux[0]),
      ['a', 'd', 'c', 'b'],
    )
  })

  it('emits windows in order and every input point exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 6 }), {
          maxLength: 6,
        }),
        fc.boolean(),
        (lists, asc) => {
          const inputs = lists.map((l, i) =>
            [...l].sort((a, b) => (asc ? a - b : b - a)).map((w) => p(BigInt(w), w, 1, String(i))),
          )
          const out = goMerge(inputs, asc)
          assert.equal(
            out.length,
            inputs.reduce((n, l) => n + l.length, 0),
          )
          for (let k = 1; k < out.length; k++) {
            const a = out[k - 1]?.window ?? 0n
            const b = out[k]?.window ?? 0n
            assert.ok(asc ? a <= b : a >= b)
          }
        },
      ),
    )
  })
})

describe('combine', () => {
  it('weighs partial means by their point counts and sums partial counts', () => {
    const means = combine(defaultLibrary, 'mean', 'float', [p(0n, 2, 3), p(0n, 10, 1)], ctx)
    assert.equal(means[0]?.point.value, (2 * 3 + 10) / 4)
    const counts = combine(
      defaultLibrary,
      'count',
      'float',
      [
        { window: 0n, point: { time: 0n, value: 3n, aux: [] }, count: 3 },
        { window: 0n, point: { time: 0n, value: 4n, aux: [] }, count: 4 },
      ],
      ctx,
    )
    assert.equal(counts[0]?.point.value, 7n)
  })

  it('keeps a selector partial with its time and aux', () => {
    const out = combine(
      defaultLibrary,
      'max',
      'float',
      [
        { window: 0n, point: { time: 3n, value: 5, aux: ['x'] }, count: 2 },
        { window: 0n, point: { time: 4n, value: 9, aux: ['y'] }, count: 1 },
      ],
      ctx,
    )
    assert.deepEqual(out[0]?.point, { time: 4n, value: 9, aux: ['y'] })
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { InputPoint } from './functions/index.js'
import { goFeed, goSortedMerge } from './select-go-merge.js'
import { mergeByTime } from './select-merge.js'
import { firstLastPartial, type Partial } from './select-partial.js'
import { defaultLibrary } from './select-plan.js'
import type { QueryCell } from './result.js'

const pt = (time: bigint, value: number, aux: QueryCell[] = []): InputPoint => ({
  time,
  value,
  aux,
  tags: {},
})

describe("InfluxDB's sorted merge of a tag set's series (issue #4)", () => {
  it('pops equal times in the order the Go heap leaves them, not in series order', () => {
    // heap.Init over three equal heads keeps them in place; the first Pop takes input 0 and
    // moves input 2 to the root, so the second point is input 2's, then input 1's.
    const a = [pt(1n, 10), pt(2n, 11)]
    const b = [pt(1n, 20)]
    const c = [pt(1n, 30)]
    assert.deepEqual(
      goSortedMerge([a, b, c], true, []).map((p) => p.value),
      [10, 30, 20, 11],
    )
  })

  it('orders equal times by string aux values, and stops at the first one that is not a string', () => {
    const a = [pt(1n, 10, ['x', 1n])]
    const b = [pt(1n, 20, ['a', 2n])]
    const c = [pt(1n, 30, ['m', 3n])]
    assert.deepEqual(
      goSortedMerge([a, b, c], true, [0, 1]).map((p) => p.value),
      [20, 30, 10],
    )
    assert.deepEqual(
      goSortedMerge([a, b, c], false, [0, 1]).map((p) => p.value),
      [10, 30, 20],
    )
    // Ordered by the integer aux first: no order, so heap order again.
    assert.deepEqual(
      goSortedMerge([a, b, c], true, [1, 0]).map((p) => p.value),
      [10, 30, 20],
    )
  })

  it('equals a stable merge by time when no two series share a time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 20 }), {
          maxLength: 6,
        }),
        (raw) => {
          const seen = new Set<number>()
          const lists = raw.map((ts, k) =>
            ts
              .filter((t) => !seen.has(t) && (seen.add(t), true))
              .sort((x, y) => x - y)
              .map((t) => pt(BigInt(t), k)),
          )
          assert.deepEqual(goSortedMerge(lists, true, []), mergeByTime(lists))
        },
      ),
    )
  })

  it('always emits every point once, in time order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 15 }), {
          maxLength: 7,
        }),
        fc.boolean(),
        (raw, asc) => {
          const lists = raw.map((ts, k) =>
            [...ts].sort((x, y) => (asc ? x - y : y - x)).map((t) => pt(BigInt(t), k)),
          )
          const out = goSortedMerge(lists, asc, [])
          assert.equal(out.length, lists.flat().length)
          for (let i = 1; i < out.length; i++) {
            const prev = (out[i - 1] as InputPoint).time
            const cur = (out[i] as InputPoint).time
            assert.ok(asc ? prev <= cur : prev >= cur)
          }
        },
      ),
    )
  })

  it('reads the series of a shard backwards and in reverse key order for DESC', () => {
    const shard = [[pt(1n, 1), pt(3n, 3)], [pt(2n, 2)]]
    assert.deepEqual(
      goFeed([shard], false, []).map((p) => p.value),
      [3, 2, 1],
    )
  })
})

describe('first() and last() of a shard without GROUP BY time (issue #4)', () => {
  const head = (value: number, h: string | null): Partial => ({
    window: 0n,
    point: { time: 100n, value, aux: h === null ? [] : [h] },
    count: 1,
  })
  const pick = (name: 'first' | 'last', heads: Partial[]): QueryCell =>
    firstLastPartial(defaultLibrary, name, 'float', heads, [0], (w) => ({
      windowStart: w,
      windowEnd: w + 1n,
      intervalNs: 0n,
      selectorTime: true,
      args: [],
    }))[0]?.point.value ?? null

  // Answers of influxd 1.6.7 for series h=a,b,… with one point each at the same time.
  it('reduces the first two points of the sorted merge, as influxd answers', () => {
    const tags = (vs: number[]): Partial[] => vs.map((v, k) => head(v, 'abcde'[k] ?? ''))
    const plain = (vs: number[]): Partial[] => vs.map((v) => head(v, null))
    assert.equal(pick('first', tags([0, 1, 2])), 1)
    assert.equal(pick('first', plain([0, 1, 2])), 2)
    assert.equal(pick('last', tags([0, 1, 2])), 2)
    assert.equal(pick('first', tags([5, 1, 2])), 5)
    assert.equal(pick('first', tags([3, 0, 2, 7, 7])), 3)
    assert.equal(pick('last', tags([3, 0, 2, 7, 7])), 7)
  })
})

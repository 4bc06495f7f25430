// Unit and property tests of the function library's edge cases, without influxd.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { aggregateFunction, sampleFunction, transformFunction } from './index.js'
import type {
  AggregateFunction,
  InputPoint,
  OutputPoint,
  Scalar,
  WindowedReducerContext,
} from './index.js'
import { callOf } from './oracle-test-support.js'

function reduce(
  fn: AggregateFunction | undefined,
  callText: string,
  pts: readonly InputPoint[],
  selectorTime = false,
): OutputPoint[] {
  assert.ok(fn)
  const r = fn.newReducer(typeof pts[0]?.value === 'bigint' ? 'integer' : 'float', {
    windowStart: 0n,
    windowEnd: 1_000_000n,
    intervalNs: 0n,
    selectorTime,
    args: callOf(callText).args.slice(1),
  })
  for (const p of pts) r.push(p)
  return r.emit()
}

const pt = (time: bigint, value: Scalar, host = 'a'): InputPoint => ({
  time,
  value,
  aux: [host],
  tags: { host },
})
const floats = fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), {
  minLength: 1,
  maxLength: 40,
})
const asPoints = (vs: readonly number[]): InputPoint[] =>
  vs.map((v, i) => pt(BigInt(i), v, i % 3 === 0 ? 'a' : 'b'))

describe('function library (unit)', () => {
  it('percentile always returns one of the values, between min and max', () => {
    fc.assert(
      fc.property(floats, fc.integer({ min: 1, max: 100 }), (vs, p) => {
        const out = reduce(aggregateFunction('percentile'), `percentile(f, ${p})`, asPoints(vs))
        for (const o of out) {
          assert.ok(vs.includes(o.value as number))
          assert.ok(
            (o.value as number) >= Math.min(...vs) && (o.value as number) <= Math.max(...vs),
          )
        }
      }),
    )
  })
  it('cumulative_sum ends at the sum of the integer values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -1000n, max: 1000n }), { minLength: 1, maxLength: 30 }),
        (vs) => {
          const tf = transformFunction('cumulative_sum')
          assert.ok(tf)
          const t = tf.newTransform('integer', { intervalNs: 0n, args: [], ascending: true })
          const out = vs.flatMap((v, i) => t.push({ time: BigInt(i), value: v, aux: [] }))
          assert.equal(
            out[out.length - 1]?.value,
            vs.reduce((a, b) => a + b, 0n),
          )
        },
      ),
    )
  })
  it('top with a tag picks at most one point per tag value, sorted by time', () => {
    fc.assert(
      fc.property(floats, fc.integer({ min: 1, max: 5 }), (vs, n) => {
        const out = reduce(aggregateFunction('top'), `top(f, host, ${n})`, asPoints(vs))
        const hosts = out.map((o) => o.tagValues?.[0])
        assert.equal(new Set(hosts).size, hosts.length)
        assert.ok(out.length <= Math.min(n, 2))
        for (let i = 1; i < out.length; i++)
          assert.ok((out[i - 1]?.time ?? 0n) <= (out[i]?.time ?? 0n))
      }),
    )
  })
  it('top without tags keeps the N largest values, earlier points winning ties', () => {
    const out = reduce(aggregateFunction('top'), 'top(f, 2)', [
      pt(1n, 5),
      pt(2n, 7),
      pt(3n, 5),
      pt(4n, 1),
    ])
    assert.deepEqual(
      out.map((o) => [o.time, o.value]),
      [
        [1n, 5],
        [2n, 7],
      ],
    )
  })
  it('sample returns min(N, count) of the points in time order', () => {
    let seed = 42
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    fc.assert(
      fc.property(floats, fc.integer({ min: 1, max: 10 }), (vs, n) => {
        const out = reduce(sampleFunction(rnd), `sample(f, ${n})`, asPoints(vs))
        assert.equal(out.length, Math.min(n, vs.length))
        for (let i = 1; i < out.length; i++)
          assert.ok((out[i - 1]?.time ?? 0n) <= (out[i]?.time ?? 0n))
      }),
    )
  })
  it('selectors report the selected point time and aux only for a lone selector', () => {
    const pts = [pt(10n, 3, 'a'), pt(20n, 9, 'b')]
    assert.deepEqual(reduce(aggregateFunction('max'), 'max(f)', pts, true), [
      { time: 20n, value: 9, aux: ['b'] },
    ])
    assert.equal(reduce(aggregateFunction('max'), 'max(f)', pts, false)[0]?.time, 0n)
  })
  it('first and last break ties at equal times by the larger value', () => {
    const pts = [pt(5n, 1), pt(5n, 3), pt(9n, 2), pt(9n, 8)]
    assert.equal(reduce(aggregateFunction('first'), 'first(f)', pts)[0]?.value, 3)
    assert.equal(reduce(aggregateFunction('last'), 'last(f)', pts)[0]?.value, 8)
  })
  it('integer sums wrap around like int64 and integer mean is float', () => {
    const pts = [pt(1n, 9223372036854775807n), pt(2n, 1n)]
    assert.equal(reduce(aggregateFunction('sum'), 'sum(i)', pts)[0]?.value, -9223372036854775808n)
    assert.equal(
      reduce(aggregateFunction('mean'), 'mean(i)', [pt(1n, 1n), pt(2n, 2n)])[0]?.value,
      1.5,
    )
  })
  it('stddev of one point is NaN (shown as null by the HTTP layer)', () => {
    assert.ok(Number.isNaN(reduce(aggregateFunction('stddev'), 'stddev(f)', [pt(1n, 4)])[0]?.value))
  })
  it('derivative defaults its unit to the GROUP BY interval', () => {
    const tf = transformFunction('derivative')
    assert.ok(tf)
    const t = tf.newTransform('float', { intervalNs: 10_000_000_000n, args: [], ascending: true })
    t.push({ time: 0n, value: 1, aux: [] })
    assert.deepEqual(
      t.push({ time: 10_000_000_000n, value: 4, aux: [] }).map((p) => p.value),
      [3],
    )
  })
  it('rejects bad argument lists with InfluxDB texts', () => {
    assert.throws(() => aggregateFunction('count')?.validate([]), {
      message: 'invalid number of arguments for count, expected 1, got 0',
    })
    assert.throws(() => aggregateFunction('top')?.validate(callOf('top(f, 0)').args), {
      message: 'limit (0) in top function must be at least 1',
    })
    assert.throws(
      () => aggregateFunction('percentile')?.validate(callOf("percentile(f, 'x')").args),
      { message: 'expected float argument in percentile()' },
    )
    assert.throws(() => aggregateFunction('sample')?.validate(callOf('sample(f, 0)').args), {
      message: 'sample window must be greater than 1, got 0',
    })
  })
})

describe('integral() with ORDER BY time DESC (issue #4)', () => {
  it('swaps the window bounds as influxd does: negative areas stamped with the window end', () => {
    const fn = aggregateFunction('integral')
    assert.ok(fn !== undefined)
    const s = 1_000_000_000n
    const ctx: WindowedReducerContext = {
      windowStart: 0n,
      windowEnd: 60n * s,
      intervalNs: 5n * s,
      selectorTime: false,
      args: [],
      descending: true,
    }
    const r = fn.newReducer('float', ctx)
    const pts: [number, number][] = [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 4.5],
      [5, 4.7],
      [10, 5],
      [20, 6],
      [21, 7],
      [22, 8],
      [23, 9],
      [24, 10],
      [25, 10.5],
      [30, 11],
      [31, 12],
    ]
    for (const [t, v] of pts.reverse()) r.push({ time: BigInt(t) * s, value: v, aux: [], tags: {} })
    // influxd 1.6.7: SELECT integral(v) … GROUP BY time(5s) ORDER BY time DESC on these points.
    assert.deepEqual(
      r.emit().map((p) => [Number(p.time / s), p.value]),
      [
        [35, -11.5],
        [35, 0],
        [30, -53.75],
        [25, -42.25],
        [25, 0],
        [15, -55],
        [10, -24.25],
        [5, -16.35],
        [5, 0],
      ],
    )
  })
})

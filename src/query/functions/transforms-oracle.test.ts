// Oracle tests: the transformations over raw fields and over GROUP BY time aggregates against a
// real influxd 1.6.7, plus influxd's argument errors compared with validate().

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { influxdAvailable, requireInfluxd } from '../../../test/helpers/influxd.js'
import { aggregateFunction, transformFunction } from './index.js'
import {
  FIELD_TYPES,
  S,
  callOf,
  pointsOf,
  rowOf,
  startOracle,
  windowPoints,
} from './oracle-test-support.js'
import type { Oracle } from './oracle-test-support.js'
import type { OutputPoint } from './types.js'

const RAW: readonly string[] = [
  'derivative(f)',
  'derivative(i)',
  'derivative(f, 10s)',
  'derivative(i, 1m)',
  'non_negative_derivative(f)',
  'non_negative_derivative(i, 1ms)',
  'difference(f)',
  'difference(i)',
  'non_negative_difference(f)',
  'non_negative_difference(i)',
  'elapsed(f)',
  'elapsed(i, 1s)',
  'elapsed(s, 1ms)',
  'elapsed(b, 2s)',
  'moving_average(f, 2)',
  'moving_average(i, 3)',
  'moving_average(f, 5)',
  'cumulative_sum(f)',
  'cumulative_sum(i)',
]

const NESTED: readonly string[] = [
  'derivative(mean(f))',
  'derivative(sum(i))',
  'derivative(mean(f), 1s)',
  'non_negative_derivative(max(f))',
  'difference(mean(f))',
  'difference(sum(i))',
  'non_negative_difference(min(i))',
  'elapsed(mean(f))',
  'elapsed(count(i), 1s)',
  'moving_average(mean(f), 2)',
  'moving_average(sum(i), 3)',
  'cumulative_sum(sum(i))',
  'cumulative_sum(mean(f))',
  'cumulative_sum(count(s))',
  'moving_average(count(f), 3)',
  'derivative(count(b))',
  'difference(count(f))',
]

const ERRORS: readonly [string, boolean][] = [
  ['derivative(f, 1s, 2s)', false],
  ['derivative()', false],
  ['derivative(f, 10)', false],
  ['derivative(f, 0s)', false],
  ['derivative(mean(f))', false],
  ['derivative(f)', true],
  ['non_negative_derivative(mean(f))', false],
  ['difference(f, 1s)', false],
  ['difference(mean(f))', false],
  ['non_negative_difference(f)', true],
  ['elapsed(f, 1)', false],
  ['elapsed(mean(f))', false],
  ['moving_average(f)', false],
  ['moving_average(f, 1)', false],
  ['moving_average(f, 1.5)', false],
  ['moving_average(f, 2)', true],
  ['moving_average(mean(f), 2)', false],
  ['cumulative_sum(f, 2)', false],
  ['cumulative_sum(mean(f))', false],
  ['cumulative_sum(f)', true],
  ['derivative(1)', false],
  ['difference(f, 2)', false],
]

describe('transformations vs influxd 1.6.7', () => {
  let oracle: Oracle | undefined
  before(async () => {
    if (influxdAvailable()) oracle = await startOracle()
  })
  after(async () => {
    await oracle?.stop()
  })

  function run(callText: string, inputs: readonly OutputPoint[], intervalS: number): string[][] {
    const call = callOf(callText)
    const tf = transformFunction(call.name)
    assert.ok(tf, call.name)
    const arg0 = call.args[0]
    const inner = arg0?.kind === 'Call' ? aggregateFunction(arg0.name) : undefined
    const field =
      arg0?.kind === 'VarRef'
        ? arg0.name
        : arg0?.kind === 'Call' && arg0.args[0]?.kind === 'VarRef'
          ? arg0.args[0].name
          : ''
    const fieldType = FIELD_TYPES[field] ?? 'float'
    const type = inner === undefined ? fieldType : inner.outputType(fieldType)
    const t = tf.newTransform(type, {
      intervalNs: BigInt(intervalS) * S,
      args: call.args,
      ascending: true,
    })
    const out: OutputPoint[] = []
    for (const p of inputs) out.push(...t.push(p))
    out.push(...t.flush())
    return out.map(rowOf)
  }

  async function check(
    t: TestContext,
    q: string,
    expected: (tags: Record<string, string>) => string[][],
  ): Promise<void> {
    if (!requireInfluxd(t) || oracle === undefined) return
    const res = await oracle.query(q)
    assert.equal(res.error, undefined, q)
    assert.deepEqual(
      res.series.map((s) => expected(s.tags)),
      res.series.map((s) => s.values),
      q,
    )
    assert.ok(res.series.length > 0, q)
  }

  for (const c of RAW) {
    it(`${c} over raw points per host matches influxd`, (t) =>
      check(t, `SELECT ${c} FROM m GROUP BY host`, (tags) => {
        const arg0 = callOf(c).args[0]
        const field = arg0?.kind === 'VarRef' ? arg0.name : ''
        return run(c, pointsOf(field, [tags['host'] ?? '']), 0)
      }))
  }

  for (const c of NESTED) {
    it(`${c} over GROUP BY time(10s) matches influxd`, (t) =>
      check(t, `SELECT ${c} FROM m WHERE time >= 0s AND time < 60s GROUP BY time(10s)`, () => {
        const arg0 = callOf(c).args[0]
        assert.ok(arg0?.kind === 'Call')
        const inner = aggregateFunction(arg0.name)
        assert.ok(inner)
        const innerText = c.slice(c.indexOf('(') + 1, c.indexOf(')') + 1)
        // InfluxDB reads one extra interval before the range (filled too) for all but cumulative_sum.
        const extra = callOf(c).name === 'cumulative_sum' ? 0 : 1
        return run(
          c,
          windowPoints(inner, innerText, {
            intervalS: 10,
            fromS: -10 * extra,
            toS: 60,
            fill: true,
          }),
          10,
        )
      }))
  }

  for (const [c, grouped] of ERRORS) {
    it(`${c}${grouped ? ' with GROUP BY time' : ''} fails with influxd's text`, async (t) => {
      if (!requireInfluxd(t) || oracle === undefined) return
      const q = `SELECT ${c} FROM m${grouped ? ' WHERE time >= 0s AND time < 60s GROUP BY time(10s)' : ''}`
      const res = await oracle.query(q)
      assert.ok(res.error !== undefined, q)
      const call = callOf(c)
      const tf = transformFunction(call.name)
      assert.ok(tf)
      assert.throws(
        () => tf.validate(call.args, grouped),
        { message: res.error.replace(/^error parsing query: /, '') },
        q,
      )
    })
  }
})

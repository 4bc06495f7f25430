// Oracle tests: every aggregate and selector of the library against a real influxd 1.6.7 over the
// same points — without GROUP BY, with GROUP BY time and with GROUP BY host — plus the type
// errors influxd gives for inputs a function cannot read.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { influxdAvailable, requireInfluxd } from '../../../test/helpers/influxd.js'
import { aggregateFunction } from './index.js'
import { FIELD_TYPES, callOf, pointsOf, reduceWindows, startOracle } from './oracle-test-support.js'
import type { Oracle } from './oracle-test-support.js'

const CASES: readonly string[] = [
  'count(f)',
  'count(i)',
  'count(s)',
  'count(b)',
  'sum(f)',
  'sum(i)',
  'mean(f)',
  'mean(i)',
  'spread(f)',
  'spread(i)',
  'min(f)',
  'min(i)',
  'min(b)',
  'max(f)',
  'max(i)',
  'max(b)',
  'first(f)',
  'first(i)',
  'first(s)',
  'first(b)',
  'last(f)',
  'last(i)',
  'last(s)',
  'last(b)',
  'distinct(f)',
  'distinct(i)',
  'distinct(s)',
  'distinct(b)',
  'median(f)',
  'median(i)',
  'mode(f)',
  'mode(i)',
  'mode(s)',
  'mode(b)',
  'stddev(f)',
  'stddev(i)',
  'percentile(f, 50)',
  'percentile(i, 50)',
  'percentile(f, 0)',
  'percentile(f, 100)',
  'percentile(f, 33.3)',
  'percentile(i, 90)',
  'percentile(f, 70)',
  'percentile(f, 75)',
  'percentile(f, 20)',
  'percentile(i, 60)',
  'percentile(i, 45)',
  'percentile(f, 62)',
  'integral(f)',
  'integral(i)',
  'integral(f, 10s)',
  'integral(i, 1m)',
  'sample(f, 100)',
  'sample(i, 100)',
  'sample(s, 100)',
  'sample(b, 100)',
  'top(f, 3)',
  'top(i, 2)',
  'bottom(f, 3)',
  'bottom(i, 4)',
  'top(f, 100)',
  'bottom(i, 100)',
  'top(f, host, 2)',
  'bottom(i, host, 2)',
  'top(f, host, 1)',
]

const TYPE_ERRORS: readonly string[] = [
  'sum(s)',
  'sum(b)',
  'mean(s)',
  'mean(b)',
  'spread(s)',
  'min(s)',
  'max(s)',
  'median(s)',
  'median(b)',
  'stddev(s)',
  'stddev(b)',
  'percentile(s, 50)',
  'integral(s)',
  'integral(b)',
  'top(s, 1)',
  'bottom(b, 1)',
]

describe('aggregates and selectors vs influxd 1.6.7', () => {
  let oracle: Oracle | undefined
  before(async () => {
    if (influxdAvailable()) oracle = await startOracle()
  })
  after(async () => {
    await oracle?.stop()
  })

  async function check(
    t: TestContext,
    callText: string,
    clause: string,
    hostsOf: (tags: Record<string, string>) => string[],
    opts: { intervalS?: number; fromS?: number; toS?: number; grouped?: boolean },
  ): Promise<void> {
    if (!requireInfluxd(t) || oracle === undefined) return
    const name = callOf(callText).name
    const fn = aggregateFunction(name)
    assert.ok(fn, name)
    const res = await oracle.query(`SELECT ${callText} FROM m ${clause}`)
    assert.equal(res.error, undefined, `${callText} ${clause}`)
    const lone = fn.kind === 'selector' && opts.intervalS === undefined
    const expected = (res.series.length === 0 ? [{ tags: {} }] : res.series).map((s) =>
      reduceWindows(fn, callText, { ...opts, hosts: hostsOf(s.tags), selectorTime: lone }),
    )
    const got = res.series.map((s) => s.values)
    const want = expected.filter((e) => e.length > 0)
    assert.deepEqual(want, got, `SELECT ${callText} FROM m ${clause}`)
  }

  for (const c of CASES) {
    it(`${c} without GROUP BY matches influxd`, (t) => check(t, c, '', () => ['a', 'b'], {}))
    it(`${c} with GROUP BY time(10s) matches influxd`, (t) =>
      check(
        t,
        c,
        'WHERE time >= 0s AND time < 60s GROUP BY time(10s) fill(none)',
        () => ['a', 'b'],
        { intervalS: 10, fromS: 0, toS: 60 },
      ))
    it(`${c} with GROUP BY host matches influxd`, (t) =>
      check(t, c, 'GROUP BY host', (tags) => [tags['host'] ?? ''], {}))
  }

  // a and b both have f=4, i=4 at 12s: which series' aux comes first follows Go's heap and sort.
  for (const c of [
    'top(f, 5)',
    'top(f, 15)',
    'bottom(i, 15)',
    'top(i, 6)',
    'percentile(f, 70)',
    'percentile(i, 75)',
  ]) {
    it(`${c} with an aux column picks and orders points equal in value and time as influxd`, async (t) => {
      if (!requireInfluxd(t) || oracle === undefined) return
      const res = await oracle.query(`SELECT ${c}, host FROM m`)
      const call = callOf(c)
      const fn = aggregateFunction(call.name)
      assert.ok(fn)
      const arg0 = call.args[0]
      const field = arg0?.kind === 'VarRef' ? arg0.name : ''
      const r = fn.newReducer(FIELD_TYPES[field] ?? 'float', {
        windowStart: 0n,
        windowEnd: 1n << 62n,
        intervalNs: 0n,
        selectorTime: true,
        args: call.args.slice(1),
      })
      for (const p of pointsOf(field)) r.push({ ...p, aux: [p.tags['host'] ?? ''] })
      const ours = r.emit().map((p) => [String(p.time), String(p.value), String(p.aux[0])])
      assert.deepEqual(ours, res.series[0]?.values)
    })
  }

  for (const c of TYPE_ERRORS) {
    it(`${c} fails with influxd's type error`, async (t) => {
      if (!requireInfluxd(t) || oracle === undefined) return
      const call = callOf(c)
      const fn = aggregateFunction(call.name)
      assert.ok(fn)
      const arg0 = call.args[0]
      const type = FIELD_TYPES[arg0?.kind === 'VarRef' ? arg0.name : ''] ?? 'float'
      const res = await oracle.query(`SELECT ${c} FROM m`)
      assert.throws(() => fn.outputType(type), { message: res.error })
    })
  }
})

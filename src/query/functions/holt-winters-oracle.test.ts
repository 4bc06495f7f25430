// Oracle tests: holt_winters() and holt_winters_with_fit() over GROUP BY time aggregates against a
// real influxd 1.6.7, comparing every forecast float bit for bit (and every output time), plus the
// argument errors influxd gives compared with validate().

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../../../test/helpers/influxd.js'
import type { InfluxdHandle, JSONValue } from '../../../test/helpers/influxd.js'
import { aggregateFunction, transformFunction } from './index.js'
import { callOf, norm } from './oracle-test-support.js'
import type { InputPoint, OutputPoint, ValueType } from './types.js'

const MIN = 60_000_000_000n
const SEASON = [3, -1, -4, 2.5, 0.75]

interface HWPoint {
  readonly time: bigint
  readonly v: number
  readonly i: bigint
}

/** 60 minutes of a trending, seasonal series with jitter inside each minute and a few gaps. */
const DATA: readonly HWPoint[] = Array.from({ length: 60 }, (_, k) => k)
  .filter((k) => k !== 17 && k !== 18 && k !== 41)
  .map((k) => {
    const v = 10 + (SEASON[k % 4] ?? 0) + k * 0.25 + ((k * 7) % 5) * 0.1
    return {
      time: BigInt(k) * MIN + BigInt((k * 13) % 50) * 1_000_000_000n,
      v,
      i: BigInt(Math.round(v * 3)),
    }
  })

const CASES: readonly [string, number][] = [
  ['holt_winters(mean(v), 5, 4)', 1],
  ['holt_winters(mean(v), 10, 0)', 1],
  ['holt_winters(mean(v), 3, 1)', 1],
  ['holt_winters_with_fit(mean(v), 3, 4)', 1],
  ['holt_winters_with_fit(first(v), 4, 2)', 1],
  ['holt_winters(sum(i), 6, 3)', 2],
  ['holt_winters(max(i), 2, 12)', 1],
  ['holt_winters_with_fit(count(v), 2, 2)', 5],
  ['holt_winters(last(v), 7, 5)', 3],
]

const ERRORS: readonly [string, boolean][] = [
  ['holt_winters(mean(v), 5)', true],
  ['holt_winters(mean(v), 1.5, 2)', true],
  ['holt_winters(mean(v), 0, 2)', true],
  ['holt_winters(mean(v), 2, 1.5)', true],
  ['holt_winters(mean(v), 2, -1)', true],
  ['holt_winters(v, 2, 2)', true],
  ['holt_winters(mean(v), 2, 2)', false],
  ['holt_winters_with_fit(v, 2, 2)', false],
  ['holt_winters_with_fit(mean(v), 2, 2, 3)', true],
]

function pick(v: JSONValue | undefined, k: string | number): JSONValue | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined
  if (Array.isArray(v)) return typeof k === 'number' ? v[k] : undefined
  return typeof k === 'string' ? v[k] : undefined
}

/** The aggregate of each non-empty window of `minutes` minutes over [0, 60m), as the engine feeds a transform. */
function windows(aggText: string, minutes: number): { points: OutputPoint[]; type: ValueType } {
  const call = callOf(aggText)
  const fn = aggregateFunction(call.name)
  assert.ok(fn)
  const arg0 = call.args[0]
  const field = arg0?.kind === 'VarRef' ? arg0.name : ''
  const input: ValueType = field === 'i' ? 'integer' : 'float'
  const width = BigInt(minutes) * MIN
  const points: OutputPoint[] = []
  for (let start = 0n; start < 60n * MIN; start += width) {
    const r = fn.newReducer(input, {
      windowStart: start,
      windowEnd: start + width,
      intervalNs: width,
      selectorTime: false,
      args: call.args.slice(1),
    })
    for (const p of DATA) {
      if (p.time < start || p.time >= start + width) continue
      const ip: InputPoint = { time: p.time, value: field === 'i' ? p.i : p.v, aux: [], tags: {} }
      r.push(ip)
    }
    points.push(...r.emit())
  }
  return { points, type: fn.outputType(input) }
}

function expected(text: string, minutes: number): string[][] {
  const call = callOf(text)
  const tf = transformFunction(call.name)
  assert.ok(tf)
  const inner = text.slice(text.indexOf('(') + 1, text.indexOf(')') + 1)
  const { points, type } = windows(inner, minutes)
  const t = tf.newTransform(type, {
    intervalNs: BigInt(minutes) * MIN,
    args: call.args,
    ascending: true,
  })
  const out: OutputPoint[] = []
  for (const p of points) out.push(...t.push(p))
  out.push(...t.flush())
  return out.map((p) => [String(p.time), norm(p.value)])
}

describe('holt_winters vs influxd 1.6.7', () => {
  let h: InfluxdHandle | undefined
  before(async () => {
    if (!influxdAvailable()) return
    h = await startInfluxd()
    await h.query('CREATE DATABASE hw')
    await h.write('hw', DATA.map((p) => `hw v=${p.v},i=${p.i}i,s="x",b=true ${p.time}`).join('\n'))
  })
  after(async () => {
    await h?.stop()
  })

  async function query(q: string): Promise<{ values: string[][]; error?: string }> {
    assert.ok(h)
    const r0 = pick(pick(await h.query(q, { db: 'hw', epoch: 'ns' }), 'results'), 0)
    const err = pick(r0, 'error')
    if (typeof err === 'string') return { values: [], error: err }
    const rows = pick(pick(r0, 'series'), 0)
    const values = pick(rows, 'values')
    return {
      values: Array.isArray(values)
        ? values.map((row) => (Array.isArray(row) ? row.map(norm) : []))
        : [],
    }
  }

  for (const [text, minutes] of CASES) {
    it(`${text} over GROUP BY time(${minutes}m) matches influxd bit for bit`, async (t: TestContext) => {
      if (!requireInfluxd(t) || h === undefined) return
      const q = `SELECT ${text} FROM hw WHERE time >= 0s AND time < 60m GROUP BY time(${minutes}m)`
      const res = await query(q)
      assert.equal(res.error, undefined, q)
      assert.ok(res.values.length > 0, q)
      assert.deepEqual(expected(text, minutes), res.values, q)
    })
  }

  for (const [text, type] of [
    ['holt_winters(first(s), 2, 2)', 'string'],
    ['holt_winters_with_fit(last(b), 2, 0)', 'boolean'],
  ] as const) {
    it(`${text} fails with influxd's type error`, async (t: TestContext) => {
      if (!requireInfluxd(t) || h === undefined) return
      const res = await query(
        `SELECT ${text} FROM hw WHERE time >= 0s AND time < 60m GROUP BY time(1m)`,
      )
      assert.ok(res.error !== undefined, text)
      const tf = transformFunction(callOf(text).name)
      assert.ok(tf)
      assert.throws(() => tf.outputType(type), { message: res.error })
    })
  }

  for (const [text, grouped] of ERRORS) {
    it(`${text}${grouped ? ' with GROUP BY time' : ''} fails with influxd's text`, async (t: TestContext) => {
      if (!requireInfluxd(t) || h === undefined) return
      const res = await query(
        `SELECT ${text} FROM hw${grouped ? ' WHERE time >= 0s AND time < 60m GROUP BY time(1m)' : ''}`,
      )
      assert.ok(res.error !== undefined, text)
      const call = callOf(text)
      const tf = transformFunction(call.name)
      assert.ok(tf)
      assert.throws(() => tf.validate(call.args, grouped), {
        message: res.error.replace(/^error parsing query: /, ''),
      })
    })
  }
})

// Unit tests of holt_winters' edge cases (no influxd needed) and of the Nelder-Mead minimizer.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseExpr } from '../../influxql/index.js'
import { transformFunction } from './index.js'
import { nelderMead } from './nelder-mead.js'
import type { OutputPoint, Scalar } from './types.js'

const MIN = 60_000_000_000n

function run(
  text: string,
  values: readonly (Scalar | null)[],
  times?: readonly bigint[],
): OutputPoint[] {
  const call = parseExpr(text)
  assert.ok(call.kind === 'Call')
  const tf = transformFunction(call.name)
  assert.ok(tf)
  const t = tf.newTransform(
    typeof values.find((v) => v !== null) === 'bigint' ? 'integer' : 'float',
    { intervalNs: MIN, args: call.args, ascending: true },
  )
  values.forEach((value, k) => t.push({ time: times?.[k] ?? BigInt(k) * MIN, value, aux: [] }))
  return t.flush()
}

describe('holt_winters (unit)', () => {
  it('forecasts N points one interval apart after the last point', () => {
    const out = run(
      'holt_winters(mean(v), 3, 0)',
      [1, 2, 3, 4, 5, 6],
      [0n, MIN, 2n * MIN, 3n * MIN, 4n * MIN, 5n * MIN + 7n],
    )
    assert.deepEqual(
      out.map((p) => p.time),
      [6n * MIN + 7n, 7n * MIN + 7n, 8n * MIN + 7n],
    )
    for (const p of out) assert.equal(typeof p.value, 'number')
  })
  it('with_fit also returns the fitted values from the first point', () => {
    const out = run('holt_winters_with_fit(mean(v), 2, 2)', [1, 3, 2, 4, 3, 5])
    assert.equal(out.length, 8)
    assert.equal(out[0]?.value, 1)
    assert.equal(out[7]?.time, 7n * MIN)
  })
  it('emits nothing for fewer than two points or fewer points than a season', () => {
    assert.deepEqual(run('holt_winters(mean(v), 3, 0)', [1]), [])
    assert.deepEqual(run('holt_winters(mean(v), 3, 5)', [1, 2, 3, 4]), [])
  })
  it('skips null windows and reads integer aggregates as floats', () => {
    const a = run('holt_winters(sum(i), 2, 0)', [1n, null, 3n, 4n, 6n])
    const b = run('holt_winters(sum(i), 2, 0)', [1, 3, 4, 6], [0n, 2n * MIN, 3n * MIN, 4n * MIN])
    assert.deepEqual(a, b)
  })
  it('rejects string and boolean aggregates with influxd text', () => {
    const tf = transformFunction('holt_winters')
    assert.ok(tf)
    assert.throws(() => tf.outputType('string'), {
      message: 'unsupported elapsed iterator type: *query.stringInterruptIterator',
    })
  })
})

describe('nelderMead', () => {
  it("minimizes Rosenbrock's function near (1, 1)", () => {
    const rosen = (x: Float64Array): number =>
      100 * ((x[1] ?? 0) - (x[0] ?? 0) ** 2) ** 2 + (1 - (x[0] ?? 0)) ** 2
    const r = nelderMead(rosen, Float64Array.from([-1.2, 1]), 1e-10, 1)
    assert.ok(r.value < 1e-6, String(r.value))
    assert.ok(Math.abs((r.params[0] ?? 0) - 1) < 1e-2)
  })
})

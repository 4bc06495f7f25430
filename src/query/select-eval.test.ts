import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { evalBinary, evalExpr, evalMath, MISSING } from './select-eval.js'
import { parseExpr } from '../influxql/index.js'

describe('evalBinary', () => {
  it('divides integers into floats, gives 0 for division by zero and wraps int64', () => {
    assert.equal(evalBinary('/', 7n, 2n), 3.5)
    assert.equal(evalBinary('/', 7n, 0n), 0)
    assert.equal(evalBinary('/', 1.5, 0), 0)
    assert.equal(evalBinary('+', 2n ** 63n - 1n, 1n), -(2n ** 63n))
    assert.equal(evalBinary('%', 7n, 0n), 0n)
  })

  it('adds integer and float as floats and keeps integers integral', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
        fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
        (a, b) => {
          assert.equal(evalBinary('+', a, b), a + b)
          assert.equal(evalBinary('+', a, Number(b)), Number(a) + Number(b))
        },
      ),
    )
  })

  it('treats nil beside a boolean as false, and no comparison matches a missing field', () => {
    assert.equal(evalBinary('=', null, false), true)
    assert.equal(evalBinary('=', MISSING, false), false)
    assert.equal(evalBinary('!=', MISSING, 1), false)
    assert.equal(evalBinary('+', MISSING, 1), null)
    assert.equal(evalBinary('+', 'a', 'b'), null)
    assert.equal(evalBinary('<', 'a', 'b'), false)
  })
})

describe('evalExpr', () => {
  it('evaluates a condition with regexes, tags and math per point', () => {
    const cond = parseExpr("host =~ /^a/ AND abs(v) > 2 OR note = 'x'")
    const row = (v: number | null, host: string, note: string | null): boolean =>
      evalExpr(cond, (n) =>
        n === 'v' ? (v ?? MISSING) : n === 'host' ? host : n === 'note' ? (note ?? MISSING) : null,
      ) === true
    assert.equal(row(-3, 'ab', null), true)
    assert.equal(row(1, 'ab', null), false)
    assert.equal(row(null, 'b', 'x'), true)
  })
})

describe('evalMath', () => {
  it('rounds half away from zero and keeps integers for abs, floor, ceil and round', () => {
    assert.equal(evalMath('round', [2.5]), 3)
    assert.equal(evalMath('round', [-2.5]), -3)
    assert.equal(evalMath('abs', [-3n]), -3n)
    assert.equal(evalMath('pow', [2n, 3]), 8)
    assert.equal(evalMath('sqrt', ['x']), null)
  })
})

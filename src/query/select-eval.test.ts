import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { evalBinary, evalExpr, evalMath, isUnsignedExpr, MISSING } from './select-eval.js'
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

describe('evalBinary on unsigned integers (issue #4)', () => {
  const U = 2n ** 64n
  it('wraps uint64 arithmetic and divides unsigned integers as integers', () => {
    assert.equal(evalBinary('-', 5n, 6n, true, false), U - 1n)
    assert.equal(evalBinary('+', U - 1n, 1n, true, false), 0n)
    assert.equal(evalBinary('*', U - 1n, 3n, true, false), U - 3n)
    assert.equal(evalBinary('/', U - 1n, 2n, true, false), 2n ** 63n - 1n)
    assert.equal(evalBinary('/', 7n, 0n, true, false), 0n)
    assert.equal(evalBinary('%', 7n, 0n, true, false), 0n)
    assert.equal(evalBinary('^', U - 1n, 5n, true, false), U - 6n)
  })

  it('compares values from 2^63 on as unsigned, and a negative integer below any of them', () => {
    assert.equal(evalBinary('>', 2n ** 63n, 10n, true, false), true)
    assert.equal(evalBinary('<', -1n, 0n, false, true), true)
    assert.equal(evalBinary('>=', 0n, -1n, true, false), true)
    assert.equal(evalBinary('<=', 0n, -1n, true, false), false)
    // Equality reinterprets the integer's bits, as Go's uint64(lhs) == rhs.
    assert.equal(evalBinary('=', U - 1n, -1n, true, false), true)
  })

  it('computes an unsigned and an integer operand in uint64, and with a float in float', () => {
    assert.equal(evalBinary('+', -1n, 1n, false, true), 0n)
    assert.equal(evalBinary('+', U - 1n, 0.5, true, false), 18446744073709551615.5)
    assert.equal(evalBinary('-', 1.5, U - 1n, false, true), 1.5 - 18446744073709551615)
  })

  it('divides integers as integers in WHERE conditions', () => {
    assert.equal(evalBinary('/', 5n, 2n, false, false, true), 2n)
    assert.equal(evalBinary('/', -5n, 2n, false, false, true), -2n)
    assert.equal(evalBinary('/', 5n, 0n, false, false, true), 0n)
    assert.equal(evalBinary('/', 5n, 2n), 2.5)
  })
})

describe('evalExpr with field types (issue #4)', () => {
  const U = 2n ** 64n
  const unsignedU = (n: string): 'unsigned' | 'integer' | undefined =>
    n === 'u' ? 'unsigned' : n === 'i' ? 'integer' : undefined
  const holds = (cond: string, u: bigint, i = 0n): boolean =>
    evalExpr(parseExpr(cond), (n) => (n === 'u' ? u : n === 'i' ? i : null), unsignedU) === true

  it('compares and computes an unsigned field as uint64', () => {
    assert.equal(holds('u > 10', U - 1n), true)
    assert.equal(holds('u < 0', U - 1n), false)
    assert.equal(holds('u > -1', 0n), true)
    assert.equal(holds('u + 1 = 0', U - 1n), true)
    assert.equal(holds('u / 2 = 2', 5n), true)
    assert.equal(holds('u >= 9223372036854775808', 2n ** 63n), true)
  })

  it('applies a cast of the field, the way the engine reads it', () => {
    assert.equal(holds('u::integer < 0', U - 1n), true)
    assert.equal(holds('i::unsigned > 100', 0n, -1n), true)
    assert.equal(holds('i::string = 5', 0n, 5n), false)
  })

  it('types expressions: unsigned fields, casts, uint64 literals and arithmetic on them', () => {
    const t = (e: string): boolean => isUnsignedExpr(parseExpr(e), unsignedU)
    assert.equal(t('u'), true)
    assert.equal(t('i'), false)
    assert.equal(t('i::unsigned'), true)
    assert.equal(t('u::integer'), false)
    assert.equal(t('i + 18446744073709551615'), true)
    assert.equal(t('abs(u) * 2'), true)
    assert.equal(t('u > 1'), false)
    assert.equal(t('sqrt(u)'), false)
  })
})

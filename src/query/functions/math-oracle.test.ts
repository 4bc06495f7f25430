// Oracle tests: math functions and binary arithmetic per row against a real influxd 1.6.7, plus
// the argument-count and argument-type errors it gives; and unit tests of edge cases.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseExpr } from '../../influxql/index.js'
import type { Expr } from '../../influxql/index.js'
import { influxdAvailable, requireInfluxd } from '../../../test/helpers/influxd.js'
import { evalBinary, mathFunction, roundHalfAway } from './index.js'
import type { Scalar, TypedValue, ValueType } from './index.js'
import { FIELD_TYPES, ROWS, S, norm, startOracle } from './oracle-test-support.js'
import type { Oracle } from './oracle-test-support.js'

/** Evaluates a SELECT expression for one row of the data set (test-only mini evaluator). */
function evalExpr(e: Expr, row: Readonly<Record<string, unknown>>): TypedValue {
  switch (e.kind) {
    case 'VarRef': {
      const v = row[e.name]
      return { type: FIELD_TYPES[e.name] ?? 'float', value: v === undefined ? null : (v as Scalar) }
    }
    case 'IntegerLiteral':
      return { type: 'integer', value: e.value }
    case 'NumberLiteral':
      return { type: 'float', value: e.value }
    case 'ParenExpr':
      return evalExpr(e.expr, row)
    case 'BinaryExpr': {
      const l = evalExpr(e.lhs, row)
      const r = evalExpr(e.rhs, row)
      const value = evalBinary(e.op, l, r)
      const type: ValueType =
        typeof value === 'number'
          ? 'float'
          : typeof value === 'boolean'
            ? 'boolean'
            : l.type === 'unsigned' || r.type === 'unsigned'
              ? 'unsigned'
              : 'integer'
      return { type, value }
    }
    case 'Call': {
      const fn = mathFunction(e.name)
      assert.ok(fn, e.name)
      const args = e.args.map((a) => evalExpr(a, row))
      const value = fn.call(args.map((a) => a.value))
      return { type: typeof value === 'number' ? 'float' : (args[0]?.type ?? 'float'), value }
    }
    default:
      throw new Error(`unsupported in test: ${e.kind}`)
  }
}

const EXPRS: readonly string[] = [
  'abs(f)',
  'abs(i)',
  'sin(f)',
  'cos(i)',
  'tan(f)',
  'asin(f / 10)',
  'acos(f / 10)',
  'atan(i)',
  'atan2(f, i)',
  'exp(f)',
  'log(f, 2)',
  'log(i, 10)',
  'ln(f)',
  'log2(i)',
  'log10(f)',
  'sqrt(f)',
  'sqrt(i)',
  'pow(f, 2)',
  'pow(i, 3)',
  'pow(f, 0.5)',
  'floor(f)',
  'floor(i)',
  'ceil(f)',
  'round(f)',
  'round(i)',
  'round(f * 2.5)',
  'round(-f)',
  'f + i',
  'f - 1',
  'i + 1',
  'i - 3',
  'i * i',
  'i / 2',
  'i / 0',
  'f / 0',
  'i % 3',
  'i % 0',
  'f % 1.5',
  'i & 3',
  'i | 8',
  'i ^ 5',
  'f * i / 4',
  '1 - i',
  'i / f',
  '(i + 1) * 2',
  'abs(i) - 1',
  'sin(f * 1000000000)',
  'cos(i * 7.3)',
  'tan(f / 3)',
  'asin(f / 9)',
  'acos(i / 11)',
  'atan(f * 3)',
  'atan2(i, f)',
  'exp(i * 0.7)',
  'exp(-f * 100)',
  'log2(f)',
  'log(f, 3)',
  'ln(i)',
  'log10(i)',
  'pow(f, 3)',
  'pow(f, i)',
  'pow(i, 1.7)',
  'pow(f, -2.5)',
]

const ERRORS: readonly string[] = [
  'pow(f)',
  'log(f)',
  'sqrt(f, 2)',
  'atan2(f, i, 2)',
  'abs()',
  'round(f, 2)',
]

describe('math functions and arithmetic vs influxd 1.6.7', () => {
  let oracle: Oracle | undefined
  before(async () => {
    if (influxdAvailable()) oracle = await startOracle()
  })
  after(async () => {
    await oracle?.stop()
  })

  for (const text of EXPRS) {
    it(`${text} matches influxd row by row`, async (t) => {
      if (!requireInfluxd(t) || oracle === undefined) return
      const res = await oracle.query(`SELECT ${text} FROM m WHERE host = 'a'`)
      assert.equal(res.error, undefined)
      const e = parseExpr(text)
      const expected = ROWS.filter((r) => r.host === 'a')
        .map((r) => evalExpr(e, r as unknown as Record<string, unknown>).value)
        .map((v, k) => [String(BigInt(ROWS.filter((r) => r.host === 'a')[k]?.t ?? 0) * S), v])
        .filter(([, v]) => v !== null)
        .map(([t, v]) => [t, norm(v as Scalar)])
      assert.deepEqual(expected, res.series[0]?.values ?? [])
    })
  }

  for (const text of ERRORS) {
    it(`${text} fails with influxd's text`, async (t) => {
      if (!requireInfluxd(t) || oracle === undefined) return
      const res = await oracle.query(`SELECT ${text} FROM m`)
      assert.ok(res.error !== undefined)
      const e = parseExpr(text)
      assert.ok(e.kind === 'Call')
      const fn = mathFunction(e.name)
      assert.ok(fn)
      assert.throws(() => fn.validate(e.args), { message: res.error })
    })
  }
})

describe('math functions and arithmetic (unit)', () => {
  it('rounds half away from zero like InfluxDB, unlike Math.round', () => {
    assert.equal(roundHalfAway(-2.5), -3)
    assert.equal(roundHalfAway(2.5), 3)
    assert.equal(roundHalfAway(-2.4), -2)
    assert.equal(roundHalfAway(0.49999999999999994), 0)
  })
  it('keeps integers unchanged in abs, floor, ceil and round', () => {
    for (const n of ['abs', 'floor', 'ceil', 'round'])
      assert.equal(mathFunction(n)?.call([-3n]), -3n)
  })
  it('gives null for string and boolean fields, as influxd does (no type error for a known field)', () => {
    assert.equal(mathFunction('abs')?.call(['x']), null)
    assert.equal(mathFunction('sin')?.call([true]), null)
    assert.equal(mathFunction('sin')?.outputType(['string']), 'string')
  })
  it('gives null for null and non-numeric arguments', () => {
    assert.equal(mathFunction('sqrt')?.call([null]), null)
    assert.equal(mathFunction('pow')?.call([2, 'x']), null)
  })
  it('divides integers as float and by zero as 0', () => {
    const i = (v: bigint): TypedValue => ({ type: 'integer', value: v })
    const u = (v: bigint): TypedValue => ({ type: 'unsigned', value: v })
    assert.equal(evalBinary('/', i(7n), i(2n)), 3.5)
    assert.equal(evalBinary('/', i(7n), i(0n)), 0)
    assert.equal(evalBinary('%', i(7n), i(0n)), 0n)
    assert.equal(evalBinary('/', u(7n), i(2n)), 3n)
    assert.equal(evalBinary('+', i(9223372036854775807n), i(1n)), -9223372036854775808n)
    assert.equal(evalBinary('<', i(-1n), u(0n)), true)
    assert.equal(evalBinary('-', u(0n), u(1n)), 18446744073709551615n)
  })
  it('treats null beside a boolean as false and otherwise gives null or false', () => {
    const b = (v: boolean | null): TypedValue => ({ type: 'boolean', value: v })
    assert.equal(evalBinary('OR', b(null), b(true)), true)
    assert.equal(evalBinary('+', { type: 'float', value: null }, { type: 'float', value: 1 }), null)
    assert.equal(
      evalBinary('=', { type: 'float', value: 1 }, { type: 'string', value: 'x' }),
      false,
    )
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { cursorCast, goFloatToInt64, goFloatToUint64, valueCast } from './select-cast.js'

const TWO_63 = 2n ** 63n

describe('Go float conversions', () => {
  // Expected values printed by Go 1.19 on amd64 (uint64(f) and int64(f) of a float64 variable).
  it('truncates to int64 and gives -2^63 for NaN and out-of-range floats', () => {
    assert.equal(goFloatToInt64(-3.5), -3n)
    assert.equal(goFloatToInt64(1.5), 1n)
    assert.equal(goFloatToInt64(9.3e18), -TWO_63)
    assert.equal(goFloatToInt64(-1e19), -TWO_63)
    assert.equal(goFloatToInt64(Number.NaN), -TWO_63)
  })

  it('wraps negative floats into uint64 and sets the top bit from 2^63 on', () => {
    assert.equal(goFloatToUint64(-3.5), 2n ** 64n - 3n)
    assert.equal(goFloatToUint64(-1e19), TWO_63)
    assert.equal(goFloatToUint64(9.3e18), 9_300_000_000_000_000_000n)
    assert.equal(goFloatToUint64(1.9e19), TWO_63)
    assert.equal(goFloatToUint64(Number.NaN), TWO_63)
    assert.equal(goFloatToUint64(Number.POSITIVE_INFINITY), TWO_63)
  })

  it('converts every float below 2^63 like the integer it truncates to', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 9e18, noNaN: true }), (f) => {
        assert.equal(goFloatToUint64(f), BigInt(Math.trunc(f)))
      }),
    )
  })
})

describe('casts of references', () => {
  it('converts numeric shard fields into each other and reads other pairs as absent', () => {
    assert.equal(cursorCast(-1n, 'integer', 'unsigned'), 2n ** 64n - 1n)
    assert.equal(cursorCast(2n ** 64n - 1n, 'unsigned', 'integer'), -1n)
    assert.equal(cursorCast(2n ** 63n, 'unsigned', 'float'), 9223372036854775808)
    assert.equal(cursorCast(-3.5, 'float', 'unsigned'), 2n ** 64n - 3n)
    assert.equal(cursorCast(2.5, 'float', 'string'), null)
    assert.equal(cursorCast('x', 'string', 'integer'), null)
    assert.equal(cursorCast('x', 'string', 'string'), 'x')
  })

  it('converts numeric subquery columns and keeps any other value unchanged', () => {
    assert.equal(valueCast(-1n, false, 'unsigned'), 2n ** 64n - 1n)
    assert.equal(valueCast(2.9, false, 'integer'), 2n)
    assert.equal(valueCast(2.5, false, 'string'), 2.5)
    assert.equal(valueCast('x', false, 'float'), 'x')
    assert.equal(valueCast(true, false, 'unsigned'), true)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { cursorCast, goFloatToInt64, goFloatToUint64, readAs, valueCast } from './select-cast.js'

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

  it('reads a shard value as the type the query gives its field: numbers convert, other types are absent', () => {
    // influxd 1.6 over shards holding f as float, integer, string and boolean types f as float.
    assert.equal(readAs(2n, 'float'), 2)
    assert.equal(readAs(1.5, 'float'), 1.5)
    assert.equal(readAs('s', 'float'), null)
    assert.equal(readAs(true, 'float'), null)
    assert.equal(readAs(-2.7, 'integer'), -2n)
    assert.equal(readAs(1e19, 'integer'), -(2n ** 63n))
    // A uint64 read as int64 wraps, an int64 read as uint64 too; a bigint says which it was.
    assert.equal(readAs(2n ** 63n + 5n, 'integer'), -(2n ** 63n) + 5n)
    assert.equal(readAs(-2n, 'unsigned'), 2n ** 64n - 2n)
    assert.equal(readAs(2n ** 63n + 5n, 'float'), 9223372036854775813)
    assert.equal(readAs(1.5, 'string'), null)
    assert.equal(readAs('s', 'string'), 's')
    assert.equal(readAs(2n, 'boolean'), null)
    assert.equal(readAs(false, 'boolean'), false)
    assert.equal(readAs(null, 'integer'), null)
  })

  it('reads a value as its own type unchanged', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true }).map((v) => [v, 'float'] as const),
          fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => [v, 'integer'] as const),
          fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => [v, 'unsigned'] as const),
          fc.string().map((v) => [v, 'string'] as const),
          fc.boolean().map((v) => [v, 'boolean'] as const),
        ),
        ([v, t]) => {
          assert.equal(readAs(v, t), v)
        },
      ),
    )
  })

  it('converts numeric subquery columns and keeps any other value unchanged', () => {
    assert.equal(valueCast(-1n, false, 'unsigned'), 2n ** 64n - 1n)
    assert.equal(valueCast(2.9, false, 'integer'), 2n)
    assert.equal(valueCast(2.5, false, 'string'), 2.5)
    assert.equal(valueCast('x', false, 'float'), 'x')
    assert.equal(valueCast(true, false, 'unsigned'), true)
  })
})

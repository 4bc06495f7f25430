import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { JSONSyntaxError, parseJSONBigInt } from './json-bigint.js'

describe('parseJSONBigInt', () => {
  it('agrees with JSON.parse on any JSON without unsafe integers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v)
        const expected: unknown = JSON.parse(text)
        const actual = parseJSONBigInt(text)
        if (JSON.stringify(expected).match(/\d{16,}/) === null) assert.deepEqual(actual, expected)
      }),
    )
  })

  it('keeps nanosecond timestamps and int64 extremes exact as bigint', () => {
    const v = parseJSONBigInt('[1577836800000000001,-9223372036854775808,9223372036854775807,42]')
    assert.deepEqual(v, [1577836800000000001n, -9223372036854775808n, 9223372036854775807n, 42])
  })

  it('keeps numbers with a fraction or exponent as floats, including -0', () => {
    const v = parseJSONBigInt('[1e308,5e-324,-0,1.5,12345678901234567890.5]')
    assert.deepEqual(v, [1e308, 5e-324, -0, 1.5, 12345678901234567890.5])
    assert.ok(Array.isArray(v) && Object.is(v[2], -0))
  })

  it('decodes string escapes and surrogate pairs like JSON.parse', () => {
    const text = String.raw`{"a\"b":"line\nnext \u00e9 \ud83d\ude00 \\ \/"}`
    assert.deepEqual(parseJSONBigInt(text), JSON.parse(text))
  })

  it('stores a key named __proto__ as data', () => {
    const v = parseJSONBigInt('{"__proto__":1}')
    assert.deepEqual(Object.keys(v as object), ['__proto__'])
  })

  it('reports JSONSyntaxError with the offset of the problem', () => {
    for (const [text, offset] of [
      ['[1,]', 3],
      ['{"a" 1}', 5],
      ['[1] x', 4],
      ['"abc', 0],
      ['', 0],
      ['[01]', 2],
    ] as const) {
      assert.throws(
        () => parseJSONBigInt(text),
        (e: unknown) => e instanceof JSONSyntaxError && e.offset === offset,
        text,
      )
    }
  })
})

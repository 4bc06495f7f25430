import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { goFormatFloatF, goJSONFloat, goJSONString, goQuote } from './go-text.js'

describe('goQuote (Go %q)', () => {
  it('escapes quotes, backslashes and control characters like strconv.Quote', () => {
    assert.equal(goQuote('nosuchdb'), '"nosuchdb"')
    // Recorded from influxd: db=%22q%22%5C%0A → database not found: "\"q\"\\\n"
    assert.equal(goQuote('"q"\\\n'), '"\\"q\\"\\\\\\n"')
    assert.equal(goQuote('\x00\x07\x7f'), '"\\x00\\a\\x7f"')
    assert.equal(goQuote('héllo ✓'), '"héllo ✓"')
    assert.equal(goQuote('\u00a0\u2028'), '"\\u00a0\\u2028"')
  })
})

describe('goJSONString (Go encoding/json)', () => {
  it('escapes < > & and U+2028/U+2029 as Go does', () => {
    assert.equal(goJSONString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"')
    assert.equal(goJSONString('\u2028\u2029'), '"\\u2028\\u2029"')
  })

  it('uses \\n \\r \\t and \\u00XX for other control characters (Go 1.19)', () => {
    assert.equal(goJSONString('a\nb\rc\td\x08e\x0c\x01'), '"a\\nb\\rc\\td\\u0008e\\u000c\\u0001"')
  })

  it('turns lone surrogates into \\ufffd and keeps valid pairs', () => {
    assert.equal(goJSONString('\ud800x'), '"\\ufffdx"')
    assert.equal(goJSONString('😀'), '"😀"')
  })

  it('parses back to the same string for any input without lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        assert.equal(JSON.parse(goJSONString(s)), s)
      }),
    )
  })
})

describe('goJSONFloat', () => {
  it('formats like Go: exponent only below 1e-6 or from 1e21, -0 kept', () => {
    assert.equal(goJSONFloat(48.84793333333333), '48.84793333333333')
    assert.equal(goJSONFloat(1e21), '1e+21')
    assert.equal(goJSONFloat(1e20), '100000000000000000000')
    assert.equal(goJSONFloat(-3.25e-7), '-3.25e-7')
    assert.equal(goJSONFloat(0.000001), '0.000001')
    assert.equal(goJSONFloat(-0), '-0')
    assert.equal(goJSONFloat(Number.NaN), undefined)
  })
})

describe('goFormatFloatF (strconv.FormatFloat f -1)', () => {
  it('never uses an exponent', () => {
    assert.equal(goFormatFloatF(1e21), '1000000000000000000000')
    assert.equal(goFormatFloatF(1e-7), '0.0000001')
    assert.equal(goFormatFloatF(-1.5e-7), '-0.00000015')
    assert.equal(goFormatFloatF(1.25e22), '12500000000000000000000')
    assert.equal(goFormatFloatF(99.652), '99.652')
  })

  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (f) => {
        const s = goFormatFloatF(f)
        assert.doesNotMatch(s, /e/)
        assert.equal(Number(s), f)
      }),
    )
  })
})

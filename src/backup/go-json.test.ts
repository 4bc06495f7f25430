import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { JSONNumber } from './index.js'
import { encodeGoJSON, goJSONString, JSONSyntaxError, parseJSON } from './index.js'

describe('Go-style JSON encoding', () => {
  it('escapes strings exactly as Go encoding/json does (HTML characters, U+2028, control characters)', () => {
    const cases: [string, string][] = [
      ['plain', '"plain"'],
      ['a"b\\c', '"a\\"b\\\\c"'],
      ['<tag> & co', '"\\u003ctag\\u003e \\u0026 co"'],
      ['\n\r\t\b\f\u0001\u001f', '"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f"'],
      ['line\u2028para\u2029', '"line\\u2028para\\u2029"'],
      ['Zürich 東京 🌡️', '"Zürich 東京 🌡️"'],
      // Go writes the six characters \ufffd for invalid UTF-8 (encodeState.string), not the character itself.
      ['lone \ud800 surrogate', '"lone \\ufffd surrogate"'],
      ['/slash\u007f', '"/slash\u007f"'],
    ]
    for (const [input, want] of cases)
      assert.equal(goJSONString(input), want, JSON.stringify(input))
  })

  it('indents like json.MarshalIndent with two spaces and no trailing newline', () => {
    const text = encodeGoJSON({
      fields: [
        ['a', 1],
        ['b', [true, null, 'x']],
        ['c', { fields: [] }],
        ['d', []],
        ['e', 2n ** 63n - 1n],
      ],
    })
    assert.equal(
      text,
      '{\n  "a": 1,\n  "b": [\n    true,\n    null,\n    "x"\n  ],\n  "c": {},\n  "d": [],\n  "e": 9223372036854775807\n}',
    )
  })

  it('round-trips every well-formed string through the parser', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), (s) => {
        assert.equal(parseJSON(goJSONString(s)), s)
      }),
      { numRuns: 300 },
    )
  })
})

describe('JSON parser', () => {
  it('keeps integers beyond 2^53 exact and objects in source order', () => {
    const v = parseJSON('{"b": 1770000000123456789, "a": [-0, 1.5e3]}')
    assert.ok(v instanceof Map)
    assert.deepEqual([...v.keys()], ['b', 'a'])
    assert.equal((v.get('b') as JSONNumber).raw, '1770000000123456789')
    assert.deepEqual(
      (v.get('a') as JSONNumber[]).map((n) => n.raw),
      ['-0', '1.5e3'],
    )
  })

  it('reports the line and column of a syntax error', () => {
    const cases: [string, number, number, RegExp][] = [
      ['{\n  "a": 1,\n  "b": }', 3, 8, /unexpected character/],
      ['{"a": "x', 1, 9, /unterminated string/],
      ['[1, 2', 1, 6, /unexpected end|expected/],
      ['{"a": 1} x', 1, 10, /after the JSON value/],
      ['{"a": "\\q"}', 1, 8, /invalid escape/],
      ['', 1, 1, /unexpected end/],
      ['{"a": 01}', 1, 8, /expected/],
    ]
    for (const [text, line, column, reason] of cases) {
      assert.throws(
        () => parseJSON(text),
        (err: unknown) =>
          err instanceof JSONSyntaxError &&
          err.problem.line === line &&
          err.problem.column === column &&
          reason.test(err.problem.reason),
        JSON.stringify(text),
      )
    }
  })

  it('never hangs or crashes on arbitrary input: a value or a JSONSyntaxError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parseJSON(s)
        } catch (err) {
          assert.ok(err instanceof JSONSyntaxError)
        }
      }),
      { numRuns: 500 },
    )
  })
})

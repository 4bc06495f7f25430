import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  JSONNumber,
  compareCodePoints,
  goMarshal,
  goQuote,
  parseJSON,
  parseJSONSequence,
  readJSONSequence,
} from './shell-json.js'
import type { JSONValue } from './shell-json.js'
import { ShellResponseError } from './shell-errors.js'

describe('shell JSON parser', () => {
  it('keeps numbers as the exact text the server sent', () => {
    const v = parseJSON('[1577836800000000000, 1e+21, -0.5, 9223372036854775807]')
    assert.ok(Array.isArray(v))
    assert.deepEqual(
      (v as JSONNumber[]).map((n) => n.text),
      ['1577836800000000000', '1e+21', '-0.5', '9223372036854775807'],
    )
  })

  it('keeps object keys in document order', () => {
    const v = parseJSON('{"b":1,"a":{"z":null,"y":[true,false]}}')
    assert.ok(v instanceof Map)
    assert.deepEqual([...v.keys()], ['b', 'a'])
  })

  it('decodes every string escape, including surrogate pairs', () => {
    assert.equal(
      parseJSON(String.raw`"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83c\udf89"`),
      'a"b\\c/d\b\f\n\r\té🎉',
    )
  })

  it('reads the documents of a chunked answer one after another', () => {
    const vs = parseJSONSequence('{"results":[]}\n{"results":[{}]}\n')
    assert.equal(vs.length, 2)
  })

  it('reports where the first undecodable document starts and keeps the ones before', () => {
    const text = '{"a":1}\n{"a":2}\ngarbage here'
    const r = readJSONSequence(text)
    assert.equal(r.values.length, 2)
    assert.equal(r.failedAt, text.indexOf('garbage'))
  })

  it('throws ERR_CLI_RESPONSE with the offset for malformed JSON', () => {
    for (const bad of ['{"a":}', '[1,', '"abc', '{"a" 1}', 'tru', '"\\x"']) {
      assert.throws(
        () => parseJSON(bad),
        (err: unknown) =>
          err instanceof ShellResponseError &&
          err.code === 'ERR_CLI_RESPONSE' &&
          typeof err.fields['offset'] === 'number',
        bad,
      )
    }
  })
})

describe('Go-style JSON encoder', () => {
  it('escapes like encoding/json: HTML characters, control bytes, U+2028', () => {
    // The exact text influx 1.6 printed for this value (observed).
    assert.equal(
      goQuote('<a&b>\\u2028 é \x01 \b \f'),
      String.raw`"\u003ca\u0026b\u003e\\u2028 é \u0001 \u0008 \u000c"`,
    )
    assert.equal(goQuote('q"\n\r\t\u2028\u2029'), String.raw`"q\"\n\r\t\u2028\u2029"`)
  })

  it('writes a lone surrogate as U+FFFD, as Go does for invalid UTF-8', () => {
    assert.equal(goQuote('a\ud800b'), String.raw`"a\ufffdb"`)
  })

  it('indents like json.MarshalIndent with four spaces', () => {
    const v = parseJSON(
      '{"results":[{"series":[{"columns":["a"],"values":[[1,null]]}]},{}],"x":[]}',
    )
    assert.equal(
      goMarshal(v, '    '),
      [
        '{',
        '    "results": [',
        '        {',
        '            "series": [',
        '                {',
        '                    "columns": [',
        '                        "a"',
        '                    ],',
        '                    "values": [',
        '                        [',
        '                            1,',
        '                            null',
        '                        ]',
        '                    ]',
        '                }',
        '            ]',
        '        },',
        '        {}',
        '    ],',
        '    "x": []',
        '}',
      ].join('\n'),
    )
  })

  it('round-trips any JSON value: parse(marshal(v)) equals v', () => {
    const value = fc.letrec<{ v: JSONValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc.constant(null),
        fc.boolean(),
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        fc.string({ unit: 'grapheme' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new JSONNumber(String(d))),
        fc.array(tie('v'), { maxLength: 3 }),
        fc
          .uniqueArray(fc.tuple(fc.string(), tie('v')), { maxLength: 3, selector: (e) => e[0] })
          .map((es) => new Map(es)),
      ),
    })).v
    fc.assert(
      fc.property(value, fc.boolean(), (v, pretty) => {
        const text = goMarshal(v, pretty ? '    ' : undefined)
        assert.deepEqual(parseJSON(text), normalise(v))
      }),
    )
  })

  it('compact output equals JSON.stringify for text without HTML characters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii' })), (xs) => {
        fc.pre(xs.every((s) => !/[<>&\x00-\x1f\x7f]/.test(s)))
        assert.equal(goMarshal(xs), JSON.stringify(xs))
      }),
    )
  })
})

/** What a value decodes to after encoding: lone surrogates become U+FFFD. */
function normalise(v: JSONValue): JSONValue {
  if (typeof v === 'string')
    return v.replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    )
  if (Array.isArray(v)) return (v as JSONValue[]).map(normalise)
  if (v instanceof Map)
    return new Map([...v].map(([k, x]) => [normalise(k) as string, normalise(x)]))
  return v
}

describe('code point order', () => {
  it('sorts like Go sorts UTF-8 strings: astral characters after the rest of the BMP', () => {
    const xs = ['\uffff', '😀', 'a', 'é', '']
    assert.deepEqual([...xs].sort(compareCodePoints), ['', 'a', 'é', '\uffff', '😀'])
  })

  it('agrees with a byte-wise comparison of the UTF-8 forms', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))
        assert.equal(Math.sign(compareCodePoints(a, b)), bytes)
      }),
    )
  })
})

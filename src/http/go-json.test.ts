import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeGoJSON, decodeQueryParams, plainJSON } from './go-json.js'

describe('decodeQueryParams', () => {
  it('converts top-level numbers with a dot to float64 and others to int64 (bigint)', () => {
    const r = decodeQueryParams(
      '{"h":"server01","n":42,"f":1.5,"big":9223372036854775807,"b":true,"z":null}',
    )
    assert.deepEqual(r, {
      kind: 'ok',
      params: { h: 'server01', n: 42n, f: 1.5, big: 9223372036854775807n, b: true, z: null },
    })
  })

  it('treats null as no parameters', () => {
    assert.deepEqual(decodeQueryParams('null'), { kind: 'ok', params: undefined })
  })

  it('ignores what follows the first value, as json.Decoder does', () => {
    assert.deepEqual(decodeQueryParams('{"a":1} junk'), { kind: 'ok', params: { a: 1n } })
  })

  it('keeps a key named __proto__ as an ordinary key', () => {
    const r = decodeQueryParams('{"__proto__":1}')
    assert.equal(r.kind, 'ok')
    if (r.kind === 'ok') assert.deepEqual(Object.entries(r.params ?? {}), [['__proto__', 1n]])
  })

  // Every text below was recorded from influxd 1.6.7 (the handler adds its prefix).
  const recorded: [string, string, string][] = [
    ['abc', 'syntax', "invalid character 'a' looking for beginning of value"],
    [' ', 'syntax', 'EOF'],
    ['[1]', 'syntax', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    [
      '"s"',
      'syntax',
      'json: cannot unmarshal string into Go value of type map[string]interface {}',
    ],
    ['5', 'syntax', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
    [
      '123abc',
      'syntax',
      'json: cannot unmarshal number into Go value of type map[string]interface {}',
    ],
    ['true', 'syntax', 'json: cannot unmarshal bool into Go value of type map[string]interface {}'],
    ['{"a":1e5}', 'number', 'strconv.ParseInt: parsing "1e5": invalid syntax'],
    ['{"a":1e-400}', 'number', 'strconv.ParseInt: parsing "1e-400": invalid syntax'],
    [
      '{"a":99999999999999999999}',
      'number',
      'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    ],
    ['{"a":1.5e400}', 'number', 'strconv.ParseFloat: parsing "1.5e400": value out of range'],
    ['{"a":', 'syntax', 'unexpected EOF'],
    ['  {"a":1', 'syntax', 'unexpected EOF'],
    ['{"a" 1}', 'syntax', "invalid character '1' after object key"],
    ['{"a":1,}', 'syntax', "invalid character '}' looking for beginning of object key string"],
    ['{a:1}', 'syntax', "invalid character 'a' looking for beginning of object key string"],
    ['{"a":tru}', 'syntax', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":nul}', 'syntax', "invalid character '}' in literal null (expecting 'l')"],
    ['{"a":"\\x"}', 'syntax', "invalid character 'x' in string escape code"],
    ['{"a":-}', 'syntax', "invalid character '}' in numeric literal"],
    ['{"a":01}', 'syntax', "invalid character '1' after object key:value pair"],
    ['{"a":[1,}', 'syntax', "invalid character '}' looking for beginning of value"],
    ['{"a":1.}', 'syntax', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', 'syntax', "invalid character '}' in exponent of numeric literal"],
    ['{"a":1e+}', 'syntax', "invalid character '}' in exponent of numeric literal"],
    ['{"a":"\\u12G4"}', 'syntax', "invalid character 'G' in \\u hexadecimal character escape"],
    ['{"a":"x\x01"}', 'syntax', "invalid character '\\x01' in string literal"],
  ]
  for (const [input, kind, message] of recorded) {
    it(`answers ${JSON.stringify(input)} with Go's text`, () => {
      assert.deepEqual(decodeQueryParams(input), { kind, message })
    })
  }

  it('decodes string escapes and surrogate pairs like Go', () => {
    const r = decodeQueryParams('{"s":"a\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\\ud800"}')
    assert.deepEqual(r, { kind: 'ok', params: { s: 'a"b\\c/\né😀\ufffd' } })
  })

  it('refuses nesting deeper than Go allows without overflowing the stack', () => {
    const deep = `{"a":${'['.repeat(20000)}`
    assert.deepEqual(decodeQueryParams(deep), { kind: 'syntax', message: 'exceeded max depth' })
  })
})

describe('decodeGoJSON', () => {
  it('agrees with JSON.parse on every JSON document', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const r = decodeGoJSON(Buffer.from(text), 'unmarshal')
        assert.equal(r.ok, true)
        if (r.ok) assert.deepEqual(plainJSON(r.value), JSON.parse(text))
      }),
    )
  })

  it('reports trailing data and truncation in json.Unmarshal words', () => {
    assert.deepEqual(decodeGoJSON(Buffer.from('{} x'), 'unmarshal'), {
      ok: false,
      message: "invalid character 'x' after top-level value",
    })
    assert.deepEqual(decodeGoJSON(Buffer.from('{"a"'), 'unmarshal'), {
      ok: false,
      message: 'unexpected end of JSON input',
    })
  })

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const r = decodeGoJSON(b, 'decoder')
        if (!r.ok) assert.ok(r.message.length > 0)
      }),
    )
  })
})

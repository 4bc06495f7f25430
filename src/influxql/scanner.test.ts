// The scanner, tested directly (a deliberate reach past index.ts): the cases of influxql's
// scanner_test.go, plus the reader rules that InfluxDB's error positions depend on.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Scanner } from './scanner.js'
import { T, tokenName } from './token.js'
import type { Token } from './token.js'

interface Case {
  readonly s: string
  readonly tok: Token
  readonly lit?: string
  readonly char?: number
}

const cases: readonly Case[] = [
  // Special tokens (EOF, ILLEGAL, WS)
  { s: '', tok: T.EOF },
  { s: '#', tok: T.ILLEGAL, lit: '#' },
  { s: ' ', tok: T.WS, lit: ' ' },
  { s: '\t', tok: T.WS, lit: '\t' },
  { s: '\n', tok: T.WS, lit: '\n' },
  { s: '\r', tok: T.WS, lit: '\n' },
  { s: '\r\n', tok: T.WS, lit: '\n' },
  { s: '\rX', tok: T.WS, lit: '\n' },
  { s: '\n\r', tok: T.WS, lit: '\n\n' },
  { s: ' \n\t \r\n\t', tok: T.WS, lit: ' \n\t \n\t' },
  { s: ' foo', tok: T.WS, lit: ' ' },
  // Numeric operators
  { s: '+', tok: T.ADD },
  { s: '-', tok: T.SUB },
  { s: '*', tok: T.MUL },
  { s: '/', tok: T.DIV },
  { s: '%', tok: T.MOD },
  { s: '&', tok: T.BITWISE_AND },
  { s: '|', tok: T.BITWISE_OR },
  { s: '^', tok: T.BITWISE_XOR },
  // Logical operators
  { s: 'AND', tok: T.AND },
  { s: 'and', tok: T.AND },
  { s: 'OR', tok: T.OR },
  { s: 'or', tok: T.OR },
  { s: '=', tok: T.EQ },
  { s: '<>', tok: T.NEQ },
  { s: '!=', tok: T.NEQ },
  { s: '! ', tok: T.ILLEGAL, lit: '!' },
  { s: '<', tok: T.LT },
  { s: '<=', tok: T.LTE },
  { s: '>', tok: T.GT },
  { s: '>=', tok: T.GTE },
  // Misc tokens
  { s: '(', tok: T.LPAREN },
  { s: ')', tok: T.RPAREN },
  { s: ',', tok: T.COMMA },
  { s: ';', tok: T.SEMICOLON },
  { s: '.', tok: T.DOT },
  { s: '=~', tok: T.EQREGEX },
  { s: '!~', tok: T.NEQREGEX },
  { s: ':', tok: T.COLON },
  { s: '::', tok: T.DOUBLECOLON },
  { s: '-- comment\nx', tok: T.COMMENT },
  { s: '/* comment */x', tok: T.COMMENT },
  { s: '/* unterminated', tok: T.ILLEGAL },
  // Identifiers
  { s: 'foo', tok: T.IDENT, lit: 'foo' },
  { s: '_foo', tok: T.IDENT, lit: '_foo' },
  { s: 'Zx12_3U_-', tok: T.IDENT, lit: 'Zx12_3U_' },
  { s: '"foo"', tok: T.IDENT, lit: 'foo' },
  { s: '"foo\\\\bar"', tok: T.IDENT, lit: 'foo\\bar' },
  { s: '"foo\\bar"', tok: T.BADESCAPE, lit: '\\b', char: 5 },
  { s: '"foo\\"bar\\""', tok: T.IDENT, lit: 'foo"bar"' },
  { s: 'test"', tok: T.BADSTRING, lit: '', char: 3 },
  { s: '"test', tok: T.BADSTRING, lit: 'test' },
  { s: '$host', tok: T.BOUNDPARAM, lit: '$host' },
  { s: '$"host param"', tok: T.BOUNDPARAM, lit: '$host param' },
  { s: 'true', tok: T.TRUE },
  { s: 'false', tok: T.FALSE },
  // Strings
  { s: "'testing 123!'", tok: T.STRING, lit: 'testing 123!' },
  { s: "'foo\\nbar'", tok: T.STRING, lit: 'foo\nbar' },
  { s: "'foo\\\\bar'", tok: T.STRING, lit: 'foo\\bar' },
  { s: "'test", tok: T.BADSTRING, lit: 'test' },
  { s: "'test\nfoo", tok: T.BADSTRING, lit: 'test' },
  { s: "'test\\g'", tok: T.BADESCAPE, lit: '\\g', char: 6 },
  // Numbers
  { s: '100', tok: T.INTEGER, lit: '100' },
  { s: '100.23', tok: T.NUMBER, lit: '100.23' },
  { s: '.23', tok: T.NUMBER, lit: '.23' },
  { s: '10.3s', tok: T.NUMBER, lit: '10.3' },
  { s: '100.', tok: T.NUMBER, lit: '100' },
  // Durations
  { s: '10u', tok: T.DURATIONVAL, lit: '10u' },
  { s: '10µ', tok: T.DURATIONVAL, lit: '10µ' },
  { s: '10ms', tok: T.DURATIONVAL, lit: '10ms' },
  { s: '1s', tok: T.DURATIONVAL, lit: '1s' },
  { s: '10m', tok: T.DURATIONVAL, lit: '10m' },
  { s: '10h', tok: T.DURATIONVAL, lit: '10h' },
  { s: '10d', tok: T.DURATIONVAL, lit: '10d' },
  { s: '10w', tok: T.DURATIONVAL, lit: '10w' },
  { s: '1h30m', tok: T.DURATIONVAL, lit: '1h30m' },
  { s: '10x', tok: T.DURATIONVAL, lit: '10x' }, // not a unit, but scanned as a duration
  // Keywords, in any case
  ...[
    'ALL',
    'ALTER',
    'ANALYZE',
    'ANY',
    'AS',
    'ASC',
    'BEGIN',
    'BY',
    'CARDINALITY',
    'CREATE',
    'CONTINUOUS',
    'DATABASE',
    'DATABASES',
    'DEFAULT',
    'DELETE',
    'DESC',
    'DESTINATIONS',
    'DIAGNOSTICS',
    'DISTINCT',
    'DROP',
    'DURATION',
    'END',
    'EVERY',
    'EXACT',
    'EXPLAIN',
    'FIELD',
    'FOR',
    'FROM',
    'GRANT',
    'GRANTS',
    'GROUP',
    'GROUPS',
    'IN',
    'INF',
    'INSERT',
    'INTO',
    'KEY',
    'KEYS',
    'KILL',
    'LIMIT',
    'MEASUREMENT',
    'MEASUREMENTS',
    'NAME',
    'OFFSET',
    'ON',
    'ORDER',
    'PASSWORD',
    'POLICY',
    'POLICIES',
    'PRIVILEGES',
    'QUERIES',
    'QUERY',
    'READ',
    'REPLICATION',
    'RESAMPLE',
    'RETENTION',
    'REVOKE',
    'SELECT',
    'SERIES',
    'SET',
    'SHOW',
    'SHARD',
    'SHARDS',
    'SLIMIT',
    'SOFFSET',
    'STATS',
    'SUBSCRIPTION',
    'SUBSCRIPTIONS',
    'TAG',
    'TO',
    'USER',
    'USERS',
    'VALUES',
    'WHERE',
    'WITH',
    'WRITE',
  ].map((kw): Case => ({ s: kw, tok: T[kw as keyof typeof T] })),
  { s: 'explain', tok: T.EXPLAIN },
  { s: 'seLECT', tok: T.SELECT },
]

describe('InfluxQL scanner', () => {
  for (const c of cases) {
    it(`scans ${JSON.stringify(c.s)} as ${tokenName(c.tok) || String(c.tok)}`, () => {
      const t = new Scanner(c.s).scan()
      assert.equal(tokenName(t.tok), tokenName(c.tok))
      assert.equal(t.tok, c.tok)
      assert.equal(t.lit, c.lit ?? '')
      assert.equal(t.line, 0)
      assert.equal(t.char, c.char ?? 0)
    })
  }

  it('gives each token of a statement its position, strings at the character before the quote', () => {
    const s = new Scanner(`SELECT value from myseries WHERE a = 'b'`)
    const got: [string, number, string][] = []
    for (let t = s.scan(); ; t = s.scan()) {
      got.push([tokenName(t.tok), t.char, t.lit])
      if (t.tok === T.EOF) break
    }
    assert.deepEqual(got, [
      ['SELECT', 0, ''],
      ['WS', 6, ' '],
      ['IDENT', 7, 'value'],
      ['WS', 12, ' '],
      ['FROM', 13, ''],
      ['WS', 17, ' '],
      ['IDENT', 18, 'myseries'],
      ['WS', 26, ' '],
      ['WHERE', 27, ''],
      ['WS', 32, ' '],
      ['IDENT', 33, 'a'],
      ['WS', 34, ' '],
      ['=', 35, ''],
      ['WS', 36, ' '],
      ['STRING', 36, 'b'],
      ['EOF', 40, ''],
    ])
  })

  it('counts lines and characters in code points, with CRLF as one newline', () => {
    const s = new Scanner('a\r\nµé 😀\nb')
    const got: [string, number, number][] = []
    for (let t = s.scan(); t.tok !== T.EOF; t = s.scan()) got.push([t.lit, t.line, t.char])
    assert.deepEqual(got, [
      ['a', 0, 0],
      ['\n', 0, 1],
      ['µ', 1, 0],
      ['é', 1, 1],
      [' ', 1, 2],
      ['😀', 1, 3],
      ['\n', 1, 4],
      ['b', 2, 0],
    ])
  })

  it('reads a NUL character as InfluxDB does: the end of input, except inside an identifier', () => {
    assert.equal(new Scanner('a\u0000b').scan().lit, 'ab')
    const s = new Scanner('1\u00002')
    assert.equal(s.scan().lit, '1')
    assert.equal(s.scan().tok, T.EOF)
  })

  it('scans regexes, unescaping only \\/', () => {
    const regex = (text: string): [string, string] => {
      const t = new Scanner(text).scanRegex()
      return [tokenName(t.tok) || 'BADREGEX', t.lit]
    }
    assert.deepEqual(regex('/^payments\\./'), ['REGEX', '^payments\\.'])
    assert.deepEqual(regex('/foo\\/bar/'), ['REGEX', 'foo/bar'])
    assert.deepEqual(regex('/foo\\\\/bar/'), ['REGEX', 'foo\\/bar'])
    assert.deepEqual(regex('/foo\\\\bar/'), ['REGEX', 'foo\\\\bar'])
    assert.deepEqual(regex('/http\\:\\/\\/www\\.example\\.com/'), [
      'REGEX',
      'http\\://www\\.example\\.com',
    ])
    assert.deepEqual(regex('/unterminated'), ['BADREGEX', ''])
    assert.deepEqual(regex('/two\nlines/'), ['BADREGEX', ''])
    assert.deepEqual(regex('no slash'), ['BADREGEX', ''])
  })

  it('scans quoted strings with \\n \\\\ \\" \\\' escapes and rejects others', () => {
    const str = (text: string): [string, string] => {
      const t = new Scanner(text).scan()
      return [tokenName(t.tok), t.lit]
    }
    assert.deepEqual(str(`''`), ['STRING', ''])
    assert.deepEqual(str(`'foo bar'`), ['STRING', 'foo bar'])
    assert.deepEqual(str(`'foo\\'bar'`), ['STRING', "foo'bar"])
    assert.deepEqual(str(`'foo\\"bar'`), ['STRING', 'foo"bar'])
    assert.deepEqual(str(`"foo\\nbar"`), ['IDENT', 'foo\nbar'])
    assert.deepEqual(str(`"foo\nbar"`), ['BADSTRING', 'foo'])
    assert.deepEqual(str(`"foo\\xbar"`), ['BADESCAPE', '\\x'])
  })
})

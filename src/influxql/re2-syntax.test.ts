// The regex check: valid RE2 patterns pass, and invalid ones give exactly the text of Go's
// regexp.Compile, which InfluxDB puts in its parse errors. Every expected text comes from Go.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseQuery, regexSyntaxError } from './index.js'

const patterns: readonly (readonly [string, string | undefined])[] = [
  ['cpu.*', undefined],
  ['^(a|b)+$', undefined],
  ['(?i)host', undefined],
  ['(?P<name>x)', undefined],
  ['[[:alpha:]]+', undefined],
  ['\\pL\\p{Greek}\\PN\\p{^Han}', undefined],
  ['\\x41\\x{263a}\\101\\0', undefined],
  ['\\Q.*+\\E', undefined],
  ['a{2,5}?', undefined],
  ['(', 'error parsing regexp: missing closing ): `(`'],
  [')', 'error parsing regexp: unexpected ): `)`'],
  ['a)', 'error parsing regexp: unexpected ): `a)`'],
  ['[a', 'error parsing regexp: missing closing ]: `[a`'],
  ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
  ['[a-\\d]', 'error parsing regexp: invalid escape sequence: `\\d`'],
  ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
  ['\\p{Foo}', 'error parsing regexp: invalid character class range: `\\p{Foo}`'],
  ['\\p', 'error parsing regexp: invalid character class range: `\\p`'],
  ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
  ['a+*?', 'error parsing regexp: invalid nested repetition operator: `+*?`'],
  ['a{2}{3}', 'error parsing regexp: invalid nested repetition operator: `{2}{3}`'],
  ['*', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['a|*', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['(*)', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['(?i)*', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ['^*', undefined],
  ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
  ['a{2,1}', 'error parsing regexp: invalid repeat count: `{2,1}`'],
  ['(a{100}){11}', 'error parsing regexp: invalid repeat count: `{11}`'],
  ['(?:a{2}){600}', 'error parsing regexp: invalid repeat count: `{600}`'],
  ['a{1000}', undefined],
  ['\\8', 'error parsing regexp: invalid escape sequence: `\\8`'],
  ['\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
  ['\\xZZ', 'error parsing regexp: invalid escape sequence: `\\xZZ`'],
  ['\\x{110000}', 'error parsing regexp: invalid escape sequence: `\\x{110000`'],
  ['\\x{}', 'error parsing regexp: invalid escape sequence: `\\x{}`'],
  ['\\C', 'error parsing regexp: invalid escape sequence: `\\C`'],
  ['\\q', 'error parsing regexp: invalid escape sequence: `\\q`'],
  ['\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
  ['(?x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?x`'],
  ['(?P<1a>x)', undefined],
  ['(?P<>x)', 'error parsing regexp: invalid named capture: `(?P<>`'],
  ['(?P<n', 'error parsing regexp: invalid named capture: `(?P<n`'],
  ['(?<n>x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
  ['(?i-)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`'],
  ['(?--i)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?--`'],
  ['x{,3}', undefined],
  ['x{01}', undefined],
]

describe('RE2 regex check', () => {
  for (const [pattern, error] of patterns) {
    it(`${error === undefined ? 'accepts' : 'rejects'} /${pattern}/${error === undefined ? '' : ' with "' + error + '"'}`, () => {
      assert.equal(regexSyntaxError(pattern), error)
    })
  }

  it('reports nesting deeper than Go allows', () => {
    const deep = '('.repeat(1001) + 'a' + ')'.repeat(1001)
    assert.equal(
      regexSyntaxError(deep),
      `error parsing regexp: expression nests too deeply: \`${deep}\``,
    )
    assert.equal(regexSyntaxError('('.repeat(999) + 'a' + ')'.repeat(999)), undefined)
  })

  it('puts the regex error at the regex in a query', () => {
    assert.throws(() => parseQuery('SELECT * FROM m WHERE a =~ /(/'), {
      message: 'error parsing regexp: missing closing ): `(` at line 1, char 27',
    })
  })
})

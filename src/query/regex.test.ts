import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { UnsupportedRegexError, compileRegex, regexMatches } from './index.js'

describe('RE2 regexes run in JavaScript', () => {
  it('matches unanchored, like Go MatchString', () => {
    assert.equal(regexMatches('pu', 'cpu'), true)
    assert.equal(regexMatches('^pu', 'cpu'), false)
    assert.equal(regexMatches('', 'anything'), true)
  })

  it("keeps Go's meaning of ., \\s, \\A, \\z and $", () => {
    assert.equal(regexMatches('a.b', 'a\rb'), true)
    assert.equal(regexMatches('a.b', 'a\nb'), false)
    assert.equal(regexMatches('(?s)a.b', 'a\nb'), true)
    assert.equal(regexMatches('a\\sb', 'a\u00a0b'), false)
    assert.equal(regexMatches('a\\sb', 'a\tb'), true)
    assert.equal(regexMatches('\\Aab\\z', 'ab'), true)
    assert.equal(regexMatches('\\Aab\\z', 'ab\n'), false)
    assert.equal(regexMatches('ab$', 'ab\n'), false)
  })

  it('accepts escaped punctuation, POSIX classes, \\Q…\\E, \\x{…}, named groups and literal braces', () => {
    assert.equal(regexMatches('a\\-b\\#c\\:', 'a-b#c:'), true)
    assert.equal(regexMatches('[[:digit:]]+x', '42x'), true)
    assert.equal(regexMatches('[^[:alpha:]]', 'abc'), false)
    assert.equal(regexMatches('\\Qa.b\\E', 'axb'), false)
    assert.equal(regexMatches('\\Qa.b\\E', 'a.b'), true)
    assert.equal(regexMatches('\\x{41}\\x42', 'AB'), true)
    assert.equal(regexMatches('(?P<n>x)y', 'xy'), true)
    assert.equal(regexMatches('a{,2}', 'a{,2}'), true)
    assert.equal(regexMatches('a{2}', 'aa'), true)
    assert.equal(regexMatches('[]a]', ']'), true)
    assert.equal(regexMatches('(?i)CPU', 'cpu'), true)
    assert.equal(regexMatches('\\pL\\p{Greek}', 'xλ'), true)
  })

  it('refuses flag groups inside a pattern with a typed error', () => {
    assert.throws(
      () => compileRegex('a(?i)b'),
      (e: unknown) =>
        e instanceof UnsupportedRegexError && e.code === 'ERR_QUERY_UNSUPPORTED_REGEX',
    )
  })

  it('matches a quoted literal exactly where the text contains it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), (lit, text) => {
        const quoted = `\\Q${lit.replace(/\\E/g, '')}\\E`
        const plain = lit.replace(/\\E/g, '')
        assert.equal(regexMatches(quoted, text), text.includes(plain))
      }),
    )
  })
})

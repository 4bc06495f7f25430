import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  escapeFieldKey,
  escapeMeasurement,
  escapeStringValue,
  escapeTag,
  unescapeFieldKey,
  unescapeMeasurement,
  unescapeStringValue,
  unescapeTag,
} from './index.js'

/** Strings rich in the characters escaping is about. */
const tricky = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ',', ' ', '=', '"', '\\', '\n', '\t', 'é', '😀', 'x'),
  maxLength: 20,
})

describe('escaping (spec §1.3)', () => {
  it('escapes only the characters of each component', () => {
    assert.equal(escapeMeasurement('a, b="c"\\'), 'a\\,\\ b="c"\\')
    assert.equal(escapeTag('a, b="c"\\'), 'a\\,\\ b\\="c"\\')
    assert.equal(escapeFieldKey('a, b="c"\\'), 'a\\,\\ b\\=\\"c\\"\\')
    assert.equal(escapeStringValue('a, b="c"\\'), 'a, b=\\"c\\"\\\\')
  })

  it('removes a backslash only before the characters of each component', () => {
    const text = 'a\\,b\\ c\\=d\\"e\\\\f\\n'
    assert.equal(unescapeMeasurement(text), 'a,b c\\=d\\"e\\\\f\\n')
    assert.equal(unescapeTag(text), 'a,b c=d\\"e\\\\f\\n')
    assert.equal(unescapeFieldKey(text), 'a,b c=d"e\\\\f\\n')
    assert.equal(unescapeStringValue(text), 'a\\,b\\ c\\=d"e\\f\\n')
  })

  it('reads \\\\, as a kept backslash and an escaped comma, as influxd does', () => {
    assert.equal(unescapeTag('x\\\\,y'), 'x\\,y')
    assert.equal(unescapeStringValue('\\\\"'), '\\"')
  })

  it('un-escapes what it escapes, for every component', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        assert.equal(unescapeMeasurement(escapeMeasurement(s)), s)
        assert.equal(unescapeTag(escapeTag(s)), s)
        assert.equal(unescapeFieldKey(escapeFieldKey(s)), s)
        assert.equal(unescapeStringValue(escapeStringValue(s)), s)
      }),
      { numRuns: 2000 },
    )
  })
})

// A corpus of InfluxDB's own answers (testdata/corpus.jsonl): every prefix of the parser test
// queries, token-level mutations of them, random regexes, bound parameters of every kind and
// random character soup, sampled to a few cases per distinct error message. Each must give
// exactly InfluxDB's error text (position included) or canonical text.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { decodeParams, loadFixture } from './fixtures.test-helper.js'
import type { FixtureCase } from './fixtures.test-helper.js'
import { formatExpr, formatQuery, InfluxQLParseError, parseExpr, parseQuery } from './index.js'

function answer(c: FixtureCase): { err?: string; out?: string } {
  try {
    const params = decodeParams(c)
    return {
      out:
        c.mode === 'expr'
          ? formatExpr(parseExpr(c.q, params))
          : formatQuery(parseQuery(c.q, params)),
    }
  } catch (e) {
    if (e instanceof InfluxQLParseError) return { err: e.message }
    throw e
  }
}

describe('InfluxQL parser on a corpus of InfluxDB answers', () => {
  const corpus = loadFixture('corpus.jsonl')

  it('has a corpus with many distinct errors', () => {
    assert.ok(corpus.length > 1000)
    assert.ok(new Set(corpus.map((c) => c.err)).size > 300)
  })

  it("gives InfluxDB's error text, with its line and character, for every malformed text", () => {
    const wrong = corpus
      .filter((c) => c.err !== undefined)
      .map((c) => ({ q: c.q, want: c.err, got: answer(c) }))
      .filter((r) => r.got.err !== r.want)
    assert.deepEqual(wrong.slice(0, 10), [])
  })

  it('prints every accepted text as InfluxDB does', () => {
    const wrong = corpus
      .filter((c) => c.out !== undefined)
      .map((c) => ({ q: c.q, want: c.out, got: answer(c) }))
      .filter((r) => r.got.out !== r.want)
    assert.deepEqual(wrong.slice(0, 10), [])
  })

  it('binds parameters of every kind as InfluxDB does', () => {
    const withParams = corpus.filter((c) => c.params !== undefined)
    assert.ok(withParams.length > 500)
    const wrong = withParams
      .map((c) => ({ q: c.q, params: c.params, want: c.err ?? c.out, got: answer(c) }))
      .filter((r) => (r.got.err ?? r.got.out) !== r.want)
    assert.deepEqual(wrong.slice(0, 10), [])
  })
})

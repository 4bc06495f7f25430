// The cases of influxql's parser_test.go (TestParser_ParseStatement, TestParser_ParseExpr,
// TestParseDuration), answered by InfluxDB's own parser (testdata/parser-cases.jsonl): each must
// give the same tree, the same canonical text and the same error text, and the canonical text
// must parse back to the same tree, as the Go test checks.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { loadFixture, decodeParams, plain } from './fixtures.test-helper.js'
import type { FixtureCase } from './fixtures.test-helper.js'
import {
  formatExpr,
  formatStatement,
  InfluxQLParseError,
  parseDuration,
  parseExpr,
  parseStatement,
} from './index.js'

const cases = loadFixture('parser-cases.jsonl')

function parsed(c: FixtureCase): { tree: unknown; text: string } {
  const params = decodeParams(c)
  if (c.mode === 'expr') {
    const e = parseExpr(c.q, params)
    return { tree: e, text: formatExpr(e) }
  }
  if (c.mode === 'duration') return { tree: undefined, text: `${parseDuration(c.q)}n` }
  const s = parseStatement(c.q, params)
  return { tree: s, text: formatStatement(s) }
}

function check(c: FixtureCase): void {
  if (c.err !== undefined) {
    assert.throws(
      () => parsed(c),
      (e: unknown) =>
        e instanceof InfluxQLParseError && e.code === 'ERR_INFLUXQL_PARSE' && e.message === c.err,
      `expected error ${JSON.stringify(c.err)}`,
    )
    return
  }
  const { tree, text } = parsed(c)
  assert.equal(text, c.out)
  if (c.mode === 'duration') return
  assert.deepEqual(plain(tree), c.ast)
  const kind = (tree as { kind: string }).kind
  if (kind === 'CreateUserStatement' || kind === 'SetPasswordUserStatement') return // passwords print redacted
  const again = c.mode === 'expr' ? parseExpr(text) : parseStatement(text)
  assert.deepEqual(plain(again), c.ast, 'the canonical text parses back to the same tree')
}

describe('InfluxQL parser on the cases of influxql parser_test.go', () => {
  it('has all the ported cases', () => {
    assert.ok(cases.length >= 490, `only ${cases.length} cases`)
    assert.ok(cases.filter((c) => c.err !== undefined).length >= 190)
  })
  for (const c of cases) {
    const text = JSON.stringify(c.q).slice(1, -1)
    const name =
      c.err !== undefined ? `rejects ${text} with "${c.err}"` : `parses ${c.mode} ${text}`
    it(name.length > 200 ? name.slice(0, 197) + '...' : name, () => check(c))
  }
})

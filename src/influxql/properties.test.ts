// Properties over generated input. Printing is canonical: a generated statement prints, parses
// and prints to the same text, and the second parse gives the same tree as the first. Hostile
// input (random text and bytes, truncated and mutated statements, huge literals, deep nesting)
// never crashes or hangs the parser: it parses or fails with InfluxQLParseError.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { arbStatement, arbCondition } from './arbitraries.test-helper.js'
import {
  formatExpr,
  formatStatement,
  InfluxQLParseError,
  parseExpr,
  parseQuery,
  parseStatement,
  regexSyntaxError,
} from './index.js'

/** Parses, allowing only InfluxQLParseError; returns whether the text parsed. */
function parsesOrFailsCleanly(text: string): boolean {
  try {
    parseQuery(text)
    return true
  } catch (e) {
    if (e instanceof InfluxQLParseError && e.code === 'ERR_INFLUXQL_PARSE') return false
    throw e
  }
}

describe('InfluxQL properties', () => {
  it('prints a statement, parses it and prints it again to the same text', () => {
    fc.assert(
      fc.property(arbStatement, (stmt) => {
        const text = formatStatement(stmt)
        const again = formatStatement(parseStatement(text))
        assert.equal(again, text)
      }),
      { numRuns: 400 },
    )
  })

  it('parses the canonical text of a parsed statement back to the same tree', () => {
    fc.assert(
      fc.property(arbStatement, (stmt) => {
        const first = parseStatement(formatStatement(stmt))
        assert.deepEqual(parseStatement(formatStatement(first)), first)
      }),
      { numRuns: 400 },
    )
  })

  it('prints a condition, parses it and prints it again to the same text', () => {
    fc.assert(
      fc.property(arbCondition, (expr) => {
        const text = formatExpr(expr)
        assert.equal(formatExpr(parseExpr(text)), text)
      }),
      { numRuns: 400 },
    )
  })

  it('fails cleanly on every truncation and one-character edit of a valid statement', () => {
    fc.assert(
      fc.property(
        arbStatement,
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...Array.from('()*,.;:\'"$/\\-+=<>!~ \n\r\u0000µ{}[]|?^')),
        (stmt, cut, at, ch) => {
          const text = formatStatement(stmt)
          parsesOrFailsCleanly(text.slice(0, cut % (text.length + 1)))
          const i = at % (text.length + 1)
          parsesOrFailsCleanly(text.slice(0, i) + ch + text.slice(i))
          parsesOrFailsCleanly(text.slice(0, i) + text.slice(i + 1))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('fails cleanly on random text and on random bytes read as UTF-8', () => {
    const soup = fc.string({
      unit: fc.constantFrom(
        ...Array.from(
          'SELECT FROM WHERE GROUP BY fill tz ()*,.;:\'"$/\\-+=<>!~%&|^\n\r\t 019µ_sdmhw',
        ),
      ),
      maxLength: 60,
    })
    fc.assert(
      fc.property(soup, (text) => void parsesOrFailsCleanly(text)),
      { numRuns: 1000 },
    )
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        (text) => void parsesOrFailsCleanly(text),
      ),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        (bytes) => void parsesOrFailsCleanly(new TextDecoder().decode(bytes)),
      ),
      { numRuns: 500 },
    )
  })

  it('never throws while checking a random regex', () => {
    const re = fc.string({
      unit: fc.constantFrom(...Array.from('()[]{}|*+?\\^$.-:,0123456789aAbBpPdwsQEzCxP<>_=!')),
      maxLength: 24,
    })
    fc.assert(
      fc.property(re, (pattern) => {
        const verdict = regexSyntaxError(pattern)
        assert.ok(verdict === undefined || verdict.startsWith('error parsing regexp: '))
      }),
      { numRuns: 2000 },
    )
  })

  it('handles huge literals and long inputs without crashing', () => {
    const huge = '9'.repeat(20000)
    for (const text of [
      `SELECT ${huge} FROM m`,
      `SELECT ${huge}.5 FROM m`,
      `SELECT * FROM m WHERE time > now() - ${huge}s`,
      `SELECT * FROM m LIMIT ${huge}`,
      `DROP SHARD ${huge}`,
      `SELECT "${'x'.repeat(200000)}" FROM m`,
      `SELECT * FROM /${'a'.repeat(100000)}/`,
      `SELECT * FROM /${'('.repeat(20000)}/`,
      'SELECT * FROM m WHERE ' + 'a AND '.repeat(20000) + 'b',
      'SHOW DATABASES;'.repeat(20000),
    ]) {
      parsesOrFailsCleanly(text)
    }
    assert.equal(parseQuery(`SELECT * FROM m LIMIT ${huge}`).statements.length, 1)
  })
})

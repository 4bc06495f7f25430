// The printer: quoting (influxql's TestQuote and TestQuoteIdent), durations (TestFormatDuration,
// and Go's time.Duration.String() for CREATE DATABASE), numbers, and statements built by hand,
// including nodes the parser never produces. Every expected text is what InfluxDB prints.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  formatDuration,
  formatExpr,
  formatGoDuration,
  formatQuery,
  formatStatement,
  parseQuery,
  parseStatement,
  quoteIdent,
  quoteString,
} from './index.js'
import type { Expr, Measurement, SelectStatement, Statement } from './index.js'

const src: Measurement = {
  kind: 'Measurement',
  database: '',
  retentionPolicy: '',
  name: 'src',
  regex: null,
  isTarget: false,
}
const hostIsA: Expr = {
  kind: 'BinaryExpr',
  op: '=',
  lhs: { kind: 'VarRef', name: 'host', dataType: 'unknown' },
  rhs: { kind: 'StringLiteral', value: 'hosta.influxdb.org' },
}

function selectWithFill(fillValue: number | bigint): SelectStatement {
  return {
    ...(parseStatement('SELECT * FROM m') as SelectStatement),
    fill: 'number',
    fillValue,
  }
}

describe('InfluxQL printer', () => {
  it('quotes strings, escaping backslash, quote and newline', () => {
    const cases: [string, string][] = [
      ['', `''`],
      ['foo', `'foo'`],
      ['foo\nbar', `'foo\\nbar'`],
      ['foo bar\\\\', `'foo bar\\\\\\\\'`],
      [`'foo'`, `'\\'foo\\''`],
    ]
    for (const [text, quoted] of cases) assert.equal(quoteString(text), quoted)
  })

  it('quotes identifier segments only where needed', () => {
    const cases: [string[], string][] = [
      [[''], '""'],
      [['select'], '"select"'],
      [['in-bytes'], '"in-bytes"'],
      [['foo', 'bar'], '"foo".bar'],
      [['foo', '', 'bar'], '"foo"..bar'],
      [['foo bar', 'baz'], '"foo bar".baz'],
      [['foo.bar', 'baz'], '"foo.bar".baz'],
      [['foo.bar', 'rp', 'baz'], '"foo.bar"."rp".baz'],
      [['foo.bar', 'rp', '1baz'], '"foo.bar"."rp"."1baz"'],
      [['a"b\\c\nd'], '"a\\"b\\\\c\\nd"'],
      [['cpu_1'], 'cpu_1'],
      [['µ'], '"µ"'],
    ]
    for (const [segments, quoted] of cases) assert.equal(quoteIdent(...segments), quoted)
  })

  it('formats durations in their largest exact unit', () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [3_000n, '3u'],
      [1_001_000n, '1001u'],
      [15_000_000n, '15ms'],
      [100_000_000_000n, '100s'],
      [120_000_000_000n, '2m'],
      [7_200_000_000_000n, '2h'],
      [172_800_000_000_000n, '2d'],
      [1_209_600_000_000_000n, '2w'],
      [-300_000_000_000n, '-5m'],
      [7n, '7ns'],
    ]
    for (const [ns, text] of cases) assert.equal(formatDuration(ns), text)
  })

  it("formats durations as Go's time.Duration does, for CREATE DATABASE", () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [1n, '1ns'],
      [1_100n, '1.1µs'],
      [2_200_000n, '2.2ms'],
      [3_300_000_000n, '3.3s'],
      [245_000_000_000n, '4m5s'],
      [245_001_000_000n, '4m5.001s'],
      [18_367_001_000_000n, '5h6m7.001s'],
      [480_000_000_001n, '8m0.000000001s'],
      [3_600_000_000_000n, '1h0m0s'],
      [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
      [-(1n << 63n), '-2562047h47m16.854775808s'],
    ]
    for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text)
    assert.equal(
      formatStatement(
        parseStatement(
          'CREATE DATABASE db WITH DURATION 1h REPLICATION 1 SHARD DURATION 30m NAME rp',
        ),
      ),
      'CREATE DATABASE db WITH DURATION 1h0m0s REPLICATION 1 SHARD DURATION 30m0s NAME rp',
    )
  })

  it('prints numbers with three decimals, exactly rounded, ties to even', () => {
    const cases: [number, string][] = [
      [0.0625, '0.062'],
      [0.1875, '0.188'],
      [1.0005, '1.000'],
      [2.5, '2.500'],
      [-0, '-0.000'],
      [1e21, '1000000000000000000000.000'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, '+Inf'],
      [Number.NEGATIVE_INFINITY, '-Inf'],
    ]
    for (const [value, text] of cases)
      assert.equal(formatExpr({ kind: 'NumberLiteral', value }), text)
  })

  it('prints fill values as Go prints them with %v', () => {
    const cases: [number | bigint, string][] = [
      [1e6, 'fill(1e+06)'],
      [123456.5, 'fill(123456.5)'],
      [1.5e-7, 'fill(1.5e-07)'],
      [0.0001, 'fill(0.0001)'],
      [-2, 'fill(-2)'],
      [5n, 'fill(5)'],
    ]
    for (const [value, text] of cases)
      assert.equal(formatStatement(selectWithFill(value)), `SELECT * FROM m ${text}`)
  })

  it('prints the literals the parser never produces', () => {
    assert.equal(formatExpr({ kind: 'TimeLiteral', value: 0n }), `'1970-01-01T00:00:00Z'`)
    assert.equal(
      formatExpr({ kind: 'TimeLiteral', value: 1_500_000_000_123_456_789n }),
      `'2017-07-14T02:40:00.123456789Z'`,
    )
    assert.equal(
      formatExpr({ kind: 'TimeLiteral', value: -1n }),
      `'1969-12-31T23:59:59.999999999Z'`,
    )
    assert.equal(
      formatExpr({ kind: 'TimeLiteral', value: 1_000_000n }),
      `'1970-01-01T00:00:00.001Z'`,
    )
    assert.equal(formatExpr({ kind: 'NilLiteral' }), 'nil')
    assert.equal(formatExpr({ kind: 'BoundParameter', name: 'my param' }), '$"my param"')
    assert.equal(formatExpr({ kind: 'ListLiteral', values: ['a', 'b c'] }), '(a, "b c")')
  })

  it('prints DELETE and DROP SERIES with and without FROM and WHERE (TestDeleteSeriesStatement_String)', () => {
    const cases: [Statement, string][] = [
      [{ kind: 'DeleteSeriesStatement', sources: [src], condition: null }, 'DELETE FROM src'],
      [
        { kind: 'DeleteSeriesStatement', sources: [src], condition: hostIsA },
        `DELETE FROM src WHERE host = 'hosta.influxdb.org'`,
      ],
      [
        { kind: 'DeleteSeriesStatement', sources: [], condition: hostIsA },
        `DELETE WHERE host = 'hosta.influxdb.org'`,
      ],
      [{ kind: 'DropSeriesStatement', sources: [src], condition: null }, 'DROP SERIES FROM src'],
      [
        { kind: 'DropSeriesStatement', sources: [src], condition: hostIsA },
        `DROP SERIES FROM src WHERE host = 'hosta.influxdb.org'`,
      ],
      [
        { kind: 'DropSeriesStatement', sources: [], condition: hostIsA },
        `DROP SERIES WHERE host = 'hosta.influxdb.org'`,
      ],
    ]
    for (const [stmt, text] of cases) assert.equal(formatStatement(stmt), text)
  })

  it('redacts passwords', () => {
    assert.equal(
      formatStatement(parseStatement(`CREATE USER bob WITH PASSWORD 'secret' WITH ALL PRIVILEGES`)),
      'CREATE USER bob WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES',
    )
    assert.equal(
      formatStatement(parseStatement(`SET PASSWORD FOR bob = 'secret'`)),
      'SET PASSWORD FOR bob = [REDACTED]',
    )
  })

  it('keeps InfluxDB quirks: SHOW MEASUREMENTS ON prints its database unquoted', () => {
    assert.equal(
      formatStatement(parseStatement('SHOW MEASUREMENTS ON "my db"')),
      'SHOW MEASUREMENTS ON my db',
    )
  })

  it('prints a continuous query as SHOW CONTINUOUS QUERIES shows it', () => {
    const text =
      'CREATE CONTINUOUS QUERY "cpu mean" ON telegraf RESAMPLE EVERY 2m FOR 1h BEGIN SELECT mean(usage_idle) INTO ' +
      'telegraf."1y".:MEASUREMENT FROM telegraf.autogen./cpu.*/ WHERE cpu = \'cpu-total\' GROUP BY time(1m), * fill(none) END'
    assert.equal(
      formatStatement(parseStatement(text)),
      'CREATE CONTINUOUS QUERY "cpu mean" ON telegraf RESAMPLE EVERY 2m FOR 1h BEGIN SELECT mean(usage_idle) INTO ' +
        'telegraf."1y".:MEASUREMENT FROM telegraf.autogen./cpu.*/ WHERE cpu = \'cpu-total\' GROUP BY time(1m), * fill(none) END',
    )
  })

  it('joins statements with a semicolon and a newline', () => {
    assert.equal(
      formatQuery(parseQuery('show databases; show users')),
      'SHOW DATABASES;\nSHOW USERS',
    )
  })

  it('prints a very long OR chain without exhausting the stack', () => {
    const terms = Array.from({ length: 50_000 }, (_, i) => `host = 'h${i}'`)
    const text = 'SELECT * FROM m WHERE ' + terms.join(' OR ')
    assert.equal(formatQuery(parseQuery(text)), text)
  })
})

// InfluxDB's error texts, one or more for every error the InfluxQL parser can raise: unexpected
// tokens at every level of the statement table, malformed literals, regexes, parameters, and the
// checks the parser makes on its own (duplicate options, ranges, ORDER BY, fill(), tz(), INTO,
// continuous query intervals). Every expected text was produced by InfluxDB's own parser.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxQLParseError, parseQuery } from './index.js'
import type { QueryParams } from './index.js'

const errors: readonly (readonly [string, string])[] = [
  [
    'FOO',
    'found FOO, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL at line 1, char 1',
  ],
  ['CREATE DATABASE foo CREATE DATABASE bar', 'found CREATE, expected ; at line 1, char 21'],
  [
    'SHOW FOO',
    'found FOO, expected CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS, MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS, SUBSCRIPTIONS, TAG, USERS at line 1, char 6',
  ],
  ['SHOW FIELD FOO', 'found FOO, expected KEY, KEYS at line 1, char 12'],
  ['SHOW TAG FOO', 'found FOO, expected KEY, KEYS, VALUES at line 1, char 10'],
  ['SHOW MEASUREMENT FOO', 'found FOO, expected EXACT, CARDINALITY at line 1, char 18'],
  ['SHOW RETENTION FOO', 'found FOO, expected POLICIES at line 1, char 16'],
  ['SHOW SHARD FOO', 'found FOO, expected GROUPS at line 1, char 12'],
  ['SHOW GRANTS FOO', 'found FOO, expected FOR at line 1, char 13'],
  ['SHOW CONTINUOUS FOO', 'found FOO, expected QUERIES at line 1, char 17'],
  [
    'CREATE FOO',
    'found FOO, expected CONTINUOUS, DATABASE, USER, RETENTION, SUBSCRIPTION at line 1, char 8',
  ],
  ['CREATE CONTINUOUS FOO', 'found FOO, expected QUERY at line 1, char 19'],
  [
    'DROP FOO',
    'found FOO, expected CONTINUOUS, DATABASE, MEASUREMENT, RETENTION, SERIES, SHARD, SUBSCRIPTION, USER at line 1, char 6',
  ],
  ['ALTER FOO', 'found FOO, expected RETENTION at line 1, char 7'],
  ['SET FOO', 'found FOO, expected PASSWORD at line 1, char 5'],
  ['KILL FOO', 'found FOO, expected QUERY at line 1, char 6'],
  ['SELECT', 'found EOF, expected identifier, string, number, bool at line 1, char 8'],
  [
    'SELECT * FROM m WHERE',
    'found EOF, expected identifier, string, number, bool at line 1, char 23',
  ],
  ['SELECT # FROM m', 'found #, expected identifier, string, number, bool at line 1, char 8'],
  [
    "SELECT 'abc FROM m",
    'found abc FROM m, expected identifier, string, number, bool at line 1, char 7',
  ],
  [
    'SELECT "abc FROM m',
    'found abc FROM m, expected identifier, string, number, bool at line 1, char 7',
  ],
  [
    "SELECT * FROM m WHERE a = 'x\\y'",
    'found \\y, expected identifier, string, number, bool at line 1, char 30',
  ],
  ['SELECT *\nFROM\n', 'found EOF, expected identifier at line 3, char 2'],
  ['SELECT * FROM a.b.c.d', 'too many segments in "a"."b"."c".d at line 1, char 1'],
  ['SELECT * FROM /foo', 'bad regex:  at line 1, char 14'],
  [
    'SELECT * FROM m WHERE a =~ /(/',
    'error parsing regexp: missing closing ): `(` at line 1, char 27',
  ],
  [
    'SELECT * FROM m WHERE a =~ /[z-a]/',
    'error parsing regexp: invalid character class range: `z-a` at line 1, char 27',
  ],
  [
    'SELECT * FROM m WHERE a =~ /a**/',
    'error parsing regexp: invalid nested repetition operator: `**` at line 1, char 27',
  ],
  ['SELECT * FROM m WHERE a =~ 1', 'found 1, expected regex at line 1, char 28'],
  [
    'SELECT a = 1 FROM m',
    'invalid operator = in SELECT clause at line 1, char 8; operator is intended for WHERE clause',
  ],
  [
    'SELECT a AND b FROM m',
    'invalid operator AND in SELECT clause at line 1, char 8; operator is intended for WHERE clause',
  ],
  [
    'SELECT mean(a > 1) FROM m',
    'invalid operator > in SELECT clause at line 1, char 8; operator is intended for WHERE clause',
  ],
  [
    'SELECT a::foo FROM m',
    'found foo, expected float, integer, unsigned, string, boolean, field, tag at line 1, char 11',
  ],
  [
    'SELECT a::1 FROM m',
    'found 1, expected float, integer, string, boolean, field, tag at line 1, char 11',
  ],
  ['SELECT *::foo FROM m', 'found foo, expected field, tag at line 1, char 11'],
  ['SELECT DISTINCT 1 FROM m', 'found 1, expected identifier at line 1, char 17'],
  ['SELECT DISTINCT, a FROM m', 'found ,, expected (, identifier at line 1, char 16'],
  ["SELECT -'a' FROM m", 'found a, expected identifier, number, duration, ( at line 1, char 8'],
  ['SELECT mean(v FROM m', 'found FROM, expected ) at line 1, char 15'],
  ['SELECT (a + b FROM m', 'found FROM, expected ) at line 1, char 15'],
  ['SELECT 1.5 FROM m LIMIT 1.5', 'found 1.5, expected integer at line 1, char 25'],
  ['SELECT a FROM m ORDER BY value', 'only ORDER BY time supported at this time'],
  ['SELECT a FROM m ORDER BY time DESC, host', 'only ORDER BY time supported at this time'],
  ['SELECT a FROM m ORDER BY 1', 'found 1, expected identifier, ASC, DESC at line 1, char 26'],
  ['SELECT a FROM m ORDER time', 'found time, expected BY at line 1, char 23'],
  ['SELECT a FROM m GROUP time', 'found time, expected BY at line 1, char 23'],
  ['SELECT mean(v) FROM m GROUP BY time(1m) fill', 'fill must be a function call'],
  [
    'SELECT mean(v) FROM m GROUP BY time(1m) fill()',
    'fill requires an argument, e.g.: 0, null, none, previous, linear',
  ],
  [
    'SELECT mean(v) FROM m GROUP BY time(1m) fill(1, 2)',
    'fill requires an argument, e.g.: 0, null, none, previous, linear',
  ],
  ["SELECT mean(v) FROM m GROUP BY time(1m) fill('x')", 'expected number argument in fill()'],
  [
    'SELECT mean(v) FROM m GROUP BY time(1m) fill(9223372036854775808)',
    'expected number argument in fill()',
  ],
  ['SELECT a FROM m tz', 'tz must be a function call'],
  ['SELECT a FROM m tz()', 'tz requires exactly one argument'],
  ['SELECT a FROM m tz(x)', 'expected string argument in tz()'],
  ["SELECT a FROM m tz('Foo/Bar')", 'unable to find time zone Foo/Bar'],
  ["SELECT a FROM m tz('america/new_york')", 'unable to find time zone america/new_york'],
  [
    'SELECT * FROM m WHERE a = -9223372036854775809',
    'constant -9223372036854775809 underflows int64',
  ],
  ['SELECT * FROM m WHERE a = 99999999999999999999', 'unable to parse integer at line 1, char 27'],
  ['SELECT * FROM m WHERE time > now() - 10x', 'invalid duration'],
  ['SELECT * FROM m WHERE time > now() - 1.5h', 'found h, expected ; at line 1, char 41'],
  ['SELECT * FROM m WHERE a = $', 'empty bound parameter'],
  ['SELECT * FROM m WHERE a = $x', 'missing parameter: x'],
  ['DELETE', 'found EOF, expected FROM, WHERE at line 1, char 8'],
  ['DELETE FROM db.rp.m', 'retention policy not supported at line 1, char 1'],
  ['DELETE FROM rp.m', 'retention policy not supported at line 1, char 1'],
  ['DROP SERIES', 'found EOF, expected FROM, WHERE at line 1, char 13'],
  ['DROP SERIES FROM db..m', 'database not supported at line 1, char 1'],
  [
    'DROP SHARD 18446744073709551616',
    'strconv.ParseUint: parsing "18446744073709551616": value out of range at line 1, char 12',
  ],
  ['DROP SHARD -1', 'found -, expected integer at line 1, char 12'],
  [
    'KILL QUERY 18446744073709551616',
    'strconv.ParseUint: parsing "18446744073709551616": value out of range at line 1, char 12',
  ],
  ["KILL QUERY 1 ON 'h'", 'found h, expected identifier at line 1, char 16'],
  ['CREATE DATABASE', 'found EOF, expected identifier at line 1, char 17'],
  [
    'CREATE DATABASE db WITH',
    'found EOF, expected DURATION, NAME, REPLICATION, SHARD at line 1, char 25',
  ],
  [
    'CREATE DATABASE db WITH FOO',
    'found FOO, expected DURATION, NAME, REPLICATION, SHARD at line 1, char 25',
  ],
  ['CREATE DATABASE db WITH SHARD 1h', 'found 1h, expected DURATION at line 1, char 31'],
  ['CREATE DATABASE db WITH DURATION 1x', 'invalid duration at line 1, char 34'],
  [
    'CREATE DATABASE db WITH REPLICATION 0',
    'invalid value 0: must be 1 <= n <= 2147483647 at line 1, char 37',
  ],
  [
    'CREATE RETENTION POLICY p ON d DURATION 1h REPLICATION 99999999999999999999',
    'strconv.Atoi: parsing "99999999999999999999": value out of range at line 1, char 56',
  ],
  [
    'CREATE RETENTION POLICY p ON d DURATION 1h REPLICATION 2 SHARD DURATION INF',
    'invalid duration INF for shard duration at line 1, char 73',
  ],
  [
    'CREATE RETENTION POLICY p ON d DURATION 15251w REPLICATION 1',
    'overflowed duration 15251w: choose a smaller duration or INF at line 1, char 41',
  ],
  [
    'ALTER RETENTION POLICY p ON d',
    'found EOF, expected DURATION, REPLICATION, SHARD, DEFAULT at line 1, char 31',
  ],
  [
    'ALTER RETENTION POLICY p ON d DURATION 1h DURATION 2h',
    'found duplicate DURATION option at line 1, char 43',
  ],
  [
    'ALTER RETENTION POLICY p ON d DEFAULT DEFAULT',
    'found duplicate DEFAULT option at line 1, char 39',
  ],
  ['ALTER RETENTION POLICY p ON d SHARD 1h', 'found 1h, expected DURATION at line 1, char 37'],
  [
    'ALTER RETENTION POLICY p ON d SHARD DURATION INF',
    'invalid duration INF for shard duration at line 1, char 46',
  ],
  ['ALTER RETENTION POLICY 1 ON d', 'found 1, expected identifier at line 1, char 24'],
  ['CREATE USER u', 'found EOF, expected WITH at line 1, char 15'],
  ['CREATE USER u WITH PASSWORD', 'found EOF, expected string at line 1, char 29'],
  ["CREATE USER u WITH PASSWORD 'p' WITH", 'found EOF, expected ALL at line 1, char 38'],
  ["CREATE USER u WITH PASSWORD 'p' WITH ALL", 'found EOF, expected PRIVILEGES at line 1, char 42'],
  ["SET PASSWORD FOR u 'p'", 'found p, expected = at line 1, char 19'],
  ['SET PASSWORD FOR u = p', 'found p, expected string at line 1, char 22'],
  ['GRANT', 'found EOF, expected READ, WRITE, ALL [PRIVILEGES] at line 1, char 7'],
  ['GRANT READ TO u', 'found TO, expected ON at line 1, char 12'],
  ['GRANT ALL PRIVILEGES ON', 'found EOF, expected identifier at line 1, char 25'],
  ['REVOKE WRITE FROM u', 'found FROM, expected ON at line 1, char 14'],
  ['REVOKE ALL', 'found EOF, expected ON, FROM at line 1, char 12'],
  [
    'CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO x FROM m END',
    'found m, expected GROUP BY time(...) at line 1, char 67',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) FROM m GROUP BY time(1m) END',
    'found FROM, expected INTO at line 1, char 55',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO x FROM m GROUP BY time(x) END',
    'found ), expected GROUP BY time(...), time dimension must have duration argument at line 1, char 84',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO x FROM m GROUP BY time() END',
    'found ), expected GROUP BY time(...), time dimension expected 1 or 2 arguments at line 1, char 83',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT v INTO x FROM m GROUP BY time() END',
    'time dimension expected 1 or 2 arguments',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db RESAMPLE BEGIN SELECT mean(v) INTO x FROM m GROUP BY time(1m) END',
    'found BEGIN, expected EVERY, FOR at line 1, char 43',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db RESAMPLE EVERY 1 BEGIN',
    'found 1, expected duration at line 1, char 49',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db RESAMPLE FOR 30s BEGIN SELECT mean(v) INTO x FROM m GROUP BY time(1m) END',
    'FOR duration must be >= GROUP BY time duration: must be a minimum of 1m, got 30s',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db RESAMPLE EVERY 2m FOR 1m BEGIN SELECT mean(v) INTO x FROM m GROUP BY time(1m) END',
    'FOR duration must be >= GROUP BY time duration: must be a minimum of 2m, got 1m',
  ],
  [
    'CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO x FROM m GROUP BY time(1m)',
    'found EOF, expected END at line 1, char 86',
  ],
  ["CREATE SUBSCRIPTION s ON db rp DESTINATIONS ALL 'u'", 'found  , expected . at line 1, char 28'],
  ['CREATE SUBSCRIPTION s ON db.rp', 'found EOF, expected DESTINATIONS at line 1, char 32'],
  [
    "CREATE SUBSCRIPTION s ON db.rp DESTINATIONS SOME 'u'",
    'found SOME, expected ALL, ANY at line 1, char 45',
  ],
  [
    'CREATE SUBSCRIPTION s ON db.rp DESTINATIONS ALL u',
    'found u, expected string at line 1, char 49',
  ],
  ['DROP SUBSCRIPTION s ON db', 'found EOF, expected . at line 1, char 27'],
  ['SHOW TAG VALUES', 'found EOF, expected WITH at line 1, char 17'],
  ['SHOW TAG VALUES WITH KEY > x', 'found >, expected IN, =, =~ at line 1, char 26'],
  ['SHOW TAG VALUES WITH KEY IN x', 'found x, expected ( at line 1, char 29'],
  ['SHOW TAG VALUES WITH KEY IN (a', 'found EOF, expected ) at line 1, char 32'],
  ['SHOW TAG VALUES WITH KEY =~ x', 'found x, expected regex at line 1, char 29'],
  ['SHOW TAG VALUES EXACT x', 'found x, expected CARDINALITY at line 1, char 23'],
  ['SHOW TAG KEY x', 'found x, expected EXACT, CARDINALITY at line 1, char 14'],
  ['SHOW TAG KEY EXACT x', 'found x, expected CARDINALITY at line 1, char 20'],
  ['SHOW MEASUREMENT EXACT x', 'found x, expected CARDINALITY at line 1, char 24'],
  ['SHOW MEASUREMENTS WITH x', 'found x, expected MEASUREMENT at line 1, char 24'],
  ['SHOW MEASUREMENTS WITH MEASUREMENT > x', 'found >, expected =, =~ at line 1, char 36'],
  ['SHOW STATS FOR x', 'found x, expected string at line 1, char 16'],
  ['SHOW SERIES LIMIT -1', 'found -, expected integer at line 1, char 19'],
  ['SHOW SERIES LIMIT x', 'found x, expected integer at line 1, char 19'],
  ['EXPLAIN x', 'found x, expected SELECT at line 1, char 9'],
  ['EXPLAIN ANALYZE x', 'found x, expected SELECT at line 1, char 17'],
  ['SHOW GRANTS FOR', 'found EOF, expected identifier at line 1, char 17'],
  ['SELECT * FROM m INTO x', 'found INTO, expected ; at line 1, char 17'],
  ['SELECT * INTO FROM m', 'found FROM, expected identifier at line 1, char 15'],
  ['SELECT * INTO x:MEASUREMENT FROM m', 'found :, expected FROM at line 1, char 16'],
  ['SELECT * FROM (SHOW DATABASES)', 'found SHOW, expected SELECT at line 1, char 16'],
  ['SELECT * FROM (SELECT * FROM m', 'found EOF, expected ) at line 1, char 32'],
]

const withParams: readonly (readonly [string, QueryParams, string])[] = [
  ['SELECT * FROM m LIMIT $n', { n: -1n }, 'LIMIT must be >= 0 at line 1, char 23'],
  ['SELECT * FROM m OFFSET $n', { n: -5n }, 'OFFSET must be >= 0 at line 1, char 24'],
  ['SELECT $x FROM m', { x: null }, 'missing parameter: unable to bind parameter with type <nil>'],
  [
    'SELECT * FROM m WHERE a = $x',
    { x: { bogus: '1' } },
    'missing parameter: unknown bind object type: bogus',
  ],
  ['SELECT * FROM $x', { x: 1.5 }, 'found 1.5, expected identifier at line 1, char 15'],
  [
    'CREATE RETENTION POLICY p ON d DURATION 1h REPLICATION $n',
    { n: -3n },
    'invalid value -3: must be 1 <= n <= 2147483647 at line 1, char 56',
  ],
  [
    'DROP SHARD $n',
    { n: -3n },
    'strconv.ParseUint: parsing "-3": invalid syntax at line 1, char 12',
  ],
  ['SELECT * FROM m WHERE time > now() - $d', { d: { duration: '-5x' } }, 'invalid duration'],
]

function errorOf(text: string, params?: QueryParams): InfluxQLParseError {
  try {
    parseQuery(text, params)
  } catch (e) {
    if (e instanceof InfluxQLParseError) return e
    throw e
  }
  throw new Error(`parsed without error: ${text}`)
}

describe('InfluxQL parse errors', () => {
  for (const [text, message] of errors) {
    it(`rejects ${JSON.stringify(text)} with "${message}"`, () => {
      const e = errorOf(text)
      assert.equal(e.message, message)
      assert.equal(e.code, 'ERR_INFLUXQL_PARSE')
    })
  }
  for (const [text, params, message] of withParams) {
    it(`rejects ${JSON.stringify(text)} with bound parameters with "${message}"`, () => {
      assert.equal(errorOf(text, params).message, message)
    })
  }

  it('carries the position and the found and expected tokens as fields', () => {
    const e = errorOf('SELECT *\nFROM\n')
    assert.equal(e.reason, 'found EOF, expected identifier')
    assert.equal(e.line, 3)
    assert.equal(e.char, 2)
    assert.equal(e.found, 'EOF')
    assert.deepEqual(e.expected, ['identifier'])
    assert.deepEqual(e.fields, {
      reason: e.reason,
      line: 3,
      char: 2,
      found: 'EOF',
      expected: 'identifier',
    })
  })

  it('has no position for the errors InfluxDB reports without one', () => {
    const e = errorOf('SELECT mean(v) FROM m GROUP BY time(1m) fill')
    assert.equal(e.message, 'fill must be a function call')
    assert.equal(e.line, undefined)
    assert.equal(e.char, undefined)
  })

  it('reports a parse error, not a stack overflow, for absurdly deep nesting', () => {
    const deep = 'SELECT ' + '('.repeat(5000) + 'a' + ')'.repeat(5000) + ' FROM m'
    assert.equal(errorOf(deep).message, 'query nests too deeply')
    const subqueries = 'SELECT * FROM ' + '(SELECT * FROM '.repeat(1500) + 'm' + ')'.repeat(1500)
    assert.equal(errorOf(subqueries).message, 'query nests too deeply')
  })
})

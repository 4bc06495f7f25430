// Bound parameters: what each kind of value becomes, and InfluxDB's text for values that cannot
// be bound. Values arrive as InfluxDB's HTTP handler decodes them: JSON numbers with a `.` as
// floats, without as int64 (bigint), and numbers inside a `{"kind": value}` object as JSONNumber.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatStatement, JSONNumber, parseExpr, parseStatement } from './index.js'
import type { QueryParam, QueryParams } from './index.js'

function rhs(value: QueryParam): string {
  return formatStatement(parseStatement('SELECT * FROM m WHERE a = $v', { v: value }))
}

function failure(text: string, params: QueryParams): string {
  try {
    parseStatement(text, params)
  } catch (e) {
    return (e as Error).message
  }
  return 'no error'
}

describe('InfluxQL bound parameters', () => {
  it('binds strings, floats, int64s and booleans as literals', () => {
    assert.equal(rhs('x'), "SELECT * FROM m WHERE a = 'x'")
    assert.equal(rhs(1.5), 'SELECT * FROM m WHERE a = 1.500')
    assert.equal(rhs(10n), 'SELECT * FROM m WHERE a = 10')
    assert.equal(rhs(true), 'SELECT * FROM m WHERE a = true')
    assert.deepEqual(parseExpr('$v', { v: 2 }), { kind: 'NumberLiteral', value: 2 })
    assert.deepEqual(parseExpr('$v', { v: -9223372036854775808n }), {
      kind: 'IntegerLiteral',
      value: -(1n << 63n),
    })
  })

  it('binds typed objects as identifiers, regexes, strings, numbers, integers and durations', () => {
    assert.equal(
      formatStatement(
        parseStatement('SELECT $f FROM $m WHERE $t =~ $re', {
          f: { identifier: 'value' },
          m: { ident: 'my cpu' },
          t: { ident: 'host' },
          re: { regex: '^a/b' },
        }),
      ),
      'SELECT value FROM "my cpu" WHERE host =~ /^a\\/b/',
    )
    assert.deepEqual(parseExpr('$v', { v: { string: 'x' } }), { kind: 'StringLiteral', value: 'x' })
    assert.deepEqual(parseExpr('$v', { v: { number: new JSONNumber('2') } }), {
      kind: 'NumberLiteral',
      value: 2,
    })
    assert.deepEqual(parseExpr('$v', { v: { float: new JSONNumber('2.5') } }), {
      kind: 'NumberLiteral',
      value: 2.5,
    })
    assert.deepEqual(parseExpr('$v', { v: { integer: new JSONNumber('7') } }), {
      kind: 'IntegerLiteral',
      value: 7n,
    })
    assert.deepEqual(parseExpr('$v', { v: { duration: '1h' } }), {
      kind: 'DurationLiteral',
      value: 3_600_000_000_000n,
    })
    assert.deepEqual(parseExpr('$v', { v: { duration: new JSONNumber('90000000000') } }), {
      kind: 'DurationLiteral',
      value: 90_000_000_000n,
    })
  })

  it('accepts parameters as a Map as well as an object', () => {
    assert.deepEqual(parseExpr('$v', new Map([['v', 'x']])), { kind: 'StringLiteral', value: 'x' })
  })

  it('uses a bound value where an identifier, integer or duration is required', () => {
    assert.equal(
      formatStatement(parseStatement('SELECT * FROM m LIMIT $n', { n: 3n })),
      'SELECT * FROM m LIMIT 3',
    )
    assert.equal(formatStatement(parseStatement('DROP SHARD $id', { id: 12n })), 'DROP SHARD 12')
    assert.equal(
      formatStatement(parseStatement('CREATE DATABASE $db', { db: { identifier: 'mydb' } })),
      'CREATE DATABASE mydb',
    )
    assert.equal(
      failure('CREATE DATABASE $db', { db: 'mydb' }),
      'found mydb, expected identifier at line 1, char 17',
    )
  })

  it("reports InfluxDB's text for values that cannot be bound", () => {
    const text = 'SELECT * FROM m WHERE a = $v'
    const cases: [QueryParam, string][] = [
      [null, 'missing parameter: unable to bind parameter with type <nil>'],
      [[1n], 'missing parameter: unable to bind parameter with type []interface {}'],
      [{}, 'missing parameter: bound object parameter value must have exactly one entry'],
      [
        { a: 'x', b: 'y' },
        'missing parameter: bound object parameter value must have exactly one entry',
      ],
      [{ bogus: 'x' }, 'missing parameter: unknown bind object type: bogus'],
      [{ identifier: 1n }, 'missing parameter: identifier must be a string value'],
      [{ regex: true }, 'missing parameter: regex literal must be a string value'],
      [{ string: null }, 'missing parameter: string literal must be a string value'],
      [{ float: 'x' }, 'missing parameter: number literal must be a float value'],
      [
        { integer: new JSONNumber('7.5') },
        'missing parameter: integer literal must be an integer value',
      ],
      [
        { integer: new JSONNumber('1e5') },
        'missing parameter: strconv.ParseInt: parsing "1e5": invalid syntax',
      ],
      [{ duration: true }, 'missing parameter: duration literal must be a string or integer value'],
    ]
    for (const [value, message] of cases)
      assert.equal(failure(text, { v: value }), message, JSON.stringify(String(value)))
  })

  it('reports unknown, empty and unusable parameters as InfluxDB does', () => {
    assert.equal(failure('SELECT * FROM m WHERE a = $v', {}), 'missing parameter: v')
    assert.equal(failure('SELECT * FROM m WHERE a = $', {}), 'empty bound parameter')
    assert.equal(failure('SELECT * FROM m WHERE a = $$', {}), 'empty bound parameter')
    assert.equal(
      failure('SELECT * FROM $v', {}),
      'found $v, expected identifier at line 1, char 15',
    )
    assert.equal(
      failure('SELECT * FROM m LIMIT $n', { n: -1n }),
      'LIMIT must be >= 0 at line 1, char 23',
    )
    assert.equal(
      failure('SELECT * FROM m WHERE a = -$n', { n: 'x' }),
      'found x, expected identifier, number, duration, ( at line 1, char 28',
    )
  })
})

// The shape of the trees the parser builds, spelled out: operator precedence and associativity,
// signed literals, references and wildcards, every form of source and INTO target, the clauses of
// SELECT, SHOW TAG VALUES filters, continuous queries, bound parameters and multi-statement text.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseExpr, parseQuery, parseStatement } from './index.js'
import type {
  Expr,
  Measurement,
  QueryParams,
  RegexLiteral,
  SelectStatement,
  Statement,
} from './index.js'

const ref = (name: string, dataType: 'unknown' | 'float' | 'tag' = 'unknown'): Expr => ({
  kind: 'VarRef',
  name,
  dataType,
})
const int = (value: bigint): Expr => ({ kind: 'IntegerLiteral', value })
const num = (value: number): Expr => ({ kind: 'NumberLiteral', value })
const str = (value: string): Expr => ({ kind: 'StringLiteral', value })
const re = (pattern: string): RegexLiteral => ({ kind: 'RegexLiteral', pattern })
const bin = (op: Extract<Expr, { kind: 'BinaryExpr' }>['op'], lhs: Expr, rhs: Expr): Expr => ({
  kind: 'BinaryExpr',
  op,
  lhs,
  rhs,
})
const m = (name: string, more: Partial<Measurement> = {}): Measurement => ({
  kind: 'Measurement',
  database: '',
  retentionPolicy: '',
  name,
  regex: null,
  isTarget: false,
  ...more,
})

function select(text: string, params?: QueryParams): SelectStatement {
  const s = parseStatement(text, params)
  assert.equal(s.kind, 'SelectStatement')
  return s as SelectStatement
}

describe('InfluxQL parser trees', () => {
  it('binds * / % & tighter than + - | ^, then comparisons, then AND, then OR', () => {
    assert.deepEqual(
      parseExpr('a OR b AND c = 1 + 2 * 3'),
      bin(
        'OR',
        ref('a'),
        bin('AND', ref('b'), bin('=', ref('c'), bin('+', int(1n), bin('*', int(2n), int(3n))))),
      ),
    )
    assert.deepEqual(
      parseExpr('a | b & c ^ d'),
      bin('^', bin('|', ref('a'), bin('&', ref('b'), ref('c'))), ref('d')),
    )
  })

  it('groups operators of equal precedence from the left', () => {
    assert.deepEqual(parseExpr('a - b - c'), bin('-', bin('-', ref('a'), ref('b')), ref('c')))
    assert.deepEqual(
      parseExpr('a / b * c % d'),
      bin('%', bin('*', bin('/', ref('a'), ref('b')), ref('c')), ref('d')),
    )
  })

  it('keeps parentheses as ParenExpr nodes', () => {
    assert.deepEqual(
      parseExpr('(a + b) * c'),
      bin('*', { kind: 'ParenExpr', expr: bin('+', ref('a'), ref('b')) }, ref('c')),
    )
  })

  it('folds a sign into number, integer and duration literals, and multiplies anything else by -1', () => {
    assert.deepEqual(parseExpr('-1.5'), num(-1.5))
    assert.deepEqual(parseExpr('+7'), int(7n))
    assert.deepEqual(parseExpr('-10s'), { kind: 'DurationLiteral', value: -10_000_000_000n })
    assert.deepEqual(parseExpr('-x'), bin('*', int(-1n), ref('x')))
    assert.deepEqual(parseExpr('-(x)'), bin('*', int(-1n), { kind: 'ParenExpr', expr: ref('x') }))
    assert.deepEqual(parseExpr('-9223372036854775808'), int(-(1n << 63n)))
    assert.deepEqual(parseExpr('9223372036854775808'), {
      kind: 'UnsignedLiteral',
      value: 1n << 63n,
    })
    assert.ok(Object.is((parseExpr('-0.0') as { value: number }).value, -0))
  })

  it('reads references with dotted names and ::types, calls in lower case, and wildcards', () => {
    assert.deepEqual(parseExpr('"db.rp".value::float'), ref('db.rp.value', 'float'))
    assert.deepEqual(parseExpr('host::tag'), ref('host', 'tag'))
    assert.deepEqual(parseExpr('MEAN(*::field)'), {
      kind: 'Call',
      name: 'mean',
      args: [{ kind: 'Wildcard', wildcardType: 'field' }],
    })
    assert.deepEqual(parseExpr('now()'), { kind: 'Call', name: 'now', args: [] })
    assert.deepEqual(parseExpr('count(/^c/)'), { kind: 'Call', name: 'count', args: [re('^c')] })
    assert.deepEqual(parseExpr('DISTINCT host'), { kind: 'Distinct', name: 'host' })
    assert.deepEqual(parseExpr('distinct(host)'), {
      kind: 'Call',
      name: 'distinct',
      args: [ref('host')],
    })
  })

  it('reads string, boolean, duration and regex literals', () => {
    assert.deepEqual(parseExpr(`'it\\'s'`), str("it's"))
    assert.deepEqual(parseExpr('true'), { kind: 'BooleanLiteral', value: true })
    assert.deepEqual(parseExpr('1h30m'), { kind: 'DurationLiteral', value: 5_400_000_000_000n })
    assert.deepEqual(parseExpr('10µ'), { kind: 'DurationLiteral', value: 10_000n })
    assert.deepEqual(parseExpr('host =~ /a\\/b/'), bin('=~', ref('host'), re('a/b')))
  })

  it('reads every form of measurement source', () => {
    const sources = select(
      'SELECT * FROM cpu, rp.cpu, db.rp.cpu, db..cpu, /c.*/, rp./c/, db.rp./c/, db../c/',
    ).sources
    assert.deepEqual(sources, [
      m('cpu'),
      m('cpu', { retentionPolicy: 'rp' }),
      m('cpu', { database: 'db', retentionPolicy: 'rp' }),
      m('cpu', { database: 'db' }),
      m('', { regex: re('c.*') }),
      m('', { retentionPolicy: 'rp', regex: re('c') }),
      m('', { database: 'db', retentionPolicy: 'rp', regex: re('c') }),
      m('', { database: 'db', regex: re('c') }),
    ])
  })

  it('reads subqueries as sources', () => {
    const s = select('SELECT max(m) FROM (SELECT mean(v) AS m FROM cpu GROUP BY time(1m))')
    const [sub] = s.sources
    assert.equal(sub?.kind, 'SubQuery')
    if (sub?.kind === 'SubQuery') {
      assert.deepEqual(sub.statement.fields, [
        { expr: { kind: 'Call', name: 'mean', args: [ref('v')] }, alias: 'm' },
      ])
      assert.equal(sub.statement.isRawQuery, false)
    }
  })

  it('reads INTO targets, with :MEASUREMENT as an empty name', () => {
    const target = (text: string): Measurement | undefined => select(text).target?.measurement
    assert.deepEqual(
      target('SELECT * INTO db.rp.out FROM cpu'),
      m('out', { database: 'db', retentionPolicy: 'rp', isTarget: true }),
    )
    assert.deepEqual(
      target('SELECT * INTO db..:MEASUREMENT FROM /.*/'),
      m('', { database: 'db', isTarget: true }),
    )
    assert.deepEqual(
      target('SELECT * INTO rp.:MEASUREMENT FROM cpu'),
      m('', { retentionPolicy: 'rp', isTarget: true }),
    )
    assert.deepEqual(target('SELECT * INTO out FROM cpu'), m('out', { isTarget: true }))
  })

  it('reads the GROUP BY, fill, ORDER BY, LIMIT, OFFSET, SLIMIT, SOFFSET and tz clauses', () => {
    const s = select(
      "SELECT mean(v) FROM cpu WHERE host = 'a' GROUP BY time(1m, 30s), host, *, /^r/ fill(-2) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 4 tz('Europe/Paris')",
    )
    assert.deepEqual(s.condition, bin('=', ref('host'), str('a')))
    assert.deepEqual(
      s.dimensions.map((d) => d.expr),
      [
        {
          kind: 'Call',
          name: 'time',
          args: [
            { kind: 'DurationLiteral', value: 60_000_000_000n },
            { kind: 'DurationLiteral', value: 30_000_000_000n },
          ],
        },
        ref('host'),
        { kind: 'Wildcard', wildcardType: null },
        re('^r'),
      ],
    )
    assert.deepEqual([s.fill, s.fillValue], ['number', -2n])
    assert.deepEqual(s.sortFields, [{ name: 'time', ascending: false }])
    assert.deepEqual([s.limit, s.offset, s.sLimit, s.sOffset], [10, 2, 3, 4])
    assert.equal(s.location, 'Europe/Paris')
    assert.equal(s.isRawQuery, false)
  })

  it('keeps a float fill value a float and reads the named fills', () => {
    assert.deepEqual([select('SELECT mean(v) FROM m GROUP BY time(1m) fill(1.5)').fillValue], [1.5])
    for (const fill of ['none', 'null', 'previous', 'linear'] as const) {
      assert.equal(select(`SELECT mean(v) FROM m GROUP BY time(1m) fill(${fill})`).fill, fill)
    }
    assert.deepEqual(select('SELECT * FROM m ORDER BY ASC').sortFields, [
      { name: '', ascending: true },
    ])
    assert.equal(select("SELECT * FROM m tz('')").location, 'UTC')
    assert.equal(select('SELECT v FROM m').isRawQuery, true)
  })

  it('reads the WITH KEY filters of SHOW TAG VALUES', () => {
    const filter = (text: string): unknown => {
      const s = parseStatement(text)
      return s.kind === 'ShowTagValuesStatement' ? [s.op, s.tagKeyExpr] : undefined
    }
    assert.deepEqual(filter('SHOW TAG VALUES WITH KEY = host'), ['=', str('host')])
    assert.deepEqual(filter('SHOW TAG VALUES WITH KEY != host'), ['!=', str('host')])
    assert.deepEqual(filter('SHOW TAG VALUES WITH KEY =~ /h/'), ['=~', re('h')])
    assert.deepEqual(filter('SHOW TAG VALUES WITH KEY !~ /h/'), ['!~', re('h')])
    assert.deepEqual(filter('SHOW TAG VALUES WITH KEY IN (a, "b c")'), [
      'IN',
      { kind: 'ListLiteral', values: ['a', 'b c'] },
    ])
  })

  it('reads a continuous query with RESAMPLE EVERY and FOR', () => {
    const s = parseStatement(
      'CREATE CONTINUOUS QUERY cq ON db RESAMPLE EVERY 2m FOR 1h BEGIN SELECT mean(v) INTO db.rp.out FROM cpu GROUP BY time(1m) END',
    )
    assert.equal(s.kind, 'CreateContinuousQueryStatement')
    if (s.kind === 'CreateContinuousQueryStatement') {
      assert.deepEqual(
        [s.name, s.database, s.resampleEvery, s.resampleFor],
        ['cq', 'db', 120_000_000_000n, 3_600_000_000_000n],
      )
      assert.deepEqual(
        s.source.target?.measurement,
        m('out', { database: 'db', retentionPolicy: 'rp', isTarget: true }),
      )
    }
  })

  it('reads retention policy and database options, INF as 0', () => {
    const expected: Statement[] = [
      {
        kind: 'CreateRetentionPolicyStatement',
        name: 'rp',
        database: 'db',
        duration: 0n,
        replication: 2,
        default: true,
        shardGroupDuration: 3_600_000_000_000n,
      },
      {
        kind: 'AlterRetentionPolicyStatement',
        name: 'default',
        database: 'db',
        duration: null,
        replication: 3,
        default: false,
        shardGroupDuration: null,
      },
      {
        kind: 'CreateDatabaseStatement',
        name: 'db',
        retentionPolicyCreate: true,
        retentionPolicyDuration: 86_400_000_000_000n,
        retentionPolicyReplication: null,
        retentionPolicyName: 'daily',
        retentionPolicyShardGroupDuration: 0n,
      },
    ]
    assert.deepEqual(
      [
        'CREATE RETENTION POLICY rp ON db DURATION INF REPLICATION 2 SHARD DURATION 1h DEFAULT',
        'ALTER RETENTION POLICY DEFAULT ON db REPLICATION 3',
        'CREATE DATABASE db WITH DURATION 1d NAME daily',
      ].map((t) => parseStatement(t)),
      expected,
    )
  })

  it('substitutes bound parameters of every kind', () => {
    const s = select(
      'SELECT $f FROM $m WHERE host = $host AND v > $n AND w < $i AND ok = $b AND r =~ $re AND time > now() - $d LIMIT $l',
      {
        f: { identifier: 'value' },
        m: { ident: 'cpu' },
        host: 'serverA',
        n: 1.5,
        i: 42n,
        b: true,
        re: { regex: '^a' },
        d: { duration: '10m' },
        l: 5n,
      },
    )
    assert.deepEqual(s.fields, [{ expr: ref('value'), alias: '' }])
    assert.deepEqual(s.sources, [m('cpu')])
    assert.deepEqual(
      s.condition,
      bin(
        'AND',
        bin(
          'AND',
          bin(
            'AND',
            bin(
              'AND',
              bin('AND', bin('=', ref('host'), str('serverA')), bin('>', ref('v'), num(1.5))),
              bin('<', ref('w'), int(42n)),
            ),
            bin('=', ref('ok'), { kind: 'BooleanLiteral', value: true }),
          ),
          bin('=~', ref('r'), re('^a')),
        ),
        bin(
          '>',
          ref('time'),
          bin(
            '-',
            { kind: 'Call', name: 'now', args: [] },
            { kind: 'DurationLiteral', value: 600_000_000_000n },
          ),
        ),
      ),
    )
    assert.equal(s.limit, 5)
  })

  it('parses several statements separated by semicolons, skipping comments and empty statements', () => {
    const q = parseQuery('SELECT a FROM b; ;-- comment\nSHOW DATABASES /* block\ncomment */;\n')
    assert.deepEqual(
      q.statements.map((s) => s.kind),
      ['SelectStatement', 'ShowDatabasesStatement'],
    )
    assert.deepEqual(parseQuery('').statements, [])
    assert.deepEqual(parseQuery(' ;; ').statements, [])
  })

  it('parses only the first statement with parseStatement, as InfluxDB does', () => {
    assert.equal(parseStatement('SHOW DATABASES garbage here').kind, 'ShowDatabasesStatement')
  })
})

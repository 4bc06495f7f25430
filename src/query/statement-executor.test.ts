import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxQLParseError } from '../influxql/index.js'
import type { SelectStatement } from '../influxql/index.js'
import type { ResultPart, SelectExecutor } from './index.js'
import { openFixture } from './query-test-support.js'

describe('StatementExecutor', () => {
  it('throws the parser error from the first next() and runs nothing', async () => {
    const f = await openFixture()
    try {
      await assert.rejects(
        f.run('CREATE DATABASE a; SELEC'),
        (e: unknown) => e instanceof InfluxQLParseError && e.code === 'ERR_INFLUXQL_PARSE',
      )
      assert.equal(f.meta.data.database('a'), undefined)
    } finally {
      await f.close()
    }
  })

  it('stops at the first failing statement and numbers the rest "not executed" under its ID', async () => {
    const f = await openFixture()
    try {
      const r = await f.run(
        'SHOW DATABASES; SHOW RETENTION POLICIES ON nodb; CREATE DATABASE x; SHOW DATABASES',
      )
      assert.deepEqual(
        r.map((x) => [x.statementID, x.error]),
        [
          [0, undefined],
          [1, 'database not found: nodb'],
          [1, 'not executed'],
          [1, 'not executed'],
        ],
      )
      assert.equal(f.meta.data.database('x'), undefined)
    } finally {
      await f.close()
    }
  })

  it('reports rewrite errors under statement ID 0, as InfluxDB 1.6 does', async () => {
    const f = await openFixture()
    try {
      const r = await f.run(
        'SHOW DATABASES; SHOW MEASUREMENTS ON db WHERE time > 0; SHOW DATABASES',
      )
      assert.deepEqual(
        r.map((x) => [x.statementID, x.error]),
        [
          [0, undefined],
          [0, "SHOW MEASUREMENTS doesn't support time in WHERE clause"],
          [1, 'not executed'],
        ],
      )
    } finally {
      await f.close()
    }
  })

  it('warns about changes made over GET, with the password redacted', async () => {
    const f = await openFixture()
    try {
      const r = await f.run("CREATE USER bob WITH PASSWORD 'secret'; SHOW USERS", {
        readOnly: true,
      })
      assert.deepEqual(r[0]?.messages, [
        {
          level: 'warning',
          text: "deprecated use of 'CREATE USER bob WITH PASSWORD [REDACTED]' in a read only context, please use a POST request instead",
        },
      ])
      assert.equal(r[1]?.messages, undefined)
      assert.ok(
        !JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? 0 : v)).includes('secret'),
      )
    } finally {
      await f.close()
    }
  })

  it('answers SELECT and EXPLAIN with "SELECT is not implemented yet" after normalising', async () => {
    const f = await openFixture()
    try {
      assert.deepEqual(await f.rows('SELECT * FROM cpu'), [
        { statementID: 0, error: 'database name required' },
      ])
      assert.deepEqual(await f.rows('SELECT * FROM nodb..cpu'), [
        { statementID: 0, error: 'database not found: nodb' },
      ])
      await f.run('CREATE DATABASE db')
      assert.deepEqual(await f.rows('SELECT * FROM cpu; SHOW DATABASES', { database: 'db' }), [
        { statementID: 0, error: 'SELECT is not implemented yet' },
        { statementID: 0, error: 'not executed' },
      ])
      assert.deepEqual(await f.rows('EXPLAIN SELECT * FROM cpu', { database: 'db' }), [
        { statementID: 0, error: 'SELECT is not implemented yet' },
      ])
    } finally {
      await f.close()
    }
  })

  it('hands SELECTs with their database and retention policy filled in to the select executor', async () => {
    const seen: SelectStatement[] = []
    const select: SelectExecutor = {
      async *select(stmt): AsyncIterable<ResultPart> {
        seen.push(stmt)
        yield { series: [{ name: 'x', columns: ['a'], values: [[1n]] }] }
      },

      async *explain(): AsyncIterable<ResultPart> {
        throw new Error('unused')
      },
    }
    const f = await openFixture({ select })
    try {
      await f.run('CREATE DATABASE db')
      const r = await f.rows('SELECT v FROM cpu', { database: 'db' })
      assert.deepEqual(r, [
        { statementID: 0, series: [{ name: 'x', columns: ['a'], values: [[1]] }] },
      ])
      const src = seen[0]?.sources[0]
      assert.ok(src?.kind === 'Measurement')
      assert.deepEqual([src.database, src.retentionPolicy, src.name], ['db', 'autogen', 'cpu'])
    } finally {
      await f.close()
    }
  })

  it('lists running queries and kills one, which then fails with "query interrupted"', async () => {
    let started: () => void = () => undefined
    const running = new Promise<void>((resolve) => (started = resolve))
    const select: SelectExecutor = {
      async *select(_stmt, ctx): AsyncIterable<ResultPart> {
        started()
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        )
        throw new Error('stopped')
      },

      async *explain(): AsyncIterable<ResultPart> {
        throw new Error('unused')
      },
    }
    const f = await openFixture({ select })
    try {
      await f.run('CREATE DATABASE db')
      const slow = f.run('SELECT * FROM cpu; SHOW DATABASES; SHOW DATABASES', { database: 'db' })
      await running
      const shown = (await f.rows('SHOW QUERIES')) as { series: { values: unknown[][] }[] }[]
      const rows = shown[0]?.series[0]?.values ?? []
      const mine = rows.find((r) => r[1] === 'SELECT * FROM cpu;\nSHOW DATABASES;\nSHOW DATABASES')
      assert.ok(mine !== undefined, JSON.stringify(rows))
      assert.equal(mine[2], 'db')
      assert.equal(mine[4], 'running')
      assert.deepEqual(await f.rows(`KILL QUERY ${String(mine[0])}`), [{ statementID: 0 }])
      assert.deepEqual(
        (await slow).map((r) => [r.statementID, r.error]),
        [
          [0, 'query interrupted'],
          [0, 'not executed'],
          [0, 'not executed'],
        ],
      )
      assert.deepEqual(await f.rows('KILL QUERY 12345'), [
        { statementID: 0, error: 'no such query id: 12345' },
      ])
    } finally {
      await f.close()
    }
  })

  it('binds query parameters', async () => {
    const f = await openFixture()
    try {
      await f.run('CREATE DATABASE $name', { params: { name: { identifier: 'fromparam' } } })
      assert.ok(f.meta.data.database('fromparam') !== undefined)
    } finally {
      await f.close()
    }
  })

  it('counts queries for SHOW STATS', async () => {
    const f = await openFixture()
    try {
      await f.run('SHOW DATABASES')
      const r = (await f.rows("SHOW STATS FOR 'queryExecutor'")) as {
        series: { columns: string[]; values: number[][] }[]
      }[]
      const row = r[0]?.series[0]
      assert.deepEqual(row?.columns, [
        'queriesActive',
        'queriesExecuted',
        'queriesFinished',
        'queryDurationNs',
        'recoveredPanics',
      ])
      assert.equal(row?.values[0]?.[0], 1)
      assert.equal(row?.values[0]?.[1], 2)
      assert.equal(row?.values[0]?.[2], 1)
    } finally {
      await f.close()
    }
  })
})

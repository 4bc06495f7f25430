import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { openFixture, type Fixture } from './query-test-support.js'
import type { SelectContext, SelectExecutor } from './select-executor.js'
import type { SelectStatement } from '../influxql/index.js'
import { StoreSelectExecutor } from './select-store-executor.js'
import { columnNames } from './select-plan.js'

/** The fixture builds its components first; the executor is bound to them once they exist. */
function lateSelect(): { executor: SelectExecutor; bind(f: Fixture): void } {
  let inner: SelectExecutor | undefined
  const get = (): SelectExecutor => {
    if (inner === undefined) throw new Error('not bound')
    return inner
  }
  return {
    executor: {
      select: (stmt: SelectStatement, ctx: SelectContext) => get().select(stmt, ctx),
      explain: (stmt, ctx) => get().explain(stmt, ctx),
    },
    bind(f) {
      inner = new StoreSelectExecutor({ meta: f.meta, store: f.store })
    },
  }
}

describe('StoreSelectExecutor', () => {
  let f: Fixture
  before(async () => {
    const late = lateSelect()
    f = await openFixture({ select: late.executor, nowNs: 100_000n })
    late.bind(f)
    await f.run('CREATE DATABASE db')
    await f.write(
      'db',
      'cpu,host=a v=1,n=2i 10\ncpu,host=b v=3 20\ncpu,host=a v=5 30\nmem,host=a free=9i 15',
    )
    for (const s of f.store.shards()) await s.snapshot()
    await f.write('db', 'cpu,host=b v=7 40')
  })
  after(() => f.close())

  /** Every series a statement answered, over all its parts (one part per tag set). */
  async function seriesOf(q: string): Promise<unknown[]> {
    return ((await f.rows(q, { database: 'db' })) as { series?: unknown[] }[]).flatMap(
      (r) => r.series ?? [],
    )
  }

  it('merges the series of a measurement into one time-ordered row set, reading TSM files and the cache', async () => {
    assert.deepEqual(await f.rows('SELECT v FROM cpu', { database: 'db' }), [
      {
        statementID: 0,
        series: [
          {
            name: 'cpu',
            columns: ['time', 'v'],
            values: [
              [{ kind: 'time', ns: 10 }, 1],
              [{ kind: 'time', ns: 20 }, 3],
              [{ kind: 'time', ns: 30 }, 5],
              [{ kind: 'time', ns: 40 }, 7],
            ],
          },
        ],
      },
    ])
  })

  it('expands * to fields and tags sorted by name and groups by tag', async () => {
    assert.deepEqual(await seriesOf('SELECT * FROM cpu GROUP BY host LIMIT 1'), [
      {
        name: 'cpu',
        tags: { host: 'a' },
        columns: ['time', 'n', 'v'],
        values: [[{ kind: 'time', ns: 10 }, 2, 1]],
      },
      {
        name: 'cpu',
        tags: { host: 'b' },
        columns: ['time', 'n', 'v'],
        values: [[{ kind: 'time', ns: 20 }, null, 3]],
      },
    ])
  })

  it('answers aggregates at the range start and a lone selector at its point', async () => {
    const [agg] = (await f.rows('SELECT count(v), sum(v), mean(v) FROM cpu WHERE time >= 5', {
      database: 'db',
    })) as { series: unknown[] }[]
    assert.deepEqual(agg?.series, [
      {
        name: 'cpu',
        columns: ['time', 'count', 'sum', 'mean'],
        values: [[{ kind: 'time', ns: 5 }, 4, 16, 4]],
      },
    ])
    const [sel] = (await f.rows('SELECT max(v) FROM cpu', { database: 'db' })) as {
      series: unknown[]
    }[]
    assert.deepEqual(sel?.series, [
      { name: 'cpu', columns: ['time', 'max'], values: [[{ kind: 'time', ns: 40 }, 7]] },
    ])
  })

  it('answers an empty result for a measurement without the field and a time range without data', async () => {
    assert.deepEqual(await f.rows('SELECT free FROM cpu', { database: 'db' }), [{ statementID: 0 }])
    assert.deepEqual(await f.rows('SELECT v FROM cpu WHERE time > 40', { database: 'db' }), [
      { statementID: 0 },
    ])
  })

  it('rejects invalid select lists with InfluxDB texts', async () => {
    const err = async (q: string): Promise<string | undefined> =>
      (await f.run(q, { database: 'db' }))[0]?.error
    assert.equal(await err('SELECT nosuchfn(v) FROM cpu'), 'undefined function nosuchfn()')
    assert.equal(
      await err('SELECT v FROM cpu WHERE time > 0 GROUP BY time(1m)'),
      'GROUP BY requires at least one aggregate function',
    )
    assert.equal(
      await err('SELECT v FROM cpu fill(none)'),
      'fill(none) must be used with a function',
    )
    assert.equal(await err('SELECT v INTO x FROM cpu'), 'SELECT INTO is not implemented yet')
    assert.equal(
      await err('SELECT count(v), v FROM cpu'),
      'mixing aggregate and non-aggregate queries is not supported',
    )
    assert.equal(await err('SELECT time FROM cpu'), 'at least 1 non-time field must be queried')
    assert.equal(
      await err('SELECT mean(v) + 1 + v FROM cpu'),
      'mixing aggregate and non-aggregate queries is not supported',
    )
    assert.equal(await err('SELECT 1 + 2 FROM cpu'), 'field must contain at least one variable')
    assert.equal(
      await err('SELECT max(v), min(v), host FROM cpu'),
      'mixing multiple selector functions with tags or fields is not supported',
    )
  })

  it('answers GROUP BY time windows at their start, filling empty ones, up to the range end', async () => {
    const rows = async (q: string): Promise<unknown> => {
      const all = (await f.rows(q, { database: 'db' })) as { series?: unknown[]; error?: string }[]
      return all[0]?.error ?? all.flatMap((r) => r.series ?? [])
    }
    const t = (ns: number): { kind: 'time'; ns: number } => ({ kind: 'time', ns })
    assert.deepEqual(
      await rows(
        'SELECT count(v), max(v) FROM cpu WHERE time >= 5 AND time < 45 GROUP BY time(20ns)',
      ),
      [
        {
          name: 'cpu',
          columns: ['time', 'count', 'max'],
          values: [
            [t(0), 1, 1],
            [t(20), 2, 5],
            [t(40), 1, 7],
          ],
        },
      ],
    )
    assert.deepEqual(
      await rows(
        'SELECT mean(v) FROM cpu WHERE time >= 0 AND time < 60 GROUP BY time(10ns, 5ns) fill(linear)',
      ),
      [
        {
          name: 'cpu',
          columns: ['time', 'mean'],
          values: [
            [t(-5), null],
            [t(5), 1],
            [t(15), 3],
            [t(25), 5],
            [t(35), 7],
            [t(45), null],
            [t(55), null],
          ],
        },
      ],
    )
    assert.deepEqual(
      await rows(
        'SELECT last(v) FROM cpu WHERE time >= 0 AND time < 50 GROUP BY time(10ns), host fill(previous) ORDER BY time DESC LIMIT 2',
      ),
      [
        {
          name: 'cpu',
          tags: { host: 'b' },
          columns: ['time', 'last'],
          values: [
            [t(40), 7],
            [t(30), 7],
          ],
        },
        {
          name: 'cpu',
          tags: { host: 'a' },
          columns: ['time', 'last'],
          values: [
            [t(40), null],
            [t(30), 5],
          ],
        },
      ],
    )
  })

  it('filters points by WHERE conditions on fields, mixed with tags', async () => {
    const rows = async (q: string): Promise<unknown> =>
      ((await f.rows(q, { database: 'db' })) as { series?: unknown[] }[])[0]?.series
    const t = (ns: number): { kind: 'time'; ns: number } => ({ kind: 'time', ns })
    assert.deepEqual(await rows("SELECT v FROM cpu WHERE v > 2 AND host = 'a'"), [
      { name: 'cpu', columns: ['time', 'v'], values: [[t(30), 5]] },
    ])
    assert.deepEqual(await rows('SELECT count(v) FROM cpu WHERE v >= 3 OR n = 2'), [
      { name: 'cpu', columns: ['time', 'count'], values: [[t(0), 4]] },
    ])
    assert.deepEqual(await rows('SELECT v FROM cpu WHERE n = 2'), [
      { name: 'cpu', columns: ['time', 'v'], values: [[t(10), 1]] },
    ])
  })

  it("evaluates arithmetic and math per row and returns a selector's point with its aux columns", async () => {
    const rows = async (q: string): Promise<unknown> =>
      ((await f.rows(q, { database: 'db' })) as { series?: unknown[] }[])[0]?.series
    const t = (ns: number): { kind: 'time'; ns: number } => ({ kind: 'time', ns })
    assert.deepEqual(await rows('SELECT v * 2 + n FROM cpu WHERE time <= 20'), [
      {
        name: 'cpu',
        columns: ['time', 'v_n'],
        values: [
          [t(10), 4],
          [t(20), null],
        ],
      },
    ])
    assert.deepEqual(await rows('SELECT max(v), host FROM cpu'), [
      { name: 'cpu', columns: ['time', 'max', 'host'], values: [[t(40), 7, 'b']] },
    ])
    assert.deepEqual(await rows('SELECT sum(v) / count(v) AS avg, abs(min(v) - 10) FROM cpu'), [
      { name: 'cpu', columns: ['time', 'avg', 'abs'], values: [[t(0), 4, 9]] },
    ])
  })

  it('names repeated columns as InfluxDB does', () => {
    assert.deepEqual(columnNames(['v', 'v', 'mean']), ['time', 'v', 'v_1', 'mean'])
  })
})

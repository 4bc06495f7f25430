import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Shard } from '../engine/index.js'
import { openFixture, type Fixture } from './query-test-support.js'
import { remoteShard, type ShardReadClient } from './remote-shard.js'
import type { SelectContext, SelectExecutor } from './select-executor.js'
import type { SelectStatement } from '../influxql/index.js'
import { StoreSelectExecutor } from './select-store-executor.js'
import { columnNames } from './select-plan.js'
import type { SelectStorage } from './select-source.js'
import { batchAnswer, BatchSplitter } from './shard-batch-wire.js'
import { decodeIndex, encodeIndex } from './shard-wire.js'

/**
 * The fixture builds its components first; the executor is bound to them once they exist (to
 * `store`, default the fixture's).
 */
function lateSelect(): {
  executor: SelectExecutor
  bind(f: Fixture, store?: SelectStorage['store']): void
} {
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
    bind(f, store = f.store) {
      inner = new StoreSelectExecutor({ meta: f.meta, store })
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

/**
 * `store` with the shards `ids` held by another data node: RemoteShards whose index and values
 * come from the local shards through the shard wire formats.
 */
function withRemoteShards(
  store: SelectStorage['store'],
  ids: ReadonlySet<number>,
): SelectStorage['store'] {
  const client: ShardReadClient = {
    index: () => Promise.resolve(undefined),
    async readBatch(_node, id, items, sink) {
      const shard = store.shard(id)
      if (shard === undefined) return false
      const splitter = new BatchSplitter(items.length, sink)
      for await (const piece of batchAnswer(shard, items)) splitter.push(piece)
      splitter.finish()
      return true
    },
    deleteSeriesRange: () => Promise.resolve(),
  }
  const remote = new Map<number, Shard>()
  for (const s of store.shards()) {
    if (!ids.has(s.id)) continue
    const place = {
      id: s.id,
      database: s.database,
      retentionPolicy: s.retentionPolicy,
      owners: [{ id: 2n, address: 'node2' }],
      preferred: 0,
    }
    remote.set(s.id, remoteShard(place, decodeIndex(encodeIndex(s.index)), client))
  }
  return {
    shard: (id) => remote.get(id) ?? store.shard(id),
    shards: () => store.shards().map((s) => remote.get(s.id) ?? s),
  }
}

describe('a field with another type in each shard group', () => {
  // Two weeks apart, so each point has a shard group of its own (7-day groups).
  const DAY = 86_400_000_000_000n
  const T0 = 1_577_836_800_000_000_000n
  const t = (days: bigint): { kind: 'time'; ns: number } => ({
    kind: 'time',
    ns: Number(T0 + days * DAY),
  })
  const late = lateSelect()
  let f: Fixture
  before(async () => {
    f = await openFixture({ select: late.executor, nowNs: T0 + 100n * DAY })
    late.bind(f)
    await f.run('CREATE DATABASE c')
    await f.write('c', `c f=1.5,v=1 ${T0}\nc f=2i,v=2 ${T0 + 14n * DAY}`)
    for (const sh of f.store.shards()) await sh.snapshot()
    await f.write('c', `c f="s",v=3 ${T0 + 28n * DAY}\nc f=true,v=4 ${T0 + 42n * DAY}`)
  })
  after(() => f.close())

  const answer = async (q: string): Promise<unknown> => {
    const [r] = (await f.rows(q, { database: 'c' })) as { series?: unknown[]; error?: string }[]
    return r?.error ?? r?.series?.map((s) => (s as { values: unknown }).values) ?? []
  }

  /** influxd 1.6's answers: the statement types f as float, the highest of its shards' types. */
  async function answersAsInfluxd(): Promise<void> {
    assert.deepEqual(await answer('SELECT f FROM c'), [
      [
        [t(0n), 1.5],
        [t(14n), 2],
      ],
    ])
    assert.deepEqual(await answer('SELECT * FROM c'), [
      [
        [t(0n), 1.5, 1],
        [t(14n), 2, 2],
        [t(28n), null, 3],
        [t(42n), null, 4],
      ],
    ])
    assert.deepEqual(await answer('SELECT count(f), sum(f), mean(f) FROM c'), [
      [[{ kind: 'time', ns: 0 }, 2, 3.5, 1.75]],
    ])
    assert.deepEqual(await answer('SELECT f::string FROM c'), [[[t(28n), 's']]])
    assert.deepEqual(await answer('SELECT f::boolean, v FROM c WHERE v > 2'), [
      [
        [t(28n), null, 3],
        [t(42n), true, 4],
      ],
    ])
    assert.deepEqual(await answer('SELECT f::integer FROM c'), [
      [
        [t(0n), 1],
        [t(14n), 2],
      ],
    ])
    assert.deepEqual(await answer('SELECT count(f::string), last(f::boolean) FROM c'), [
      [[{ kind: 'time', ns: 0 }, 1, true]],
    ])
    assert.deepEqual(await answer("SELECT v FROM c WHERE f = 's'"), [])
    assert.deepEqual(await answer("SELECT v FROM c WHERE f::string = 's'"), [[[t(28n), 3]]])
    assert.deepEqual(await answer('SELECT v FROM c WHERE f >= 2'), [[[t(14n), 2]]])
    // Over the last two shard groups only, string is the highest type.
    assert.deepEqual(await answer(`SELECT f FROM c WHERE time > ${T0 + 20n * DAY}`), [
      [[t(28n), 's']],
    ])
  }

  it('reads it as the highest of its types, converting numbers and skipping other types', async () => {
    await answersAsInfluxd()
  })

  it('reads it alike when some of those shards are held by another data node', async () => {
    const ids = f.store
      .shards()
      .map((s) => s.id)
      .sort((a, b) => a - b)
    late.bind(f, withRemoteShards(f.store, new Set(ids.slice(1))))
    try {
      await answersAsInfluxd()
    } finally {
      late.bind(f)
    }
  })
})

describe('wildcards that match no field', () => {
  const late = lateSelect()
  let f: Fixture
  before(async () => {
    f = await openFixture({ select: late.executor, nowNs: 100_000n })
    late.bind(f)
    await f.run('CREATE DATABASE empty')
    await f.run('CREATE DATABASE gone')
    await f.write('gone', 'm,t=a v=1 10\nk,t=b s="x" 20')
    await f.run('DELETE FROM m', { database: 'gone' })
    await f.run('DROP MEASUREMENT k', { database: 'gone' })
  })
  after(() => f.close())

  it('answer nothing, as influxd expands them only after checking the select list', async () => {
    for (const db of ['empty', 'gone'])
      for (const q of [
        'SELECT count(*) FROM /.*/',
        'SELECT mean(*) FROM m GROUP BY time(1m)',
        'SELECT time, max(/v/) FROM m',
        'SELECT /v/ FROM m',
        'SELECT * FROM m',
      ])
        assert.deepEqual(await f.rows(q, { database: db }), [{ statementID: 0 }], `${db}: ${q}`)
  })

  it('still fail the checks made before expanding', async () => {
    const [r] = await f.run('SELECT *, count(*) FROM m', { database: 'empty' })
    assert.equal(r?.error, 'mixing aggregate and non-aggregate queries is not supported')
    const [fill] = await f.run('SELECT /v/ FROM m fill(none)', { database: 'empty' })
    assert.equal(fill?.error, 'fill(none) must be used with a function')
  })
})

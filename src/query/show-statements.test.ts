import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { openFixture } from './query-test-support.js'
import type { Fixture } from './query-test-support.js'

const NOW = 2_000_000_000_000_000_000n

async function withData(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const f = await openFixture({ nowNs: NOW })
  try {
    await f.run(
      'CREATE DATABASE db; CREATE RETENTION POLICY recent ON db DURATION 2d REPLICATION 1',
    )
    await f.write(
      'db',
      [
        'cpu,host=a,region=us v=1 10',
        'cpu,host=b v=2 20',
        'mem,host=a free=3i 10',
        'disk,dev=sda used=5 10',
        'notag v=1,s="x" 10',
        'a\\ b,t\\,k=v\\=1 v=1 10',
      ].join('\n'),
    )
    await f.write('db', `net,iface=eth0 rx=1 ${NOW}`, 'recent')
    await fn(f)
  } finally {
    await f.close()
  }
}

function series(r: unknown): unknown {
  return (r as { series?: unknown }[]).map((x) => x.series ?? null)
}

describe('SHOW statements', () => {
  it('lists measurements of every policy, filtered by name and tags, paged', () =>
    withData(async (f) => {
      const names = async (q: string): Promise<unknown> => {
        const r = (await f.rows(q, { database: 'db' })) as { series?: { values: unknown[][] }[] }[]
        return (r[0]?.series?.[0]?.values ?? []).map((v) => v[0])
      }
      assert.deepEqual(await names('SHOW MEASUREMENTS'), [
        'a b',
        'cpu',
        'disk',
        'mem',
        'net',
        'notag',
      ])
      assert.deepEqual(
        await names('SHOW MEASUREMENTS WITH MEASUREMENT =~ /^[cd]/ LIMIT 1 OFFSET 1'),
        ['disk'],
      )
      assert.deepEqual(await names("SHOW MEASUREMENTS WHERE host = 'a'"), ['cpu', 'mem'])
      assert.deepEqual(await names("SHOW MEASUREMENTS WHERE host != 'a'"), [])
      assert.deepEqual(await names("SHOW MEASUREMENTS WHERE host = 'b' OR dev = 'sda'"), [
        'cpu',
        'disk',
      ])
      assert.deepEqual(await f.rows('SHOW MEASUREMENTS WHERE v = 1', { database: 'db' }), [
        { statementID: 0, error: "right side of '=' must be a tag value string" },
      ])
      assert.deepEqual(await f.rows('SHOW MEASUREMENTS ON nodb'), [{ statementID: 0 }])
    }))

  it('lists series keys escaped and sorted, with the index rules for conditions', () =>
    withData(async (f) => {
      const keys = async (q: string): Promise<unknown> => {
        const r = (await f.rows(q, { database: 'db' })) as { series?: { values: unknown[][] }[] }[]
        return (r[0]?.series?.[0]?.values ?? []).map((v) => v[0])
      }
      assert.deepEqual(await keys('SHOW SERIES'), [
        'a\\ b,t\\,k=v\\=1',
        'cpu,host=a,region=us',
        'cpu,host=b',
        'disk,dev=sda',
        'mem,host=a',
        'net,iface=eth0',
        'notag',
      ])
      assert.deepEqual(await keys("SHOW SERIES FROM cpu WHERE region = ''"), ['cpu,host=b'])
      assert.deepEqual(await keys('SHOW SERIES WHERE region =~ /^$|e/'), [
        'a\\ b,t\\,k=v\\=1',
        'cpu,host=b',
        'disk,dev=sda',
        'mem,host=a',
        'net,iface=eth0',
        'notag',
      ])
      assert.deepEqual(await keys('SHOW SERIES LIMIT 2 OFFSET 2'), ['cpu,host=b', 'disk,dev=sda'])
      assert.deepEqual(await keys('SHOW SERIES WHERE time > 0'), [
        'a\\ b,t\\,k=v\\=1',
        'cpu,host=a,region=us',
        'cpu,host=b',
        'disk,dev=sda',
        'mem,host=a',
        'notag',
      ])
      assert.deepEqual(await keys(`SHOW SERIES FROM recent.net WHERE time > ${NOW - 10n}`), [
        'net,iface=eth0',
      ])
      assert.deepEqual(await f.rows("SHOW SERIES WHERE host > 'a'", { database: 'db' }), [
        { statementID: 0, error: 'invalid tag comparison operator' },
      ])
      assert.deepEqual(await f.rows('SHOW SERIES FROM nope.cpu', { database: 'db' }), [
        { statementID: 0, error: 'retention policy not found: nope' },
      ])
    }))

  it('lists tag keys and values per measurement, filtered and paged per measurement', () =>
    withData(async (f) => {
      assert.deepEqual(
        series(await f.rows("SHOW TAG KEYS FROM cpu, mem WHERE host = 'a'", { database: 'db' })),
        [
          [{ name: 'cpu', columns: ['tagKey'], values: [['host'], ['region']] }],
          [{ name: 'mem', columns: ['tagKey'], values: [['host']] }],
        ],
      )
      assert.deepEqual(
        series(
          await f.rows('SHOW TAG VALUES WITH KEY IN (host, region) LIMIT 2 OFFSET 1', {
            database: 'db',
          }),
        ),
        [
          [
            {
              name: 'cpu',
              columns: ['key', 'value'],
              values: [
                ['host', 'b'],
                ['region', 'us'],
              ],
            },
          ],
        ],
      )
      assert.deepEqual(
        series(
          await f.rows("SHOW TAG VALUES WITH KEY !~ /^h/ WHERE dev = 'sda'", { database: 'db' }),
        ),
        [[{ name: 'disk', columns: ['key', 'value'], values: [['dev', 'sda']] }]],
      )
      assert.deepEqual(await f.rows(`SHOW TAG KEYS WHERE time > ${NOW * 2n}`, { database: 'db' }), [
        { statementID: 0 },
      ])
      assert.deepEqual(await f.rows('SHOW TAG KEYS ON nodb'), [
        { statementID: 0, error: 'database not found: nodb' },
      ])
    }))

  it('lists field keys of the default policy unless FROM names another', () =>
    withData(async (f) => {
      assert.deepEqual(
        series(await f.rows('SHOW FIELD KEYS FROM notag, recent.net', { database: 'db' })),
        [
          [{ name: 'net', columns: ['fieldKey', 'fieldType'], values: [['rx', 'float']] }],
          [
            {
              name: 'notag',
              columns: ['fieldKey', 'fieldType'],
              values: [
                ['s', 'string'],
                ['v', 'float'],
              ],
            },
          ],
        ],
      )
      assert.deepEqual(series(await f.rows('SHOW FIELD KEYS FROM mem', { database: 'db' })), [
        [{ name: 'mem', columns: ['fieldKey', 'fieldType'], values: [['free', 'integer']] }],
      ])
    }))

  it('counts series, measurements, tag keys, tag values and field keys', () =>
    withData(async (f) => {
      const one = async (q: string): Promise<unknown> => series(await f.rows(q, { database: 'db' }))
      assert.deepEqual(await one('SHOW SERIES CARDINALITY'), [
        [{ columns: ['cardinality estimation'], values: [[7]] }],
      ])
      assert.deepEqual(await one('SHOW MEASUREMENT CARDINALITY'), [
        [{ columns: ['cardinality estimation'], values: [[6]] }],
      ])
      assert.deepEqual(await one('SHOW MEASUREMENT EXACT CARDINALITY'), [
        [{ columns: ['count'], values: [[5]] }],
      ])
      assert.deepEqual(await one('SHOW SERIES EXACT CARDINALITY FROM cpu'), [
        [{ name: 'cpu', columns: ['count'], values: [[2]] }],
      ])
      assert.deepEqual(await one('SHOW TAG VALUES EXACT CARDINALITY FROM cpu WITH KEY =~ /./'), [
        [{ name: 'cpu', columns: ['count'], values: [[3]] }],
      ])
      assert.deepEqual(await one('SHOW FIELD KEY CARDINALITY FROM notag'), [
        [{ name: 'notag', columns: ['count'], values: [[2]] }],
      ])
      assert.deepEqual(await one('SHOW TAG KEY CARDINALITY FROM cpu GROUP BY host'), [
        [{ name: 'cpu', tags: { host: 'a' }, columns: ['count'], values: [[2]] }],
        [{ name: 'cpu', tags: { host: 'b' }, columns: ['count'], values: [[1]] }],
      ])
      assert.deepEqual(
        await f.rows('SHOW TAG KEY CARDINALITY WHERE time > 0', { database: 'db' }),
        [
          {
            statementID: 0,
            error: "SHOW TAG KEY EXACT CARDINALITY doesn't support time in WHERE clause",
          },
        ],
      )
    }))

  it('shows shards, shard groups and continuous queries in InfluxDB shapes', () =>
    withData(async (f) => {
      const r = (await f.rows('SHOW SHARDS; SHOW SHARD GROUPS')) as {
        series: { name: string; values: unknown[][] }[]
      }[]
      assert.deepEqual(r[0]?.series[0]?.values[0], [
        1,
        'db',
        'autogen',
        1,
        '1969-12-29T00:00:00Z',
        '1970-01-05T00:00:00Z',
        '1970-01-05T00:00:00Z',
        '',
      ])
      assert.equal(r[1]?.series[0]?.name, 'shard groups')
      assert.deepEqual(r[1]?.series[0]?.values[1]?.slice(0, 3), [2, 'db', 'recent'])
      await f.run('DROP SHARD 1')
      const after = (await f.rows('SHOW SHARDS')) as { series: { values: unknown[][] }[] }[]
      assert.equal(after[0]?.series[0]?.values.length, 1)
      await f.run(
        'CREATE CONTINUOUS QUERY c ON db RESAMPLE EVERY 5m BEGIN SELECT max(v) INTO recent.out FROM cpu GROUP BY time(1h) END',
      )
      assert.deepEqual(series(await f.rows('SHOW CONTINUOUS QUERIES')), [
        [
          {
            name: 'db',
            columns: ['name', 'query'],
            values: [
              [
                'c',
                'CREATE CONTINUOUS QUERY c ON db RESAMPLE EVERY 5m BEGIN SELECT max(v) INTO db.recent.out FROM db.autogen.cpu GROUP BY time(1h) END',
              ],
            ],
          },
        ],
      ])
      assert.deepEqual(
        await f.rows(
          'CREATE CONTINUOUS QUERY d ON db BEGIN SELECT max(v) INTO nope.out FROM cpu GROUP BY time(1h) END',
        ),
        [{ statementID: 0, error: 'retention policy not found: db.nope' }],
      )
    }))

  it('shows subscriptions with their destinations as a list', () =>
    withData(async (f) => {
      await f.run("CREATE SUBSCRIPTION s ON db.autogen DESTINATIONS ANY 'udp://h:1', 'http://h:2'")
      assert.deepEqual(series(await f.rows('SHOW SUBSCRIPTIONS')), [
        [
          {
            name: 'db',
            columns: ['retention_policy', 'name', 'mode', 'destinations'],
            values: [['autogen', 's', 'ANY', ['udp://h:1', 'http://h:2']]],
          },
        ],
      ])
      assert.deepEqual(
        await f.rows("CREATE SUBSCRIPTION t ON db.autogen DESTINATIONS ALL 'ftp://h:1'"),
        [{ statementID: 0, error: 'invalid subscription URL: ftp://h:1' }],
      )
    }))

  it('shows diagnostics and statistics in InfluxDB shapes', () =>
    withData(async (f) => {
      const d = (await f.rows('SHOW DIAGNOSTICS')) as {
        series: { name: string; columns: string[] }[]
      }[]
      assert.deepEqual(
        d[0]?.series.map((s) => s.name),
        ['build', 'network', 'runtime', 'system'],
      )
      const s = (await f.rows("SHOW STATS FOR 'database'")) as {
        series: { tags: unknown; columns: string[]; values: unknown[][] }[]
      }[]
      assert.deepEqual(s[0]?.series[0], {
        name: 'database',
        tags: { database: 'db' },
        columns: ['numMeasurements', 'numSeries'],
        values: [[6, 7]],
      })
    }))
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { openFixture } from './query-test-support.js'
import type { Fixture } from './query-test-support.js'

async function times(f: Fixture, key: string): Promise<bigint[]> {
  const out: bigint[] = []
  for (const sh of f.store.shards()) out.push(...((await sh.read(key))?.times ?? []))
  return out.sort((a, b) => (a < b ? -1 : 1))
}

describe('DELETE, DROP SERIES and DROP MEASUREMENT', () => {
  it('deletes `time > a AND time < b` exclusively and `>=`/`<=` inclusively', async () => {
    const f = await openFixture()
    try {
      await f.run('CREATE DATABASE db')
      await f.write(
        'db',
        ['m,k=a v=1 10', 'm,k=a v=2 20', 'm,k=a v=3 30', 'm,k=a v=4 40'].join('\n'),
      )
      await f.run('DELETE FROM m WHERE time > 10 AND time < 30', { database: 'db' })
      assert.deepEqual(await times(f, 'm,k=a#!~#v'), [10n, 30n, 40n])
      await f.run('DELETE FROM m WHERE time >= 30 AND time <= 40', { database: 'db' })
      assert.deepEqual(await times(f, 'm,k=a#!~#v'), [10n])
      await f.run("DELETE WHERE time = 10 AND k = 'b'", { database: 'db' })
      assert.deepEqual(await times(f, 'm,k=a#!~#v'), [10n])
      await f.run("DELETE WHERE time = 10 AND k = 'a'", { database: 'db' })
      assert.deepEqual(await times(f, 'm,k=a#!~#v'), [])
      assert.deepEqual(await f.rows('SHOW SERIES', { database: 'db' }), [
        { statementID: 0, series: [] },
      ])
    } finally {
      await f.close()
    }
  })

  it('understands RFC3339 times and now() in DELETE', async () => {
    const now = 1_700_000_000_000_000_000n
    const f = await openFixture({ nowNs: now })
    try {
      await f.run('CREATE DATABASE db')
      await f.write(
        'db',
        [`m v=1 ${now - 10n}`, `m v=2 ${now + 10n}`, 'm v=3 946684800000000000'].join('\n'),
      )
      await f.run("DELETE FROM m WHERE time <= '2000-01-01T00:00:00Z'", { database: 'db' })
      assert.deepEqual(await times(f, 'm#!~#v'), [now - 10n, now + 10n])
      await f.run('DELETE FROM m WHERE time < now()', { database: 'db' })
      assert.deepEqual(await times(f, 'm#!~#v'), [now + 10n])
    } finally {
      await f.close()
    }
  })

  it('drops series by tag, refuses time in DROP SERIES and field conditions anywhere', async () => {
    const f = await openFixture()
    try {
      await f.run('CREATE DATABASE db')
      await f.write('db', ['m,k=a v=1 10', 'm,k=b v=1 10', 'm v=1 10', 'n,k=a v=1 10'].join('\n'))
      assert.deepEqual(
        await f.rows("DROP SERIES FROM m WHERE k = 'a'; DROP SERIES WHERE k = ''; SHOW SERIES", {
          database: 'db',
        }),
        [
          { statementID: 0 },
          { statementID: 1 },
          { statementID: 2, series: [{ columns: ['key'], values: [['m,k=b'], ['n,k=a']] }] },
        ],
      )
      assert.deepEqual(await f.rows('DROP SERIES WHERE time > 1', { database: 'db' }), [
        { statementID: 0, error: "DROP SERIES doesn't support time in WHERE clause" },
      ])
      assert.deepEqual(await f.rows('DELETE FROM m WHERE v > 1', { database: 'db' }), [
        { statementID: 0, error: 'shard 1: fields not supported in WHERE clause during deletion' },
      ])
      assert.deepEqual(await f.rows('DELETE FROM m'), [
        { statementID: 0, error: 'database not found: ' },
      ])
    } finally {
      await f.close()
    }
  })

  it('drops a measurement from every shard of the database, regexes expanding over its names', async () => {
    const f = await openFixture({ nowNs: 2_000_000_000_000_000_000n })
    try {
      await f.run('CREATE DATABASE db; CREATE RETENTION POLICY rp ON db DURATION INF REPLICATION 1')
      await f.write('db', 'cpu,h=a v=1 10\ncpu2 v=1 10\nmem v=1 10')
      await f.write('db', 'cpu,h=b v=1 10', 'rp')
      await f.run('DROP MEASUREMENT cpu; DROP MEASUREMENT nosuch', { database: 'db' })
      assert.deepEqual(await f.rows('SHOW MEASUREMENTS', { database: 'db' }), [
        {
          statementID: 0,
          series: [{ name: 'measurements', columns: ['name'], values: [['cpu2'], ['mem']] }],
        },
      ])
      await f.run('DROP SERIES FROM /^c/', { database: 'db' })
      assert.deepEqual(await f.rows('SHOW MEASUREMENTS', { database: 'db' }), [
        {
          statementID: 0,
          series: [{ name: 'measurements', columns: ['name'], values: [['mem']] }],
        },
      ])
    } finally {
      await f.close()
    }
  })
})

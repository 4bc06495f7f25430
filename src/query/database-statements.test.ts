import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { openFixture } from './query-test-support.js'

describe('database and retention policy statements', () => {
  it('creates a database with the autogen policy, idempotently, and refuses invalid names', async () => {
    const f = await openFixture()
    try {
      assert.deepEqual(
        await f.rows('CREATE DATABASE db; CREATE DATABASE db; CREATE DATABASE "a/b"'),
        [{ statementID: 0 }, { statementID: 1 }, { statementID: 2, error: 'invalid name' }],
      )
      assert.deepEqual(await f.rows('SHOW RETENTION POLICIES ON db'), [
        {
          statementID: 0,
          series: [
            {
              columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
              values: [['autogen', '0s', '168h0m0s', 1, true]],
            },
          ],
        },
      ])
    } finally {
      await f.close()
    }
  })

  it('creates a database WITH a named policy and reports conflicts with InfluxDB texts', async () => {
    const f = await openFixture()
    try {
      await f.run('CREATE DATABASE db WITH DURATION 3d REPLICATION 1 SHARD DURATION 1h NAME short')
      const rp = f.meta.data.retentionPolicy('db', 'short')
      assert.equal(rp?.durationNs, 3n * 86_400_000_000_000n)
      assert.equal(rp?.shardGroupDurationNs, 3_600_000_000_000n)
      assert.equal(f.meta.data.database('db')?.defaultRetentionPolicy, 'short')
      assert.deepEqual(await f.rows('CREATE DATABASE db WITH DURATION 4d'), [
        { statementID: 0, error: 'retention policy conflicts with an existing policy' },
      ])
      assert.deepEqual(await f.rows('CREATE DATABASE d2 WITH DURATION 30m'), [
        { statementID: 0, error: 'retention policy duration must be at least 1h0m0s' },
      ])
    } finally {
      await f.close()
    }
  })

  it('creates, alters and drops retention policies; missing ones are silent to drop', async () => {
    const f = await openFixture()
    try {
      await f.run('CREATE DATABASE db')
      assert.deepEqual(
        await f.rows(
          'CREATE RETENTION POLICY rp1 ON db DURATION 2d REPLICATION 1 DEFAULT; ALTER RETENTION POLICY rp1 ON db DURATION 3d SHARD DURATION 2h; DROP RETENTION POLICY nope ON db; DROP RETENTION POLICY x ON nodb',
        ),
        [{ statementID: 0 }, { statementID: 1 }, { statementID: 2 }, { statementID: 3 }],
      )
      assert.deepEqual(await f.rows('SHOW RETENTION POLICIES', { database: 'db' }), [
        {
          statementID: 0,
          series: [
            {
              columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
              values: [
                ['autogen', '0s', '168h0m0s', 1, false],
                ['rp1', '72h0m0s', '2h0m0s', 1, true],
              ],
            },
          ],
        },
      ])
      assert.deepEqual(await f.rows('ALTER RETENTION POLICY nope ON db DURATION 1d'), [
        { statementID: 0, error: 'retention policy not found: nope' },
      ])
      assert.deepEqual(
        await f.rows('CREATE RETENTION POLICY rp1 ON db DURATION 5d REPLICATION 1'),
        [{ statementID: 0, error: 'retention policy already exists' }],
      )
    } finally {
      await f.close()
    }
  })

  it('drops a database with its shards and their directories', async () => {
    const f = await openFixture()
    try {
      await f.run('CREATE DATABASE db')
      await f.write('db', 'cpu v=1 10')
      const shard = f.store.shards()[0]
      assert.ok(shard !== undefined && existsSync(shard.path))
      await f.run('DROP DATABASE db; DROP DATABASE db')
      assert.equal(f.store.shards().length, 0)
      assert.equal(existsSync(join(f.dir, 'data', 'db')), false)
      assert.deepEqual(await f.rows('SHOW DATABASES'), [
        { statementID: 0, series: [{ name: 'databases', columns: ['name'] }] },
      ])
    } finally {
      await f.close()
    }
  })

  it('needs a database for SHOW RETENTION POLICIES', async () => {
    const f = await openFixture()
    try {
      assert.deepEqual(await f.rows('SHOW RETENTION POLICIES'), [
        { statementID: 0, error: 'database name required' },
      ])
      assert.deepEqual(await f.rows('SHOW RETENTION POLICIES ON nodb'), [
        { statementID: 0, error: 'database not found: nodb' },
      ])
    } finally {
      await f.close()
    }
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { QueryAuthorizationError } from './index.js'
import type { QueryUser } from './index.js'
import { openFixture } from './query-test-support.js'

const bob: QueryUser = { name: 'bob', admin: false, privileges: new Map() }
const root: QueryUser = { name: 'root', admin: true, privileges: new Map() }

function denied(message: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof QueryAuthorizationError, String(e))
    assert.equal(e.message, message)
    assert.equal(e.code, 'ERR_QUERY_AUTHORIZATION')
    return true
  }
}

describe('query authorization', () => {
  it('allows only CREATE USER … WITH ALL PRIVILEGES, first, while there are no users', async () => {
    const f = await openFixture()
    try {
      const auth = { authEnabled: true }
      await assert.rejects(
        f.run('SHOW DATABASES', auth),
        denied('create admin user first or disable authentication'),
      )
      await assert.rejects(
        f.run("CREATE USER bob WITH PASSWORD 'x'", auth),
        denied('create admin user first or disable authentication'),
      )
      assert.deepEqual(
        await f.rows("CREATE USER root WITH PASSWORD 'x' WITH ALL PRIVILEGES; SHOW USERS", auth),
        [
          { statementID: 0 },
          { statementID: 1, series: [{ columns: ['user', 'admin'], values: [['root', true]] }] },
        ],
      )
      await assert.rejects(f.run('SHOW DATABASES', auth), denied('no user provided'))
    } finally {
      await f.close()
    }
  })

  it('checks every statement before running any, with InfluxDB texts', async () => {
    const f = await openFixture()
    try {
      await f.run(
        "CREATE DATABASE a; CREATE DATABASE b; CREATE USER root WITH PASSWORD 'x' WITH ALL PRIVILEGES",
      )
      await f.run("CREATE USER bob WITH PASSWORD 'y'; GRANT READ ON a TO bob")
      const as = (
        user: QueryUser,
        database = '',
      ): { authEnabled: boolean; user: QueryUser; database: string } => ({
        authEnabled: true,
        user,
        database,
      })
      await assert.rejects(
        f.run('CREATE DATABASE c', as(bob)),
        denied(
          "bob not authorized to execute statement 'CREATE DATABASE c', requires admin privilege",
        ),
      )
      await assert.rejects(
        f.run('SHOW MEASUREMENTS ON a; SHOW MEASUREMENTS ON b', as(bob)),
        denied(
          "bob not authorized to execute statement 'SHOW MEASUREMENTS ON b', requires READ on b",
        ),
      )
      await assert.rejects(
        f.run('DROP SERIES FROM cpu', as(bob, 'a')),
        denied(
          "bob not authorized to execute statement 'DROP SERIES FROM cpu', requires WRITE on a",
        ),
      )
      await assert.rejects(
        f.run('SHOW QUERIES', as(bob)),
        denied("bob not authorized to execute statement 'SHOW QUERIES', requires READ on "),
      )
      assert.deepEqual(
        await f.rows('SHOW DATABASES; SHOW QUERIES', as(bob, 'a')).then((r) => (r as unknown[])[0]),
        {
          statementID: 0,
          series: [{ name: 'databases', columns: ['name'], values: [['a']] }],
        },
      )
      assert.equal(f.meta.data.database('c'), undefined)
      assert.deepEqual(await f.rows('CREATE DATABASE c', as(root)), [{ statementID: 0 }])
    } finally {
      await f.close()
    }
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { openFixture, testHasher } from './query-test-support.js'

describe('user and privilege statements', () => {
  it('stores a hash, never the password, and shows only names and admin flags', async () => {
    const f = await openFixture()
    try {
      await f.run(
        "CREATE USER bob WITH PASSWORD 'pw'; CREATE USER root WITH PASSWORD 'x' WITH ALL PRIVILEGES",
      )
      const bob = f.meta.data.user('bob')
      assert.equal(bob?.hash, await testHasher.hash('pw'))
      assert.deepEqual(await f.rows('SHOW USERS'), [
        {
          statementID: 0,
          series: [
            {
              columns: ['user', 'admin'],
              values: [
                ['bob', false],
                ['root', true],
              ],
            },
          ],
        },
      ])
    } finally {
      await f.close()
    }
  })

  it('accepts a repeated CREATE USER only with the same password and admin flag', async () => {
    const f = await openFixture()
    try {
      assert.deepEqual(
        await f.rows(
          "CREATE USER bob WITH PASSWORD 'pw'; CREATE USER bob WITH PASSWORD 'pw'; CREATE USER bob WITH PASSWORD 'other'",
        ),
        [{ statementID: 0 }, { statementID: 1 }, { statementID: 2, error: 'user already exists' }],
      )
      assert.deepEqual(await f.rows("CREATE USER bob WITH PASSWORD 'pw' WITH ALL PRIVILEGES"), [
        { statementID: 0, error: 'user already exists' },
      ])
    } finally {
      await f.close()
    }
  })

  it('grants and revokes database privileges bit by bit, keeping revoked entries', async () => {
    const f = await openFixture()
    try {
      await f.run(
        "CREATE DATABASE db; CREATE USER bob WITH PASSWORD 'pw'; GRANT ALL ON db TO bob; REVOKE WRITE ON db FROM bob",
      )
      assert.deepEqual(await f.rows('SHOW GRANTS FOR bob'), [
        {
          statementID: 0,
          series: [{ columns: ['database', 'privilege'], values: [['db', 'READ']] }],
        },
      ])
      await f.run('REVOKE READ ON db FROM bob')
      assert.deepEqual(await f.rows('SHOW GRANTS FOR bob'), [
        {
          statementID: 0,
          series: [{ columns: ['database', 'privilege'], values: [['db', 'NO PRIVILEGES']] }],
        },
      ])
      assert.deepEqual(await f.rows('GRANT READ ON nodb TO bob'), [
        { statementID: 0, error: 'database not found: nodb' },
      ])
      assert.deepEqual(await f.rows('GRANT READ ON db TO nobody'), [
        { statementID: 0, error: 'user not found' },
      ])
      assert.deepEqual(await f.rows('SHOW GRANTS FOR nobody'), [
        { statementID: 0, error: 'user not found' },
      ])
    } finally {
      await f.close()
    }
  })

  it('makes and unmakes admins, changes passwords and drops users', async () => {
    const f = await openFixture()
    try {
      await f.run("CREATE USER bob WITH PASSWORD 'pw'; GRANT ALL PRIVILEGES TO bob")
      assert.equal(f.meta.data.user('bob')?.admin, true)
      await f.run("REVOKE ALL PRIVILEGES FROM bob; SET PASSWORD FOR bob = 'new'")
      assert.equal(f.meta.data.user('bob')?.admin, false)
      assert.equal(f.meta.data.user('bob')?.hash, await testHasher.hash('new'))
      assert.deepEqual(
        await f.rows("SET PASSWORD FOR nobody = 'x'; DROP USER bob; DROP USER bob"),
        [
          { statementID: 0, error: 'user not found' },
          { statementID: 0, error: 'not executed' },
          { statementID: 0, error: 'not executed' },
        ],
      )
      assert.deepEqual(await f.rows('DROP USER bob; DROP USER bob'), [
        { statementID: 0 },
        { statementID: 1, error: 'user not found' },
      ])
    } finally {
      await f.close()
    }
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  MetaData,
  MetaError,
  Privilege,
  authenticate,
  authorizeDatabase,
  createUserWithPassword,
  setUserPassword,
} from './index.js'
import type { PasswordHasher } from './index.js'

function throwsMeta(fn: () => unknown, code: string, message: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof MetaError && e.code === code && e.message === message,
  )
}

async function rejectsMeta(p: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) => e instanceof MetaError && e.code === code && e.message === message,
  )
}

/** A stand-in for bcrypt: reversible, so tests can see which password a hash holds. */
const hasher: PasswordHasher = {
  hash: (password) => Promise.resolve(`fake$${password}`),
  compare: (password, hash) => Promise.resolve(hash === `fake$${password}`),
}

const withDB = (): MetaData => MetaData.empty(1n).createDatabase('db')

describe('MetaData users and privileges', () => {
  it('creates, updates and drops users with InfluxDB texts for the failures', () => {
    const d = withDB().createUser('bob', 'h1', false)
    assert.deepEqual(d.user('bob'), {
      name: 'bob',
      hash: 'h1',
      admin: false,
      privileges: new Map(),
    })
    assert.equal(d.updateUser('bob', 'h2').user('bob')?.hash, 'h2')
    assert.deepEqual(d.dropUser('bob').users, [])
    throwsMeta(
      () => d.createUser('', 'h', false),
      'ERR_META_USERNAME_REQUIRED',
      'username required',
    )
    throwsMeta(() => d.createUser('bob', 'h', true), 'ERR_META_USER_EXISTS', 'user already exists')
    throwsMeta(() => d.dropUser('eve'), 'ERR_META_USER_NOT_FOUND', 'user not found')
    throwsMeta(() => d.updateUser('eve', 'h'), 'ERR_META_USER_NOT_FOUND', 'user not found')
  })

  it('sets privileges per database; REVOKE ALL keeps the entry with NO PRIVILEGES', () => {
    const d = withDB().createUser('carol', 'h', false).setPrivilege('carol', 'db', Privilege.Write)
    assert.equal(d.userPrivilege('carol', 'db'), Privilege.Write)
    assert.equal(d.userPrivilege('carol', 'other'), Privilege.None)
    const revoked = d.setPrivilege('carol', 'db', Privilege.None)
    assert.deepEqual([...revoked.userPrivileges('carol')], [['db', 0]])
    throwsMeta(
      () => d.setPrivilege('eve', 'db', Privilege.Read),
      'ERR_META_USER_NOT_FOUND',
      'user not found',
    )
    throwsMeta(
      () => d.setPrivilege('carol', 'nope', Privilege.Read),
      'ERR_META_DATABASE_NOT_FOUND',
      'database not found: nope',
    )
    throwsMeta(() => d.userPrivileges('eve'), 'ERR_META_USER_NOT_FOUND', 'user not found')
  })

  it('tracks admins', () => {
    const d = withDB().createUser('u', 'h', false)
    assert.equal(d.adminUserExists(), false)
    const admin = d.setAdminPrivilege('u', true)
    assert.equal(admin.adminUserExists(), true)
    assert.equal(admin.setAdminPrivilege('u', true), admin)
    assert.equal(admin.setAdminPrivilege('u', false).adminUserExists(), false)
    throwsMeta(() => d.setAdminPrivilege('eve', true), 'ERR_META_USER_NOT_FOUND', 'user not found')
  })

  it('authorizes like InfluxDB: admins always, otherwise the same privilege or ALL', () => {
    const d = withDB()
      .createUser('admin', 'h', true)
      .createUser('r', 'h', false)
      .setPrivilege('r', 'db', Privilege.Read)
      .createUser('a', 'h', false)
      .setPrivilege('a', 'db', Privilege.All)
    const can = (name: string, p: Privilege): boolean => {
      const u = d.user(name)
      assert.ok(u)
      return authorizeDatabase(u, p, 'db')
    }
    assert.deepEqual(
      [
        can('admin', Privilege.Write),
        can('r', Privilege.Read),
        can('r', Privilege.Write),
        can('a', Privilege.Write),
      ],
      [true, true, false, true],
    )
    assert.equal(can('r', Privilege.None), true)
  })
})

describe('users with passwords', () => {
  it('stores only the hash, and repeats a create with the same password and admin flag as a no-op', async () => {
    const d = await createUserWithPassword(withDB(), 'bob', 'secret', false, hasher)
    assert.equal(d.user('bob')?.hash, 'fake$secret')
    assert.equal(await createUserWithPassword(d, 'bob', 'secret', false, hasher), d)
    await rejectsMeta(
      createUserWithPassword(d, 'bob', 'other', false, hasher),
      'ERR_META_USER_EXISTS',
      'user already exists',
    )
    await rejectsMeta(
      createUserWithPassword(d, 'bob', 'secret', true, hasher),
      'ERR_META_USER_EXISTS',
      'user already exists',
    )
  })

  it('changes a password and authenticates against the stored hash', async () => {
    const d = await setUserPassword(
      await createUserWithPassword(withDB(), 'bob', 'old', false, hasher),
      'bob',
      'new',
      hasher,
    )
    assert.equal((await authenticate(d, 'bob', 'new', hasher)).name, 'bob')
    await rejectsMeta(
      authenticate(d, 'bob', 'old', hasher),
      'ERR_META_AUTHENTICATION_FAILED',
      'authentication failed',
    )
    await rejectsMeta(
      authenticate(d, 'eve', 'x', hasher),
      'ERR_META_USER_NOT_FOUND',
      'user not found',
    )
    await rejectsMeta(
      setUserPassword(d, 'eve', 'x', hasher),
      'ERR_META_USER_NOT_FOUND',
      'user not found',
    )
  })
})

// Users and privileges: CREATE/DROP USER, SET PASSWORD, GRANT/REVOKE (on a database or admin),
// SHOW USERS and SHOW GRANTS, as InfluxDB 1.6's meta client does them. Passwords are hashed with
// the injected PasswordHasher before the metastore sees them and are never logged or returned.

import type {
  CreateUserStatement,
  DropUserStatement,
  GrantAdminStatement,
  GrantStatement,
  RevokeAdminStatement,
  RevokeStatement,
  SetPasswordUserStatement,
  ShowGrantsForUserStatement,
  ShowUsersStatement,
} from '../influxql/index.js'
import { Privilege, UserExistsError, UserNotFoundError } from '../meta/index.js'
import type { Privilege as PrivilegeValue } from '../meta/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import type { QueryCell } from './result.js'

/** The metastore value of an InfluxQL privilege. */
export function privilegeValue(p: GrantStatement['privilege']): PrivilegeValue {
  switch (p) {
    case 'READ':
      return Privilege.Read
    case 'WRITE':
      return Privilege.Write
    case 'ALL PRIVILEGES':
      return Privilege.All
    default: {
      const never: never = p
      return never
    }
  }
}

/** InfluxQL's name of a privilege value (`SHOW GRANTS`, authorization errors). */
export function privilegeName(p: PrivilegeValue): string {
  return ['NO PRIVILEGES', 'READ', 'WRITE', 'ALL PRIVILEGES'][p] ?? ''
}

/**
 * CREATE USER: idempotent when the user exists with the same password and admin flag; otherwise
 * an existing user is `user already exists`.
 */
export async function* createUser(
  stmt: CreateUserStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const existing = ctx.meta.data.user(stmt.name)
  if (existing !== undefined) {
    if (
      existing.admin !== stmt.admin ||
      !(await ctx.hasher.compare(stmt.password, existing.hash))
    ) {
      throw new UserExistsError(stmt.name)
    }
    return
  }
  const hash = await ctx.hasher.hash(stmt.password)
  await ctx.meta.update((d) => d.createUser(stmt.name, hash, stmt.admin))
}

/** DROP USER. */
export async function* dropUser(
  stmt: DropUserStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => d.dropUser(stmt.name))
}

/** SET PASSWORD FOR user = 'pw'. */
export async function* setPassword(
  stmt: SetPasswordUserStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const hash = await ctx.hasher.hash(stmt.password)
  await ctx.meta.update((d) => d.updateUser(stmt.name, hash))
}

/** GRANT READ|WRITE|ALL ON db TO user. */
export async function* grant(
  stmt: GrantStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => d.setPrivilege(stmt.user, stmt.on, privilegeValue(stmt.privilege)))
}

/** GRANT ALL PRIVILEGES TO user (admin). */
export async function* grantAdmin(
  stmt: GrantAdminStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => d.setAdminPrivilege(stmt.user, true))
}

/** REVOKE: clears the revoked bits (REVOKE ALL stores NO PRIVILEGES; the entry stays). */
export async function* revoke(
  stmt: RevokeStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => {
    let p: PrivilegeValue = Privilege.None
    if (stmt.privilege !== 'ALL PRIVILEGES') {
      p = (d.userPrivilege(stmt.user, stmt.on) &
        ~privilegeValue(stmt.privilege) &
        3) as PrivilegeValue
    }
    return d.setPrivilege(stmt.user, stmt.on, p)
  })
}

/** REVOKE ALL PRIVILEGES FROM user (admin). */
export async function* revokeAdmin(
  stmt: RevokeAdminStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => d.setAdminPrivilege(stmt.user, false))
}

/** SHOW USERS: names and admin flags, never hashes. */
export async function* showUsers(
  _stmt: ShowUsersStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const values: QueryCell[][] = ctx.meta.data.users.map((u) => [u.name, u.admin])
  yield { series: [{ columns: ['user', 'admin'], ...(values.length > 0 && { values }) }] }
}

/** SHOW GRANTS FOR user. */
export async function* showGrants(
  stmt: ShowGrantsForUserStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const u = ctx.meta.data.user(stmt.name)
  if (u === undefined) throw new UserNotFoundError(stmt.name)
  const values: QueryCell[][] = [...u.privileges].map(([db, p]) => [db, privilegeName(p)])
  yield { series: [{ columns: ['database', 'privilege'], ...(values.length > 0 && { values }) }] }
}

// User and privilege operations on the model, mirroring InfluxDB 1.6's data.go. The model stores
// bcrypt hashes only; hashing and checking passwords is in users.ts behind PasswordHasher.
import {
  DatabaseNotFoundError,
  UserExistsError,
  UserNotFoundError,
  UsernameRequiredError,
} from './errors.js'
import { databaseIndex, removeAt, replaceAt } from './model-update.js'
import { Privilege } from './types.js'
import type { MetaDataFields, UserInfo } from './types.js'

/** The user named `name`, or undefined. */
export function user(data: MetaDataFields, name: string): UserInfo | undefined {
  return data.users.find((u) => u.name === name)
}

function requireUser(data: MetaDataFields, name: string): { i: number; u: UserInfo } {
  const i = data.users.findIndex((u) => u.name === name)
  const u = data.users[i]
  if (u === undefined) throw new UserNotFoundError(name)
  return { i, u }
}

function withUser(data: MetaDataFields, i: number, u: UserInfo): MetaDataFields {
  return { ...data, users: replaceAt(data.users, i, u) }
}

/** Adds a user with a password hash; UsernameRequiredError for '', UserExistsError when taken. */
export function createUser(
  data: MetaDataFields,
  name: string,
  hash: string,
  admin: boolean,
): MetaDataFields {
  if (name === '') throw new UsernameRequiredError()
  if (user(data, name) !== undefined) throw new UserExistsError(name)
  return { ...data, users: [...data.users, { name, hash, admin, privileges: new Map() }] }
}

/** Removes a user; UserNotFoundError when there is none of that name. */
export function dropUser(data: MetaDataFields, name: string): MetaDataFields {
  const { i } = requireUser(data, name)
  return { ...data, users: removeAt(data.users, i) }
}

/** Replaces a user's password hash; UserNotFoundError when there is none of that name. */
export function updateUser(data: MetaDataFields, name: string, hash: string): MetaDataFields {
  const { i, u } = requireUser(data, name)
  return withUser(data, i, { ...u, hash })
}

/**
 * Sets a user's privilege on a database (GRANT / REVOKE store the resulting value; REVOKE ALL
 * stores 0 and the entry stays). The user and the database must exist.
 */
export function setPrivilege(
  data: MetaDataFields,
  name: string,
  database: string,
  p: Privilege,
): MetaDataFields {
  const { i, u } = requireUser(data, name)
  if (databaseIndex(data, database) < 0) throw new DatabaseNotFoundError(database)
  const privileges = new Map(u.privileges)
  privileges.set(database, p)
  return withUser(data, i, { ...u, privileges })
}

/** Grants or revokes admin rights; UserNotFoundError when there is no such user. */
export function setAdminPrivilege(
  data: MetaDataFields,
  name: string,
  admin: boolean,
): MetaDataFields {
  const { i, u } = requireUser(data, name)
  if (u.admin === admin) return data
  return withUser(data, i, { ...u, admin })
}

/** A user's privileges by database; UserNotFoundError when there is no such user. */
export function userPrivileges(data: MetaDataFields, name: string): ReadonlyMap<string, Privilege> {
  return requireUser(data, name).u.privileges
}

/** A user's privilege on one database (Privilege.None when not granted); UserNotFoundError if no such user. */
export function userPrivilege(data: MetaDataFields, name: string, database: string): Privilege {
  return requireUser(data, name).u.privileges.get(database) ?? Privilege.None
}

/** Whether at least one user is an admin. */
export function adminUserExists(data: MetaDataFields): boolean {
  return data.users.some((u) => u.admin)
}

/**
 * Whether `u` may use `privilege` on `database` (InfluxDB's AuthorizeDatabase): admins may do
 * everything, Privilege.None needs nothing, otherwise the stored privilege must equal the one
 * asked for or be ALL.
 */
export function authorizeDatabase(u: UserInfo, privilege: Privilege, database: string): boolean {
  if (u.admin || privilege === Privilege.None) return true
  const p = u.privileges.get(database)
  return p !== undefined && (p === privilege || p === Privilege.All)
}

// Password handling for users, kept apart from the model: the model stores bcrypt hashes only, and
// these functions hash and check passwords through a PasswordHasher the caller supplies (bcrypt,
// cost 10, `$2a$10$…`, to stay compatible with InfluxDB's meta.db and backups).
import { AuthenticationFailedError, UserExistsError, UserNotFoundError } from './errors.js'
import { verifyBearer } from './internal-token.js'
import type { MetaData } from './meta-data.js'
import type { UserInfo } from './types.js'

/**
 * Hashes and checks passwords. The production implementation is bcrypt with cost 10 (InfluxDB's
 * bcrypt.DefaultCost); it must accept the `$2a$` hashes InfluxDB writes.
 */
export interface PasswordHasher {
  /** A new salted hash of `password`. */
  hash(password: string): Promise<string>
  /** Whether `password` matches `hash`. */
  compare(password: string, hash: string): Promise<boolean>
}

/**
 * Creates a user with a password (InfluxDB's client CreateUser). When the user exists with the
 * same password and admin flag, returns `data` unchanged; otherwise an existing user gives
 * UserExistsError.
 */
export async function createUserWithPassword(
  data: MetaData,
  name: string,
  password: string,
  admin: boolean,
  hasher: PasswordHasher,
): Promise<MetaData> {
  const existing = data.user(name)
  if (existing !== undefined) {
    if (existing.admin !== admin || !(await hasher.compare(password, existing.hash)))
      throw new UserExistsError(name)
    return data
  }
  return data.createUser(name, await hasher.hash(password), admin)
}

/** Sets a user's password (SET PASSWORD); UserNotFoundError when there is no such user. */
export async function setUserPassword(
  data: MetaData,
  name: string,
  password: string,
  hasher: PasswordHasher,
): Promise<MetaData> {
  if (data.user(name) === undefined) throw new UserNotFoundError(name)
  return data.updateUser(name, await hasher.hash(password))
}

/**
 * Checks a user's password and returns the user (InfluxDB's Authenticate, without its in-memory
 * cache). UserNotFoundError for an unknown user, AuthenticationFailedError for a wrong password.
 */
export async function authenticate(
  data: MetaData,
  name: string,
  password: string,
  hasher: PasswordHasher,
): Promise<UserInfo> {
  const u = data.user(name)
  if (u === undefined) throw new UserNotFoundError(name)
  if (!(await hasher.compare(password, u.hash))) throw new AuthenticationFailedError(name)
  return u
}

/**
 * Whether an HTTP `Authorization: Basic …` header names an admin user of `data` with the right
 * password (the rule of the meta and node APIs when authentication is on).
 */
export async function authorizeAdminBasic(
  header: string | undefined,
  data: MetaData,
  hasher: PasswordHasher,
): Promise<boolean> {
  if (header === undefined || !header.startsWith('Basic ')) return false
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return false
  const user = data.user(decoded.slice(0, colon))
  if (user === undefined || !user.admin) return false
  return hasher.compare(decoded.slice(colon + 1), user.hash)
}

/**
 * Whether an HTTP `Authorization` header is an admin's (the rule of the meta and node APIs for
 * tidemark-ctl when authentication is on): `Basic` with an admin user's password, or `Bearer`
 * with a token signed with `jwtSecret` (`[meta] shared-secret`, as `tidemark-ctl -auth-type jwt
 * -secret` signs it) naming an admin user — or any user while no admin exists, as InfluxDB lets
 * a fresh server be bootstrapped. A Bearer token is refused when `jwtSecret` is ''.
 */
export async function authorizeAdmin(
  header: string | undefined,
  data: MetaData,
  hasher: PasswordHasher,
  jwtSecret: string,
): Promise<boolean> {
  if (header?.startsWith('Bearer ') !== true) return authorizeAdminBasic(header, data, hasher)
  if (jwtSecret === '') return false
  const check = verifyBearer(header, jwtSecret)
  if (!check.ok) return false
  return !data.adminUserExists() || data.user(check.username)?.admin === true
}

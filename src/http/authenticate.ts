// Authentication of a request when `auth-enabled` is set, as InfluxDB 1.6.7 does it: nothing is
// checked until an admin user exists (bootstrap); then credentials are taken from the `u` and `p`
// URL parameters (both non-empty), else an `Authorization: Bearer <JWT>` header, else HTTP Basic
// auth — first match wins — and a failure is a 401 with InfluxDB's text. Also the /write privilege
// check (WRITE or ALL on the database, or admin).

import { decodeGoBase64 } from './go-base64.js'
import { verifyJWT } from './jwt.js'
import type { AuthUser, Authenticator } from './interfaces.js'
import { firstValue } from './go-query.js'
import type { FormValues } from './go-query.js'

/** Credentials found in a request. */
export type Credentials =
  | { readonly method: 'user'; readonly username: string; readonly password: string }
  | { readonly method: 'bearer'; readonly token: string }

/**
 * The outcome of {@link authenticateRequest}: the user (undefined while no admin exists), or a
 * 401 answer's text and whether it counts as an authentication failure in the statistics.
 */
export type AuthResult =
  | { readonly ok: true; readonly user: AuthUser | undefined }
  | { readonly ok: false; readonly message: string; readonly countsAsFailure: boolean }

/** Finds credentials like InfluxDB's parseCredentials; undefined when there are none it can use. */
export function parseCredentials(
  query: FormValues,
  authorization: string | undefined,
): Credentials | undefined {
  const u = firstValue(query, 'u')
  const p = firstValue(query, 'p')
  if (u !== '' && p !== '') return { method: 'user', username: u, password: p }
  if (authorization === undefined || authorization === '') return undefined
  const words = authorization.split(' ')
  if (words.length === 2 && words[0] === 'Bearer')
    return { method: 'bearer', token: words[1] ?? '' }
  return parseBasicAuth(authorization)
}

/** Go's Request.BasicAuth: case-insensitive `Basic ` prefix, strict base64, `user:password`. */
function parseBasicAuth(header: string): Credentials | undefined {
  if (header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined
  const decoded = decodeGoBase64(header.slice(6), 'std')
  if (!decoded.ok) return undefined
  const text = decoded.bytes.toString('utf8')
  const colon = text.indexOf(':')
  if (colon < 0) return undefined
  return { method: 'user', username: text.slice(0, colon), password: text.slice(colon + 1) }
}

/** What {@link authenticateRequest} needs besides the request. */
export interface AuthContext {
  readonly authenticator: Authenticator
  /** The JWT secret; empty disables bearer tokens. */
  readonly sharedSecret: string
  /** The current time in Unix seconds (for JWT expiry). */
  readonly nowSeconds: number
}

/** Authenticates a request whose auth is required (auth-enabled); never throws for bad input. */
export async function authenticateRequest(
  query: FormValues,
  authorization: string | undefined,
  ctx: AuthContext,
): Promise<AuthResult> {
  if (!ctx.authenticator.adminUserExists()) return { ok: true, user: undefined }
  const creds = parseCredentials(query, authorization)
  if (creds === undefined) return deny('unable to parse authentication credentials', true)
  switch (creds.method) {
    case 'user': {
      if (creds.username === '') return deny('username required', true)
      const user = await ctx.authenticator.authenticate(creds.username, creds.password)
      if (user === undefined) return deny('authorization failed', true)
      return { ok: true, user }
    }
    case 'bearer': {
      if (ctx.sharedSecret === '') return deny('bearer auth disabld', true) // sic: InfluxDB's text
      const verified = verifyJWT(creds.token, ctx.sharedSecret, ctx.nowSeconds)
      if (!verified.ok) return deny(verified.message, false)
      const user = ctx.authenticator.user(verified.username)
      if (user === undefined) return deny('user not found', false)
      return { ok: true, user }
    }
    default: {
      const never: never = creds
      return never
    }
  }
}

function deny(message: string, countsAsFailure: boolean): AuthResult {
  return { ok: false, message, countsAsFailure }
}

/** Whether `user` may write to `database`: admin, or WRITE or ALL PRIVILEGES on it. */
export function canWrite(user: AuthUser, database: string): boolean {
  if (user.admin) return true
  const p = user.privileges.get(database)
  return p === 'write' || p === 'all'
}

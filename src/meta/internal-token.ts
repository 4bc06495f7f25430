// Bearer tokens between Tidemark processes and for `tidemark-ctl -auth-type jwt`: JSON Web Tokens
// signed with HMAC (HS512 when we sign; HS256/HS384 accepted) under a shared secret, with a
// `username` claim and a short `exp`, as InfluxDB Enterprise's nodes sign their internal requests
// with `[meta] internal-shared-secret` / `meta-internal-shared-secret`. Kept in the meta component
// because both ends of node-to-node traffic (the meta API and the data nodes' remote metastore and
// join endpoint) and tidemark-ctl use it; the HTTP API has its own, InfluxDB-exact verifier.

import { createHmac, timingSafeEqual } from 'node:crypto'

/** How long a token we sign stays valid, in seconds: long enough for clock skew on one LAN. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60

const HASHES: Readonly<Record<string, string>> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
}

/** The outcome of {@link verifyToken}: the token's username, or why it was refused. */
export type TokenCheck =
  { readonly ok: true; readonly username: string } | { readonly ok: false; readonly reason: string }

function base64url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64url')
}

/**
 * A JWT (HS512) for `username`, signed with `secret`, expiring `ttlSeconds` after `nowSeconds`
 * (Unix seconds). Pure.
 */
export function signToken(
  secret: string,
  username: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  ttlSeconds: number = INTERNAL_TOKEN_TTL_SECONDS,
): string {
  const header = base64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }))
  const claims = base64url(JSON.stringify({ username, exp: nowSeconds + ttlSeconds }))
  const signature = createHmac('sha512', secret).update(`${header}.${claims}`).digest()
  return `${header}.${claims}.${base64url(signature)}`
}

/** The value of an `Authorization: Bearer <token>` header for {@link signToken}'s token. */
export function bearer(secret: string, username: string): string {
  return `Bearer ${signToken(secret, username)}`
}

function parseJSONObject(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks `token` against `secret` at `nowSeconds`: three segments, an HMAC `alg`, a matching
 * signature, an `exp` claim in the future and a non-empty `username`. Pure; constant-time compare.
 */
export function verifyToken(
  token: string,
  secret: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): TokenCheck {
  const parts = token.split('.')
  const [h, c, s] = parts
  if (parts.length !== 3 || h === undefined || c === undefined || s === undefined)
    return { ok: false, reason: 'token contains an invalid number of segments' }
  const header = parseJSONObject(h)
  const claims = parseJSONObject(c)
  if (header === undefined || claims === undefined)
    return { ok: false, reason: 'token is not valid JSON' }
  const alg = header['alg']
  const hash = typeof alg === 'string' ? HASHES[alg] : undefined
  if (hash === undefined) return { ok: false, reason: `unexpected signing method: ${String(alg)}` }
  const expected = createHmac(hash, secret).update(`${h}.${c}`).digest()
  const got = Buffer.from(s, 'base64url')
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    return { ok: false, reason: 'signature is invalid' }
  const exp = claims['exp']
  if (typeof exp !== 'number') return { ok: false, reason: 'token expiration required' }
  if (exp < nowSeconds) return { ok: false, reason: 'token is expired' }
  const username = claims['username']
  if (typeof username !== 'string' || username === '')
    return { ok: false, reason: 'token must contain a username' }
  return { ok: true, username }
}

/**
 * Checks an `Authorization` header carrying `Bearer <token>` against `secret`. A missing header or
 * another scheme is refused with a reason naming what was expected.
 */
export function verifyBearer(header: string | undefined, secret: string): TokenCheck {
  if (header === undefined || !header.startsWith('Bearer '))
    return { ok: false, reason: 'a bearer token signed with the shared secret is required' }
  return verifyToken(header.slice(7).trim(), secret)
}

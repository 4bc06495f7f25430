// Verifies the `Authorization: Bearer <JWT>` tokens InfluxDB 1.x accepts when `shared-secret` is
// set: HMAC-signed (HS256, HS384, HS512) with that secret, with a required `exp` claim and a
// `username` claim. The checks run in the order of the jwt-go library InfluxDB 1.6.7 uses
// (segments, header, claims, alg, key, exp/iat/nbf, signature) and failures carry its texts
// (`token contains an invalid number of segments`, `Token is expired`, `signature is invalid`,
// `unexpected signing method: RS256`, …), which InfluxDB sends back with status 401.

import { createHmac, timingSafeEqual } from 'node:crypto'
import { decodeGoBase64 } from './go-base64.js'
import { decodeGoJSON, goKindOf, plainJSON } from './go-json.js'

/** The outcome of {@link verifyJWT}: the token's username, or the error text InfluxDB sends. */
export type JWTResult =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly message: string }

const HMAC_HASHES: Readonly<Record<string, string>> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
}

/** Algorithms jwt-go knows (others are `signing method (alg) is unavailable.`). */
const KNOWN_ALGS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'none',
])

/**
 * Verifies `token` with `secret` at `nowSeconds` (Unix seconds) and extracts the `username`
 * claim, with InfluxDB 1.6.7's checks and texts. Pure; safe to call concurrently.
 */
export function verifyJWT(token: string, secret: string, nowSeconds: number): JWTResult {
  const parts = token.split('.')
  const [headerSeg, claimsSeg, signatureSeg] = parts
  if (
    parts.length !== 3 ||
    headerSeg === undefined ||
    claimsSeg === undefined ||
    signatureSeg === undefined
  ) {
    return fail('token contains an invalid number of segments')
  }
  const headerBytes = decodeSegment(headerSeg)
  if (typeof headerBytes === 'string') {
    if (token.toLowerCase().startsWith('bearer '))
      return fail("tokenstring should not contain 'bearer '")
    return fail(headerBytes)
  }
  const header = decodeGoJSON(headerBytes, 'unmarshal')
  if (!header.ok) return fail(header.message)
  if (goKindOf(header.value) !== 'object') {
    return fail(
      `json: cannot unmarshal ${goKindOf(header.value)} into Go value of type map[string]interface {}`,
    )
  }
  const claimBytes = decodeSegment(claimsSeg)
  if (typeof claimBytes === 'string') return fail(claimBytes)
  const claimsJSON = decodeGoJSON(claimBytes, 'decoder')
  if (!claimsJSON.ok) return fail(claimsJSON.message)
  const claimsKind = goKindOf(claimsJSON.value)
  if (claimsKind !== 'object' && claimsKind !== 'null') {
    return fail(`json: cannot unmarshal ${claimsKind} into Go value of type jwt.MapClaims`)
  }
  const claims = (plainJSON(claimsJSON.value) ?? {}) as Record<string, unknown>
  const alg = (plainJSON(header.value) as Record<string, unknown>)['alg']
  if (typeof alg !== 'string') return fail('signing method (alg) is unspecified.')
  if (!KNOWN_ALGS.has(alg)) return fail('signing method (alg) is unavailable.')
  const hash = HMAC_HASHES[alg]
  if (hash === undefined) return fail(`unexpected signing method: ${alg}`)

  // Claim checks, each overriding the previous text; then the signature, which overrides them.
  let message: string | undefined
  if (!timeClaimOK(claims['exp'], (v) => nowSeconds <= v)) message = 'Token is expired'
  if (!timeClaimOK(claims['iat'], (v) => nowSeconds >= v)) message = 'Token used before issued'
  if (!timeClaimOK(claims['nbf'], (v) => nowSeconds >= v)) message = 'Token is not valid yet'
  const signature = decodeSegment(signatureSeg)
  if (typeof signature === 'string') {
    message = signature
  } else {
    const expected = createHmac(hash, secret).update(`${headerSeg}.${claimsSeg}`).digest()
    if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) {
      message = 'signature is invalid'
    }
  }
  if (message !== undefined) return fail(message)

  const exp = claims['exp']
  if (typeof exp !== 'number' || exp <= 0) return fail('token expiration required')
  const username = claims['username']
  if (typeof username !== 'string') return fail('username in token must be a string')
  if (username === '') return fail('token must contain a username')
  return { ok: true, username }
}

function fail(message: string): JWTResult {
  return { ok: false, message }
}

/** jwt-go's exp/iat/nbf check: absent or non-number passes; 0 passes; else `test(int64(v))`. */
function timeClaimOK(v: unknown, test: (seconds: number) => boolean): boolean {
  if (typeof v !== 'number') return true
  const seconds = Math.trunc(v)
  return seconds === 0 || test(seconds)
}

/**
 * jwt-go's DecodeSegment: pads to a multiple of 4 with `=` and decodes with Go's URL alphabet.
 * Returns the bytes, or Go's error text (`illegal base64 data at input byte N`).
 */
function decodeSegment(seg: string): Uint8Array | string {
  const padded = seg.length % 4 === 0 ? seg : seg + '='.repeat(4 - (seg.length % 4))
  const r = decodeGoBase64(padded, 'url')
  return r.ok ? r.bytes : `illegal base64 data at input byte ${r.errorAt}`
}

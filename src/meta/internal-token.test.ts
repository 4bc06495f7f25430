import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { bearer, signToken, verifyBearer, verifyToken } from './index.js'

const NOW = 1_700_000_000

function sign(header: object, claims: object, secret: string, hash = 'sha512'): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url')
  const c = Buffer.from(JSON.stringify(claims)).toString('base64url')
  const s = createHmac(hash, secret).update(`${h}.${c}`).digest('base64url')
  return `${h}.${c}.${s}`
}

describe('internal tokens', () => {
  it('verifies what it signs, for any secret and username', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (secret, user) => {
        const check = verifyToken(signToken(secret, user, NOW), secret, NOW + 59)
        assert.deepEqual(check, { ok: true, username: user })
      }),
    )
  })

  it('signs HS512 tokens that expire after 60 s', () => {
    const token = signToken('s3cret', 'node', NOW)
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
      alg: string
    }
    assert.equal(header.alg, 'HS512')
    assert.deepEqual(verifyToken(token, 's3cret', NOW + 61), {
      ok: false,
      reason: 'token is expired',
    })
  })

  it('refuses another secret, a changed claim, a missing exp, an unsigned alg and bad shapes', () => {
    const good = signToken('s3cret', 'node', NOW)
    const [h, , s] = good.split('.')
    const forged = `${h}.${Buffer.from('{"username":"admin","exp":9999999999}').toString('base64url')}.${s}`
    const cases: [string, string][] = [
      [good, 'other'],
      [forged, 's3cret'],
      [sign({ alg: 'HS512' }, { username: 'x' }, 's3cret'), 's3cret'],
      [sign({ alg: 'none' }, { username: 'x', exp: NOW + 5 }, 's3cret'), 's3cret'],
      [sign({ alg: 'HS256' }, { exp: NOW + 5 }, 's3cret', 'sha256'), 's3cret'],
      ['a.b', 's3cret'],
      ['!!.??.**', 's3cret'],
    ]
    const reasons = cases.map(([t, secret]) => {
      const check = verifyToken(t, secret, NOW)
      assert.equal(check.ok, false, t)
      return check.ok ? '' : check.reason
    })
    assert.deepEqual(reasons, [
      'signature is invalid',
      'signature is invalid',
      'token expiration required',
      'unexpected signing method: none',
      'token must contain a username',
      'token contains an invalid number of segments',
      'token is not valid JSON',
    ])
  })

  it('accepts HS256 tokens signed by other tools', () => {
    const t = sign({ alg: 'HS256', typ: 'JWT' }, { username: 'ops', exp: NOW + 5 }, 'k', 'sha256')
    assert.deepEqual(verifyToken(t, 'k', NOW), { ok: true, username: 'ops' })
  })

  it('reads the Authorization header: Bearer only', () => {
    assert.equal(verifyBearer(bearer('k', 'n'), 'k').ok, true)
    assert.equal(verifyBearer(undefined, 'k').ok, false)
    assert.equal(verifyBearer('Basic Zm9vOmJhcg==', 'k').ok, false)
  })
})

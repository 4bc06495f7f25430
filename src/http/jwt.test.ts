import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { verifyJWT } from './jwt.js'
import { signJWT } from './test-support.js'

const SECRET = 's3cret'
const NOW = 1_800_000_000

describe('verifyJWT', () => {
  it('accepts an HS256/384/512 token with exp and username', () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const token = signJWT({ username: 'bob', exp: NOW + 60 }, SECRET, alg)
      assert.deepEqual(verifyJWT(token, SECRET, NOW), { ok: true, username: 'bob' })
    }
  })

  it('answers with the texts of jwt-go and InfluxDB', () => {
    const cases: [string, string][] = [
      ['abc', 'token contains an invalid number of segments'],
      ['a.b', 'token contains an invalid number of segments'],
      [signJWT({ username: 'bob', exp: NOW - 1 }, SECRET), 'Token is expired'],
      [
        signJWT({ username: 'bob', exp: NOW + 60, nbf: NOW + 30 }, SECRET),
        'Token is not valid yet',
      ],
      [
        signJWT({ username: 'bob', exp: NOW + 60, iat: NOW + 30 }, SECRET),
        'Token used before issued',
      ],
      [signJWT({ username: 'bob', exp: NOW + 60 }, 'other'), 'signature is invalid'],
      [signJWT({ username: 'bob', exp: NOW - 1 }, 'other'), 'signature is invalid'],
      [signJWT({ username: 'bob' }, SECRET), 'token expiration required'],
      [signJWT({ username: 5, exp: NOW + 60 }, SECRET), 'username in token must be a string'],
      [signJWT({ username: '', exp: NOW + 60 }, SECRET), 'token must contain a username'],
      [
        signJWT({ username: 'bob', exp: NOW + 60 }, SECRET, 'RS256'),
        'unexpected signing method: RS256',
      ],
      [
        signJWT({ username: 'bob', exp: NOW + 60 }, SECRET, 'XX1'),
        'signing method (alg) is unavailable.',
      ],
      ['!!!.e30.', 'illegal base64 data at input byte 0'],
      ['a.b.c', 'illegal base64 data at input byte 1'],
    ]
    for (const [token, message] of cases) {
      assert.deepEqual(verifyJWT(token, SECRET, NOW), { ok: false, message }, token)
    }
  })

  it('refuses a token without alg', () => {
    const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    assert.deepEqual(
      verifyJWT(`${enc({ typ: 'JWT' })}.${enc({ exp: NOW + 1, username: 'x' })}.`, SECRET, NOW),
      {
        ok: false,
        message: 'signing method (alg) is unspecified.',
      },
    )
  })
})

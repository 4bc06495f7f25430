import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseGoQuery } from './go-query.js'
import { parseCredentials } from './authenticate.js'
import { rawRequest, signJWT, startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('parseCredentials', () => {
  it('takes u and p first (both non-empty), then Bearer, then Basic', () => {
    const q = parseGoQuery('u=a&p=b')
    assert.deepEqual(parseCredentials(q, basic('x', 'y')), {
      method: 'user',
      username: 'a',
      password: 'b',
    })
    assert.deepEqual(parseCredentials(parseGoQuery('u=a'), 'Bearer tok'), {
      method: 'bearer',
      token: 'tok',
    })
    assert.deepEqual(
      parseCredentials(parseGoQuery(''), 'basic ' + Buffer.from('x:y:z').toString('base64')),
      {
        method: 'user',
        username: 'x',
        password: 'y:z',
      },
    )
    assert.equal(parseCredentials(parseGoQuery('u=a'), undefined), undefined)
    assert.equal(parseCredentials(parseGoQuery(''), 'Bearer a b'), undefined)
    assert.equal(parseCredentials(parseGoQuery(''), 'Basic !!!'), undefined)
    assert.equal(
      parseCredentials(parseGoQuery(''), `Basic ${Buffer.from('nocolon').toString('base64')}`),
      undefined,
    )
  })
})

describe('authentication (auth-enabled)', () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer({ authEnabled: true, sharedSecret: 'jwt-secret' })
    s.executor.script = () => [{ statementID: 0 }]
  })
  after(() => s.server.close())

  it('lets everything through until an admin exists; writes then need a user', async () => {
    const q = await rawRequest(s.url, 'GET', '/query?q=SHOW+DATABASES')
    assert.equal(q.status, 200)
    assert.equal(s.executor.requests.at(-1)?.user, undefined)
    assert.equal(s.executor.requests.at(-1)?.authEnabled, true)
    const w = await rawRequest(s.url, 'POST', '/write?db=db1', 'cpu v=1')
    assert.equal(w.status, 403)
    assert.equal(w.text, '{"error":"user is required to write to database \\"db1\\""}\n')
  })

  it('answers missing or wrong credentials with 401 and a Basic challenge', async () => {
    s.authenticator.addUser('admin', 'secret', true)
    s.authenticator.addUser('bob', 'bobpw', false, { authdb: 'read' })
    s.authenticator.addUser('wr', 'wrpw', false, { db1: 'write' })
    const cases: [string, Record<string, string>, string][] = [
      ['/write?db=db1', {}, 'unable to parse authentication credentials'],
      ['/write?db=db1&u=admin', {}, 'unable to parse authentication credentials'],
      ['/write?db=db1&u=admin&p=wrong', {}, 'authorization failed'],
      ['/write?db=db1&u=nouser&p=x', {}, 'authorization failed'],
      ['/write?db=db1', { Authorization: basic('admin', 'nope') }, 'authorization failed'],
      ['/write?db=db1', { Authorization: basic('', 'nope') }, 'username required'],
      [
        '/write?db=db1',
        { Authorization: 'Basic !!!' },
        'unable to parse authentication credentials',
      ],
      [
        '/query?q=x',
        { Authorization: 'Bearer abc' },
        'token contains an invalid number of segments',
      ],
      ['/write', {}, 'unable to parse authentication credentials'],
    ]
    for (const [path, headers, message] of cases) {
      const res = await rawRequest(s.url, 'POST', path, 'cpu v=1', headers)
      assert.equal(res.status, 401, path)
      assert.equal(res.text, `{"error":${JSON.stringify(message)}}\n`)
      assert.equal(res.headers['www-authenticate'], 'Basic realm="InfluxDB"')
      assert.equal(res.headers['x-influxdb-error'], undefined)
    }
    assert.ok(s.server.statistics.get('authFail') >= 8)
  })

  it('checks the write privilege: admin, WRITE or ALL on the database', async () => {
    assert.equal(
      (await rawRequest(s.url, 'POST', '/write?db=db1&u=admin&p=secret', 'cpu v=1')).status,
      204,
    )
    assert.equal(
      (await rawRequest(s.url, 'POST', '/write?db=db1&u=wr&p=wrpw', 'cpu v=1')).status,
      204,
    )
    const bob = await rawRequest(s.url, 'POST', '/write?db=db1&u=bob&p=bobpw', 'cpu v=1')
    assert.equal(bob.status, 403)
    assert.equal(
      bob.text,
      '{"error":"\\"bob\\" user is not authorized to write to database \\"db1\\""}\n',
    )
    assert.equal(
      bob.headers['x-influxdb-error'],
      '"bob" user is not authorized to write to database "db1"',
    )
    const missing = await rawRequest(s.url, 'POST', '/write?db=nodb&u=wr&p=wrpw', 'cpu v=1')
    assert.equal(missing.status, 404)
  })

  it('passes the authenticated user to the query executor', async () => {
    const res = await rawRequest(s.url, 'GET', '/query?q=SHOW+DATABASES', undefined, {
      Authorization: basic('bob', 'bobpw'),
    })
    assert.equal(res.status, 200)
    assert.equal(s.executor.requests.at(-1)?.user?.name, 'bob')
  })

  it('accepts a JWT signed with the shared secret and names the user in it', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60
    const ok = await rawRequest(s.url, 'GET', '/query?q=x', undefined, {
      Authorization: `Bearer ${signJWT({ username: 'bob', exp }, 'jwt-secret')}`,
    })
    assert.equal(ok.status, 200)
    assert.equal(s.executor.requests.at(-1)?.user?.name, 'bob')
    const cases: [object, string, string][] = [
      [{ username: 'bob', exp }, 'other', 'signature is invalid'],
      [{ username: 'bob', exp: exp - 120 }, 'jwt-secret', 'Token is expired'],
      [{ username: 'ghost', exp }, 'jwt-secret', 'user not found'],
      [{ username: 'bob' }, 'jwt-secret', 'token expiration required'],
    ]
    for (const [claims, secret, message] of cases) {
      const res = await rawRequest(s.url, 'GET', '/query?q=x', undefined, {
        Authorization: `Bearer ${signJWT(claims, secret)}`,
      })
      assert.equal(res.status, 401)
      assert.equal(res.text, `{"error":${JSON.stringify(message)}}\n`)
    }
  })

  it('never asks /ping for credentials, but does /debug/vars', async () => {
    assert.equal((await rawRequest(s.url, 'GET', '/ping')).status, 204)
    assert.equal((await rawRequest(s.url, 'GET', '/debug/vars')).status, 401)
    assert.equal((await rawRequest(s.url, 'GET', '/debug/vars?u=admin&p=secret')).status, 200)
  })
})

describe('bearer tokens without a shared secret', () => {
  it('answers bearer auth disabld (sic), as InfluxDB', async () => {
    const s = await startTestServer({ authEnabled: true })
    s.authenticator.addUser('admin', 'secret', true)
    try {
      const res = await rawRequest(s.url, 'GET', '/query?q=x', undefined, {
        Authorization: 'Bearer abc',
      })
      assert.equal(res.status, 401)
      assert.equal(res.text, '{"error":"bearer auth disabld"}\n')
    } finally {
      await s.server.close()
    }
  })
})

// Differential test: authentication and the /write privilege check, against a real influxd 1.6.7
// with auth-enabled and a JWT shared secret. influxd first runs without auth to create the
// database (with auth on, only an admin could), then restarts on the same data with auth on, so
// the bootstrap state (no admin yet) can be compared too.

import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../../test/helpers/influxd.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { assertSameAnswer } from './diff-support.js'
import type { DiffRequest } from './diff-support.js'
import { signJWT, startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

const SECRET = 'diff-jwt-secret'
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('differential: authentication vs influxd 1.6.7 (auth-enabled)', () => {
  let influxd: InfluxdHandle | undefined
  let ours: TestServer | undefined
  let root: string | undefined

  before(async () => {
    if (!influxdAvailable()) return
    root = mkdtempSync(join(tmpdir(), 'tidemark-http-auth-'))
    const setup = await startInfluxd({ dataDir: root })
    await setup.query('CREATE DATABASE authdb')
    await setup.stop()
    influxd = await startInfluxd({
      dataDir: root,
      config: { http: { 'auth-enabled': true, 'shared-secret': SECRET } },
    })
    ours = await startTestServer({ version: '1.6.7~rc0', authEnabled: true, sharedSecret: SECRET })
    ours.store.createDatabase('authdb')
  })
  after(async () => {
    await ours?.server.close()
    await influxd?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  function ready(t: TestContext): { influxd: InfluxdHandle; ours: TestServer } | undefined {
    if (!requireInfluxd(t) || influxd === undefined || ours === undefined) return undefined
    return { influxd, ours }
  }
  async function same(t: TestContext, cases: readonly DiffRequest[]): Promise<void> {
    const r = ready(t)
    if (r === undefined) return
    for (const c of cases) await assertSameAnswer(r.ours.url, r.influxd.url, c)
  }
  const write = (query: string, headers?: Record<string, string>): DiffRequest => ({
    method: 'POST',
    path: `/write${query}`,
    body: 'cpu v=1',
    ...(headers === undefined ? {} : { headers }),
  })

  // Runs first: no admin user exists yet on either server.
  it('lets requests through but refuses writes without a user before an admin exists', (t) =>
    same(t, [
      write('?db=authdb'),
      write('?db=nosuchdb'),
      write('?db=authdb&u=someone&p=x'),
      { method: 'GET', path: '/ping' },
    ]))

  it('creates the same users on both', async (t) => {
    const r = ready(t)
    if (r === undefined) return
    await r.influxd.query("CREATE USER admin WITH PASSWORD 'secret' WITH ALL PRIVILEGES")
    await r.influxd.request(
      'POST',
      '/query?u=admin&p=secret',
      new URLSearchParams({
        q: "CREATE USER bob WITH PASSWORD 'bobpw'; GRANT READ ON authdb TO bob; CREATE USER wr WITH PASSWORD 'wrpw'; GRANT WRITE ON authdb TO wr; CREATE USER al WITH PASSWORD 'alpw'; GRANT ALL ON authdb TO al",
      }).toString(),
      { 'Content-Type': 'application/x-www-form-urlencoded' },
    )
    r.ours.authenticator.addUser('admin', 'secret', true)
    r.ours.authenticator.addUser('bob', 'bobpw', false, { authdb: 'read' })
    r.ours.authenticator.addUser('wr', 'wrpw', false, { authdb: 'write' })
    r.ours.authenticator.addUser('al', 'alpw', false, { authdb: 'all' })
  })

  it('answers missing, partial and wrong credentials alike', (t) =>
    same(t, [
      write('?db=authdb'),
      write(''),
      write('?db=nosuchdb'),
      write('?db=authdb&u=admin'),
      write('?db=authdb&u=&p=x'),
      write('?db=authdb&u=admin&p=wrong'),
      write('?db=authdb&u=nouser&p=x'),
      write('?db=authdb', { Authorization: basic('admin', 'nope') }),
      write('?db=authdb', { Authorization: basic('', 'nope') }),
      write('?db=authdb', { Authorization: 'Basic !!!' }),
      write('?db=authdb', {
        Authorization: `Basic ${Buffer.from('adminsecret').toString('base64')}`,
      }),
      write('?db=authdb', { Authorization: 'Bearer a b' }),
      write('?db=authdb', { Authorization: 'Digest x' }),
      { method: 'GET', path: '/query?q=SHOW+DATABASES' },
      {
        method: 'GET',
        path: '/query?q=SHOW+DATABASES&u=admin&p=wrong',
        headers: { Accept: 'text/csv' },
      },
      { method: 'GET', path: '/ping' },
      { method: 'OPTIONS', path: '/write' },
    ]))

  it('checks the write privilege alike', (t) =>
    same(t, [
      write('?db=authdb&u=admin&p=secret'),
      write('?db=authdb&u=wr&p=wrpw'),
      write('?db=authdb&u=al&p=alpw'),
      write('?db=authdb&u=bob&p=bobpw'),
      write('?db=authdb', { Authorization: basic('bob', 'bobpw') }),
      write('?db=authdb', { Authorization: `basic ${Buffer.from('wr:wrpw').toString('base64')}` }),
      write('?db=nosuchdb&u=wr&p=wrpw'),
      write('?u=wr&p=wrpw'),
    ]))

  it('verifies JWT bearer tokens alike', (t) => {
    const exp = Math.floor(Date.now() / 1000) + 3600
    const bearer = (token: string) => write('?db=authdb', { Authorization: `Bearer ${token}` })
    return same(t, [
      bearer(signJWT({ username: 'admin', exp }, SECRET)),
      bearer(signJWT({ username: 'bob', exp }, SECRET)),
      bearer(signJWT({ username: 'wr', exp }, SECRET, 'HS512')),
      bearer(signJWT({ username: 'admin', exp }, 'wrong-secret')),
      bearer(signJWT({ username: 'admin', exp: exp - 7200 }, SECRET)),
      bearer(signJWT({ username: 'admin' }, SECRET)),
      bearer(signJWT({ username: 'ghost', exp }, SECRET)),
      bearer(signJWT({ username: '', exp }, SECRET)),
      bearer(signJWT({ username: 7, exp }, SECRET)),
      bearer(signJWT({ username: 'admin', exp }, SECRET, 'RS256')),
      bearer(signJWT({ username: 'admin', exp, nbf: exp }, SECRET)),
      bearer('abc'),
      bearer('a.b.c'),
    ])
  })
})

// Authentication and authorization end to end, tidemarkd beside influxd 1.6 with auth-enabled:
// each refusal must carry InfluxDB's status and text, and no password may reach a log or an answer.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  influxdAvailable,
  requireInfluxd,
  startInfluxd,
  type InfluxdHandle,
} from '../helpers/influxd.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

interface Answer {
  status: number
  body: string
  error: string | null
  authenticate: string | null
}

async function call(
  base: string,
  path: string,
  params: Record<string, string>,
  init: RequestInit = {},
): Promise<Answer> {
  const r = await fetch(`${base}${path}?${new URLSearchParams(params)}`, {
    method: 'POST',
    ...init,
  })
  return {
    status: r.status,
    body: await r.text(),
    error: r.headers.get('x-influxdb-error'),
    authenticate: r.headers.get('www-authenticate'),
  }
}

const ADMIN_PW = 'Adm1n-s3cret!'
const READER_PW = 'r3ader-pw-xyz'

describe('authentication and authorization, compared with influxd 1.6', () => {
  let ours: TidemarkdHandle
  let theirs: InfluxdHandle | undefined

  before(async () => {
    ours = await startTidemarkd({
      env: {
        TIDEMARK_HTTP_AUTH_ENABLED: 'true',
        TIDEMARK_LOGGING_LEVEL: 'debug',
        TIDEMARK_HTTP_WRITE_TRACING: 'true',
      },
    })
    if (influxdAvailable())
      theirs = await startInfluxd({ config: { http: { 'auth-enabled': true } } })
  })
  after(async () => {
    await ours.stop()
    await theirs?.stop()
  })

  it('refuses wrong passwords, unknown users, non-admin DDL and read-only writes exactly as influxd', async (t) => {
    if (!requireInfluxd(t) || theirs === undefined) return
    const scenario = async (base: string): Promise<Answer[]> => {
      const out: Answer[] = []
      // Before any admin exists only CREATE USER ... WITH ALL PRIVILEGES may run.
      out.push(await call(base, '/query', { q: 'SHOW DATABASES' }))
      out.push(
        await call(base, '/query', {
          q: `CREATE USER admin WITH PASSWORD '${ADMIN_PW}' WITH ALL PRIVILEGES`,
        }),
      )
      const admin = { u: 'admin', p: ADMIN_PW }
      out.push(await call(base, '/query', { q: 'CREATE DATABASE sec', ...admin }))
      out.push(
        await call(base, '/query', {
          q: `CREATE USER reader WITH PASSWORD '${READER_PW}'`,
          ...admin,
        }),
      )
      out.push(await call(base, '/query', { q: 'GRANT READ ON sec TO reader', ...admin }))
      // No credentials, wrong password, unknown user, Basic auth with a wrong password.
      out.push(await call(base, '/query', { q: 'SHOW DATABASES' }))
      out.push(await call(base, '/query', { q: 'SHOW DATABASES', u: 'admin', p: 'wrong' }))
      out.push(await call(base, '/query', { q: 'SHOW DATABASES', u: 'nobody', p: 'x' }))
      out.push(
        await call(
          base,
          '/query',
          { q: 'SHOW DATABASES' },
          { headers: { Authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } },
        ),
      )
      out.push(
        await call(base, '/write', { db: 'sec', u: 'admin', p: 'wrong' }, { body: 'm v=1 1' }),
      )
      // A non-admin running DDL; a read-only user writing; the read-only user reading.
      out.push(
        await call(base, '/query', { q: 'CREATE DATABASE other', u: 'reader', p: READER_PW }),
      )
      out.push(await call(base, '/query', { q: 'DROP USER admin', u: 'reader', p: READER_PW }))
      out.push(
        await call(base, '/write', { db: 'sec', u: 'reader', p: READER_PW }, { body: 'm v=1 1' }),
      )
      out.push(
        await call(base, '/query', { q: 'SHOW MEASUREMENTS ON sec', u: 'reader', p: READER_PW }),
      )
      out.push(await call(base, '/write', { db: 'sec', ...admin }, { body: 'm v=1 1' }))
      out.push(await call(base, '/query', { q: 'SHOW USERS', ...admin }))
      out.push(await call(base, '/ping', {}, { method: 'GET' }))
      return out
    }
    const a = await scenario(ours.url)
    const b = await scenario(theirs.url)
    assert.deepEqual(a, b)
    assert.ok(
      a.some((x) => x.status === 401) && a.some((x) => x.status === 403),
      'the scenario exercises both 401 and 403',
    )
    for (const x of a)
      assert.ok(
        !x.body.includes(ADMIN_PW) && !x.body.includes(READER_PW),
        `a password leaked into an answer: ${x.body}`,
      )
    const log = ours.log()
    assert.ok(log.length > 0, 'tidemarkd logged requests')
    assert.ok(!log.includes(ADMIN_PW) && !log.includes(READER_PW), 'a password leaked into the log')
  })
})

describe("the node API's internal paths", () => {
  it('are not served on a single node, with or without authentication', async () => {
    for (const env of [{ TIDEMARK_HTTP_AUTH_ENABLED: 'true' }, {}] as Record<string, string>[]) {
      const node = await startTidemarkd({ env })
      try {
        await node.query('CREATE DATABASE db').catch(() => undefined)
        const w = await fetch(`http://${node.nodeAddress}/cluster/shards/77/write?db=evil&rp=x`, {
          method: 'POST',
          body: 'm v=666 4000000000',
        })
        assert.equal(w.status, 404, await w.text())
        const r = await fetch(`http://${node.nodeAddress}/read/shards/1/index`)
        assert.notEqual(r.status, 200)
        assert.ok(!existsSync(join(node.root, 'data', 'evil')), 'no shard was created')
      } finally {
        await node.stop()
      }
    }
  })

  it('keep a data node with authentication on and no internal secret from starting, saying why', async () => {
    await assert.rejects(
      startTidemarkd({ role: 'data', env: { TIDEMARK_HTTP_AUTH_ENABLED: 'true' } }),
      /auth-enabled on a data node needs \[meta\] meta-internal-shared-secret/,
    )
  })
})

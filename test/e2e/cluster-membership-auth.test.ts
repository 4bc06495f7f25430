// Cluster membership with secrets (issue #6): node-to-node requests carry a JWT signed with the
// internal shared secret (`[meta] internal-shared-secret` on meta nodes, `meta-internal-shared-
// secret` on data nodes) and are refused with 401 without one; tidemark-ctl signs its requests with
// `-auth-type jwt -secret` when the meta node has `[meta] auth-enabled` and `shared-secret`; users
// live in the shared metadata, so a user created on one data node logs in on another; the data
// nodes' own endpoints for tidemark-ctl (backup, restore, entropy) take the same jwt tokens.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ctl } from '../helpers/cli.js'
import { bearer } from '../../src/meta/index.js'
import {
  eventually,
  firstColumn,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'

const INTERNAL = 'node-to-node-secret'
const CTL_SECRET = 'ctl-secret'

describe('a cluster with shared secrets', () => {
  let meta: TidemarkdHandle
  let nodes: TidemarkdHandle[] = []
  let stranger: TidemarkdHandle

  before(async () => {
    meta = await startTidemarkd({
      role: 'meta',
      env: {
        TIDEMARK_META_INTERNAL_SHARED_SECRET: INTERNAL,
        TIDEMARK_META_AUTH_ENABLED: 'true',
        TIDEMARK_META_SHARED_SECRET: CTL_SECRET,
      },
    })
    const env = {
      TIDEMARK_META_META_INTERNAL_SHARED_SECRET: INTERNAL,
      TIDEMARK_HTTP_AUTH_ENABLED: 'true',
      TIDEMARK_META_SHARED_SECRET: CTL_SECRET,
    }
    ;[stranger, ...nodes] = await Promise.all([
      startTidemarkd({ role: 'data', env: { TIDEMARK_META_META_INTERNAL_SHARED_SECRET: 'guess' } }),
      ...[1, 2, 3].map(() => startTidemarkd({ role: 'data', env })),
    ])
  })
  after(async () => {
    await Promise.all([meta, stranger, ...nodes].map((n) => n.stop()))
  })

  const jwt = (secret: string, user = 'ops'): string[] => [
    '-bind',
    meta.metaAddress,
    '-auth-type',
    'jwt',
    '-user',
    user,
    '-secret',
    secret,
  ]

  it('refuses metadata reads and writes without a token signed with the internal secret', async () => {
    const url = `http://${meta.metaAddress}/data`
    const denied = [
      await fetch(url),
      await fetch(url, { headers: { Authorization: bearer('wrong', 'node') } }),
      await fetch(`${url}?index=1`, { method: 'POST', body: new Uint8Array() }),
    ]
    for (const r of denied) {
      assert.equal(r.status, 401)
      assert.deepEqual(await r.json(), {
        error: 'authorization failed: a token signed with the internal shared secret is required',
      })
    }
    const ok = await fetch(url, { headers: { Authorization: bearer(INTERNAL, 'node') } })
    assert.equal(ok.status, 200)
    assert.ok(ok.headers.get('x-meta-index') !== null)
  })

  it('tidemark-ctl needs -auth-type jwt with the shared secret', async () => {
    const none = await ctl(['-bind', meta.metaAddress, 'show'])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /answered 401: authorization failed: an admin user is required\n$/)
    const wrong = await ctl([...jwt('not-it'), 'show'])
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /answered 401/)
    const right = await ctl([...jwt(CTL_SECRET), 'show'])
    assert.equal(right.code, 0, right.stderr)
    const missing = await ctl(['-auth-type', 'jwt', 'show'])
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr, 'tidemark-ctl: -auth-type jwt needs the shared secret: -secret\n')
  })

  it('adds data nodes with the right secret, and refuses one with another secret', async () => {
    for (const n of nodes) {
      const r = await ctl([...jwt(CTL_SECRET), 'add-data', n.nodeAddress])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, new RegExp(`^Added data node \\d+ at ${n.nodeAddress}\\n$`))
    }
    const r = await ctl([...jwt(CTL_SECRET), 'add-data', stranger.nodeAddress])
    assert.equal(r.code, 1)
    assert.equal(
      r.stderr,
      `tidemark-ctl: cannot add data node ${stranger.nodeAddress}: it answered 401: ` +
        'authorization failed: signature is invalid\n',
    )
    const join = await fetch(`http://${nodes[0]?.nodeAddress ?? ''}/cluster/join`, {
      method: 'POST',
      body: JSON.stringify({ metaAddresses: ['127.0.0.1:1'] }),
    })
    assert.equal(join.status, 401)
  })

  it('lets a user created on one data node log in on another', async () => {
    const [a, b, c] = nodes as [TidemarkdHandle, TidemarkdHandle, TidemarkdHandle]
    firstColumn(await a.query("CREATE USER admin WITH PASSWORD 'adminpw' WITH ALL PRIVILEGES"))
    const admin = { u: 'admin', p: 'adminpw' }
    await eventually('b knows the admin', async () => {
      const r = (await b.query('SHOW USERS', admin)) as { error?: string }
      return r.error === undefined
    })
    firstColumn(await b.query("CREATE USER bob WITH PASSWORD 'bobpw'", admin))
    await eventually('bob logs in on c', async () => {
      const r = await fetch(`${c.url}/query?q=SHOW+DATABASES&u=bob&p=bobpw`)
      return r.status === 200
    })
    const wrong = await fetch(`${c.url}/query?q=SHOW+DATABASES&u=bob&p=nope`)
    assert.equal(wrong.status, 401)

    // With an admin now, tidemark-ctl's token must name one (basic auth works too).
    const notAdmin = await ctl([...jwt(CTL_SECRET, 'bob'), 'show'])
    assert.equal(notAdmin.code, 1)
    const asAdmin = await ctl([...jwt(CTL_SECRET, 'admin'), 'show'])
    assert.equal(asAdmin.code, 0, asAdmin.stderr)
    const basic = await ctl([
      '-bind',
      meta.metaAddress,
      '-auth-type',
      'basic',
      '-user',
      'admin',
      '-pwd',
      'adminpw',
      'show',
    ])
    assert.equal(basic.code, 0, basic.stderr)
  })

  it("backs up through the data nodes' node API with -auth-type jwt, as with basic", async () => {
    const [a] = nodes as [TidemarkdHandle]
    const admin = { u: 'admin', p: 'adminpw' }
    firstColumn(await a.query('CREATE DATABASE jwtdb', admin))
    const w = await fetch(`${a.url}/write?db=jwtdb&u=admin&p=adminpw`, {
      method: 'POST',
      body: 'm,t=1 v=1 1000000000\nm,t=2 v=2 2000000000',
    })
    assert.equal(w.status, 204)
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-jwt-backup-'))
    try {
      const asBob = await ctl([...jwt(CTL_SECRET, 'bob'), 'backup', '-db', 'jwtdb', dir])
      assert.equal(asBob.code, 1)
      const r = await ctl([...jwt(CTL_SECRET, 'admin'), 'backup', '-db', 'jwtdb', dir])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /Backing up node .*, db jwtdb, rp autogen, shard \d+\.\.\. Done/)
      assert.ok(readdirSync(dir).some((f) => f.endsWith('.tar.gz')))
      const shown = await ctl([...jwt(CTL_SECRET, 'admin'), 'entropy', 'show'])
      assert.equal(shown.code, 0, shown.stderr)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

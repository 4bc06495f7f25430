// Meta nodes sharing one metastore on etcd: several tidemarkd processes pointed at the same etcd
// (`[meta] etcd-endpoints`, here TIDEMARK_META_ETCD_ENDPOINTS) run DDL concurrently and none of it
// is lost; each process sees the others' changes. Start-up against an unreachable etcd fails with
// one line naming the endpoints.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { etcdAvailable, requireEtcd, startEtcd, type EtcdCluster } from '../helpers/etcd.js'
import { freePort } from '../helpers/influxd.js'
import type { JSONValue } from '../helpers/json-bigint.js'
import { eventually, startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemarkd.js')

let etcd: EtcdCluster | undefined
before(async () => {
  if (etcdAvailable()) etcd = await startEtcd()
})
after(async () => {
  await etcd?.stop()
})

/** The first column of every row of the first series of a SHOW answer. */
function firstColumn(answer: JSONValue): string[] {
  const series = (answer as { results?: { series?: { values?: unknown[][] }[]; error?: string }[] })
    .results?.[0]
  if (series?.error !== undefined) throw new Error(series.error)
  return (series?.series?.[0]?.values ?? []).map((row) => String(row[0]))
}

/** Runs a statement and fails on a statement error. */
async function ddl(node: TidemarkdHandle, q: string): Promise<void> {
  const answer = (await node.query(q)) as { results?: { error?: string }[]; error?: string }
  const error = answer.error ?? answer.results?.[0]?.error
  if (error !== undefined) throw new Error(`${q}: ${error}`)
}

describe('tidemarkd meta nodes on etcd', () => {
  // Users are few here because each CREATE USER costs a bcrypt hash (~0.1–0.5 s of CPU); the unit
  // tests of MetaEtcdStore create 60 users from 3 clients at once.
  it('keeps all 60 databases and 12 users that 3 processes create at once, and each process sees them all', async (t) => {
    if (!requireEtcd(t) || etcd === undefined) return
    const env = {
      TIDEMARK_META_ETCD_ENDPOINTS: etcd.endpoints.join(','),
      TIDEMARK_META_ETCD_PREFIX: '/e2e-concurrent',
    }
    const nodes = await Promise.all([1, 2, 3].map(() => startTidemarkd({ env })))
    try {
      const work: Promise<void>[] = []
      nodes.forEach((node, k) => {
        for (let i = 0; i < 20; i++) {
          work.push(ddl(node, `CREATE DATABASE db_${k}_${i}`))
          if (i % 5 === 0) work.push(ddl(node, `CREATE USER user_${k}_${i} WITH PASSWORD 'pw'`))
        }
      })
      await Promise.all(work)
      const dbs = nodes
        .flatMap((_, k) => Array.from({ length: 20 }, (_, i) => `db_${k}_${i}`))
        .sort()
      const users = dbs
        .filter((n) => Number(n.split('_')[2]) % 5 === 0)
        .map((n) => n.replace('db_', 'user_'))
        .sort()
      for (const node of nodes) {
        await eventually(
          'every node lists 60 databases',
          async () => firstColumn(await node.query('SHOW DATABASES')).length === 60,
        )
        assert.deepEqual(firstColumn(await node.query('SHOW DATABASES')).sort(), dbs)
        assert.deepEqual(firstColumn(await node.query('SHOW USERS')).sort(), users)
      }
      // A node started later reads the same metastore.
      const late = await startTidemarkd({ env })
      try {
        assert.deepEqual(firstColumn(await late.query('SHOW DATABASES')).sort(), dbs)
      } finally {
        await late.stop()
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop()))
    }
  })

  it('writes through a database another process created', async (t) => {
    if (!requireEtcd(t) || etcd === undefined) return
    const env = {
      TIDEMARK_META_ETCD_ENDPOINTS: etcd.endpoints.join(','),
      TIDEMARK_META_ETCD_PREFIX: '/e2e-write',
    }
    const [a, b] = await Promise.all([startTidemarkd({ env }), startTidemarkd({ env })])
    try {
      await ddl(a, 'CREATE DATABASE shared')
      await eventually('b knows the database', async () =>
        firstColumn(await b.query('SHOW DATABASES')).includes('shared'),
      )
      assert.equal((await b.write('shared', 'cpu v=1 1577836800000000000')).status, 204)
      const answer = await b.query('SELECT v FROM cpu', { db: 'shared' })
      assert.deepEqual(firstColumn(answer), ['2020-01-01T00:00:00Z'])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })

  it('refuses to start with one line naming the endpoints when etcd cannot be reached', async (t) => {
    if (!requireEtcd(t)) return
    const endpoint = `http://127.0.0.1:${await freePort()}`
    const cwd = await mkdtemp(join(tmpdir(), 'tidemark-e2e-'))
    const r = spawnSync(process.execPath, [BIN, 'run'], {
      cwd,
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        ...process.env,
        TIDEMARK_META_ETCD_ENDPOINTS: endpoint,
        TIDEMARK_META_ETCD_DIAL_TIMEOUT: '1s',
        TIDEMARK_LOGGING_LEVEL: 'error',
      },
    })
    assert.equal(r.status, 1, r.stderr)
    const lines = r.stderr.trimEnd().split('\n')
    assert.equal(lines.length, 1, r.stderr)
    assert.match(
      lines[0] ?? '',
      new RegExp(`^tidemarkd: cannot read etcd key /tidemark/meta/data at ${endpoint}: .+`),
    )
    await rm(cwd, { recursive: true, force: true })
  })
})

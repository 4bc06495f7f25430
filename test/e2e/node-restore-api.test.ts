// The restore side of the node API, driven directly over HTTP as tidemark-ctl drives it: archives
// are extracted and checked while they upload (the commit then only moves directories), and an
// archive that fails that early check is still stored whole, so the commit reports its problem
// with the archive named and changes nothing.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')

let dir = ''
let source: TidemarkdHandle
let files: string[] = []

async function nodeAddress(server: TidemarkdHandle): Promise<string> {
  const show = (await (await fetch(`http://${server.metaAddress}/show`)).json()) as {
    dataNodes: { tcpAddr: string }[]
  }
  return show.dataNodes[0]?.tcpAddr ?? ''
}

/** Uploads the set's files (meta and manifest first, as tidemark-ctl does); `change` may alter an archive's bytes. */
async function upload(node: string, token: string, change?: (b: Buffer) => Buffer): Promise<void> {
  const order = [
    ...files.filter((f) => !f.endsWith('.tar.gz')),
    ...files.filter((f) => f.endsWith('.tar.gz')),
  ]
  for (const name of order) {
    let body: Buffer = readFileSync(join(dir, name))
    if (name.endsWith('.tar.gz') && change !== undefined) body = change(body)
    const r = await fetch(`http://${node}/restore/${token}/${name}`, { method: 'PUT', body })
    assert.equal(r.status, 204, await r.text())
  }
}

function commit(node: string, token: string): Promise<Response> {
  return fetch(`http://${node}/restore/${token}/commit`, {
    method: 'POST',
    body: '{}',
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('node API restore', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-node-restore-'))
    source = await startTidemarkd()
    await source.query('CREATE DATABASE db')
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `m,k=k${i % 4} v=${i} ${1577836800000000000n + BigInt(i) * 60_000_000_000n}`,
    )
    assert.equal((await source.write('db', lines.join('\n'))).status, 204)
    const b = spawnSync(process.execPath, [CTL, '-bind', source.metaAddress, 'backup', dir], {
      encoding: 'utf8',
    })
    assert.equal(b.status, 0, b.stderr)
    files = readdirSync(dir)
  })
  after(async () => {
    await source.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('extracts and checks each archive while it uploads; the commit installs it', async () => {
    const target = await startTidemarkd()
    try {
      const node = await nodeAddress(target)
      const token = 'a1b2c3d4e5f60718'
      await upload(node, token)
      const staging = join(target.root, 'data', `.restore-staging-${token}`)
      const early = readdirSync(staging).filter((n) => n.startsWith('.x-'))
      assert.equal(
        early.length,
        files.filter((f) => f.endsWith('.tar.gz')).length,
        `staged: ${readdirSync(staging).join(', ')}`,
      )
      for (const x of early)
        assert.ok(
          readdirSync(join(staging, x)).some((n) => n.endsWith('.tsm')),
          x,
        )
      const r = await commit(node, token)
      assert.equal(r.status, 200, await r.clone().text())
      const result = (await r.json()) as { shards: { ms: number; tarSize: number }[] }
      assert.ok(result.shards.length > 0 && result.shards.every((s) => s.ms > 0 && s.tarSize > 0))
      assert.equal(existsSync(staging), false)
      const q = (await target.query('SELECT count(v) FROM m', { db: 'db' })) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.equal(q.results[0]?.series?.[0]?.values[0]?.[1], 2000)
    } finally {
      await target.stop()
    }
  })

  it('stores an archive that fails the early check, and the commit refuses it by name, changing nothing', async () => {
    const target = await startTidemarkd()
    try {
      const node = await nodeAddress(target)
      const token = 'feedbeeffeedbeef'
      await upload(node, token, (b) => {
        const c = Buffer.from(b)
        c[Math.floor(c.length / 2)] = (c[Math.floor(c.length / 2)] ?? 0) ^ 0x10
        return c
      })
      const staging = join(target.root, 'data', `.restore-staging-${token}`)
      assert.deepEqual(
        readdirSync(staging).filter((n) => n.startsWith('.x-')),
        [],
      )
      const r = await commit(node, token)
      assert.equal(r.status, 400)
      const body = (await r.json()) as { error: string; code: string }
      assert.match(body.code, /^ERR_BACKUP_(GZIP|CHECKSUM|TSM_CORRUPT)$/)
      assert.match(body.error, /\.tar\.gz/)
      const dbs = (await target.query('SHOW DATABASES')) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.deepEqual(dbs.results[0]?.series?.[0]?.values ?? [], [])
      assert.equal(existsSync(staging), false)
    } finally {
      await target.stop()
    }
  })

  it('refuses a bad token or file name with 400', async () => {
    const target = await startTidemarkd()
    try {
      const node = await nodeAddress(target)
      const badToken = await fetch(`http://${node}/restore/NOT-A-TOKEN/x.meta`, {
        method: 'PUT',
        body: 'x',
      })
      assert.equal(badToken.status, 400)
      assert.match(((await badToken.json()) as { error: string }).error, /invalid restore token/)
      const badName = await fetch(`http://${node}/restore/abcdef0123456789/..%2Fescape`, {
        method: 'PUT',
        body: 'x',
      })
      assert.equal(badName.status, 400)
      assert.match(((await badName.json()) as { error: string }).error, /invalid backup file name/)
    } finally {
      await target.stop()
    }
  })
})

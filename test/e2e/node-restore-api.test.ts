// The restore side of the node API, driven directly over HTTP as tidemark-ctl drives it: archives
// are extracted and checked while they upload (the commit then only moves directories), and an
// archive that fails that early check is still stored whole, so the commit reports its problem
// with the archive named and changes nothing. Archives uploaded as the tar they hold (what
// tidemark-ctl sends: it inflates them itself) are refused at the upload, naming the client's file.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash } from 'node:crypto'
import { tarFileHeader, tarPadding, TAR_END_MARKER_BYTES } from '../../src/backup/index.js'
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

/** PUTs `tar` as archive `name` in tar form, with the sha256 trailer; resolves to status and JSON body. */
function putTar(
  node: string,
  token: string,
  name: string,
  tar: Buffer,
  sha256: string,
): Promise<{ status: number; body: { error?: string; code?: string } }> {
  return new Promise((done, fail) => {
    const req = request(
      `http://${node}/restore/${token}/${name}`,
      {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/x-tar',
          'X-Tidemark-Archive-Path': encodeURIComponent(`/client/${name}`),
        },
      },
      (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text) }),
        )
      },
    )
    req.on('error', fail)
    // In pieces, so the node sees a stream, not one chunk.
    for (let at = 0; at < tar.length; at += 4096) req.write(tar.subarray(at, at + 4096))
    req.addTrailers({ 'X-Tidemark-Archive-Sha256': sha256 })
    req.end()
  })
}

/** Uploads the set's .meta and manifest only. */
async function uploadMeta(node: string, token: string): Promise<void> {
  for (const name of files.filter((f) => !f.endsWith('.tar.gz'))) {
    const r = await fetch(`http://${node}/restore/${token}/${name}`, {
      method: 'PUT',
      body: readFileSync(join(dir, name)),
    })
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

async function abandon(node: string, token: string): Promise<void> {
  const r = await fetch(`http://${node}/restore/${token}`, { method: 'DELETE' })
  assert.equal(r.status, 204)
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

  describe('archives uploaded as tar', () => {
    const archive = (): { name: string; tar: Buffer; sha256: string } => {
      const name = files.find((f) => f.endsWith('.tar.gz')) ?? ''
      const gz = readFileSync(join(dir, name))
      return { name, tar: gunzipSync(gz), sha256: createHash('sha256').update(gz).digest('hex') }
    }
    /** The tar's first entry's path and data offset (its TSM file). */
    const firstEntry = (tar: Buffer): { path: string; data: number; size: number } => {
      let at = 0
      for (;;) {
        const type = String.fromCharCode(tar[at + 156] ?? 0)
        const size = parseInt(tar.subarray(at + 124, at + 136).toString('latin1'), 8)
        if (type === 'x') {
          at += 512 + Math.ceil(size / 512) * 512
          continue
        }
        const path = tar
          .subarray(at, at + 100)
          .toString('utf8')
          .replace(/\0.*$/s, '')
        return { path, data: at + 512, size }
      }
    }
    let target: TidemarkdHandle
    let node = ''
    before(async () => {
      target = await startTidemarkd()
      node = await nodeAddress(target)
    })
    after(async () => {
      await target.stop()
    })
    const noDatabases = async (): Promise<void> => {
      const dbs = (await target.query('SHOW DATABASES')) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.deepEqual(dbs.results[0]?.series?.[0]?.values ?? [], [])
    }

    it('extracts a tar upload and the commit installs it', async () => {
      const token = '0a0b0c0d0e0f1011'
      await uploadMeta(node, token)
      const { name, tar, sha256 } = archive()
      const r = await putTar(node, token, name, tar, sha256)
      assert.equal(r.status, 204, JSON.stringify(r.body))
      const staging = join(target.root, 'data', `.restore-staging-${token}`)
      assert.deepEqual(
        readdirSync(staging).sort(),
        [`.x-${name}`, ...files.filter((f) => !f.endsWith('.tar.gz'))].sort(),
      )
      const c = await commit(node, token)
      assert.equal(c.status, 200, await c.clone().text())
      const q = (await target.query('SELECT count(v) FROM m', { db: 'db' })) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.equal(q.results[0]?.series?.[0]?.values[0]?.[1], 2000)
      await target.query('DROP DATABASE db')
    })

    it("refuses a sha256 trailer that is not the manifest's", async () => {
      const token = '1a1b1c1d1e1f2021'
      await uploadMeta(node, token)
      const { name, tar } = archive()
      const r = await putTar(node, token, name, tar, '0'.repeat(64))
      assert.equal(r.status, 400)
      assert.equal(r.body.code, 'ERR_BACKUP_CHECKSUM')
      assert.match(r.body.error ?? '', new RegExp(`/client/${name.replace(/\./g, '\\.')}`))
      const c = await commit(node, token)
      assert.equal(c.status, 400, 'nothing to install for the refused archive')
      await noDatabases()
    })

    it('refuses a bit-flipped TSM file, naming the entry and the offset', async () => {
      const token = '2a2b2c2d2e2f3031'
      await uploadMeta(node, token)
      const { name, tar, sha256 } = archive()
      const e = firstEntry(tar)
      const bad = Buffer.from(tar)
      const at = e.data + 5 + 4 + 2 // inside the first block's data, past its CRC
      bad[at] = (bad[at] ?? 0) ^ 0x01
      const r = await putTar(node, token, name, bad, sha256)
      assert.equal(r.status, 400)
      assert.equal(r.body.code, 'ERR_BACKUP_TSM_CORRUPT')
      assert.ok((r.body.error ?? '').includes(e.path), r.body.error)
      assert.ok((r.body.error ?? '').includes(`/client/${name}`), r.body.error)
      assert.equal(
        existsSync(join(target.root, 'data', `.restore-staging-${token}`, `.x-${name}`)),
        false,
      )
      await abandon(node, token)
      await noDatabases()
    })

    it('refuses an entry that escapes the shard directory', async () => {
      const token = '3a3b3c3d3e3f4041'
      await uploadMeta(node, token)
      const { name, tar, sha256 } = archive()
      const e = firstEntry(tar)
      const evil = Buffer.from('not a tsm file')
      const escaping = `${e.path.split('/').slice(0, 3).join('/')}/../../../../escape.tsm`
      const bad = Buffer.concat([
        tarFileHeader(escaping, evil.length, new Date()),
        evil,
        tarPadding(evil.length),
        Buffer.alloc(TAR_END_MARKER_BYTES),
      ])
      const r = await putTar(node, token, name, bad, sha256)
      assert.equal(r.status, 400)
      assert.equal(r.body.code, 'ERR_BACKUP_UNSAFE_ENTRY')
      assert.ok((r.body.error ?? '').includes('escape.tsm'), r.body.error)
      assert.equal(existsSync(join(target.root, 'escape.tsm')), false)
      await abandon(node, token)
    })

    it('refuses a tar cut short, and an archive the manifest does not name', async () => {
      const token = '4a4b4c4d4e4f5051'
      await uploadMeta(node, token)
      const { name, tar, sha256 } = archive()
      const cut = await putTar(node, token, name, tar.subarray(0, tar.length - 3000), sha256)
      assert.equal(cut.status, 400)
      assert.equal(cut.body.code, 'ERR_BACKUP_TAR')
      const other = await putTar(node, token, '20200101T000000Z.s999.tar.gz', tar, sha256)
      assert.equal(other.status, 400)
      assert.match(other.body.error ?? '', /names no shard archive/)
      await abandon(node, token)
      await noDatabases()
    })
  })
})

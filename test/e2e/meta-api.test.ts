// The meta API of tidemarkd and the tidemark-ctl commands that use it today (show, show-shards).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeMetaData } from '../../src/meta/index.js'
import { startTidemarkd } from '../helpers/tidemarkd.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')

function ctl(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CTL, ...args], { encoding: 'utf8', timeout: 20_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('meta API and tidemark-ctl', () => {
  it("serves the metastore in InfluxDB's protobuf and lists shards for tidemark-ctl show-shards", async () => {
    const server = await startTidemarkd()
    try {
      await server.query('CREATE DATABASE telegraf')
      assert.equal((await server.write('telegraf', 'cpu v=1 1577836800000000000')).status, 204)
      const r = await fetch(`http://${server.metaAddress}/data`)
      assert.equal(r.status, 200)
      const data = decodeMetaData(new Uint8Array(await r.arrayBuffer()))
      assert.deepEqual(
        data.databases.map((d) => d.name),
        ['telegraf'],
      )
      assert.equal(r.headers.get('x-meta-index'), String(data.index))

      const shards = ctl(['-bind', server.metaAddress, 'show-shards'])
      assert.equal(shards.code, 0, shards.stderr)
      const lines = shards.stdout.trimEnd().split('\n')
      assert.equal(lines[0], 'Shards')
      assert.match(
        lines[2] ?? '',
        /^ID\s+Database\s+Retention Policy\s+Desired Replicas\s+Shard Group\s+Start\s+End\s+Expires\s+Owners$/,
      )
      assert.match(
        lines[3] ?? '',
        /^1\s+telegraf\s+autogen\s+1\s+1\s+2019-12-30T00:00:00Z\s+2020-01-06T00:00:00Z\s+\[\]$/,
      )

      const show = ctl(['-bind', server.metaAddress, 'show'])
      assert.equal(show.code, 0, show.stderr)
      assert.match(
        show.stdout,
        /^Data Nodes\n==========\nID\s+TCP Address\s+Version\n1\s+127\.0\.0\.1:\d+\s+0\.1\.0\n/,
      )

      const bad = ctl(['-bind', '127.0.0.1:1', 'show'])
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /^tidemark-ctl: cannot reach the meta node at 127\.0\.0\.1:1: .+\n$/)
    } finally {
      await server.stop()
    }
  })

  it('prints its usage for -h / -help and exits 0, and refuses an unknown flag with the usage and exit 1', () => {
    for (const flag of ['-h', '-help', '--help']) {
      const r = ctl([flag])
      assert.equal(r.code, 0, flag)
      assert.match(r.stdout, /^Usage: tidemark-ctl \[options\] <command>/)
      assert.match(r.stdout, /backup {2,}Backup data and metadata/)
    }
    const bad = ctl(['-nope'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /^flag provided but not defined: -nope\nUsage: tidemark-ctl/)
  })

  it("requires an admin's credentials when authentication is on", async () => {
    const server = await startTidemarkd({ env: { TIDEMARK_HTTP_AUTH_ENABLED: 'true' } })
    try {
      await server.query("CREATE USER admin WITH PASSWORD 'pw' WITH ALL PRIVILEGES")
      assert.equal((await fetch(`http://${server.metaAddress}/ping`)).status, 204)
      const denied = ctl(['-bind', server.metaAddress, 'show-shards'])
      assert.equal(denied.code, 1)
      assert.match(denied.stderr, /answered 401: .*an admin user is required/)
      const wrong = ctl([
        '-bind',
        server.metaAddress,
        '-auth-type',
        'basic',
        '-user',
        'admin',
        '-pwd',
        'nope',
        'show-shards',
      ])
      assert.equal(wrong.code, 1)
      const ok = ctl([
        '-bind',
        server.metaAddress,
        '-auth-type',
        'basic',
        '-user',
        'admin',
        '-pwd',
        'pw',
        'show-shards',
      ])
      assert.equal(ok.code, 0, ok.stderr)
      assert.equal(ok.stdout.split('\n')[0], 'Shards')
    } finally {
      await server.stop()
    }
  })
})

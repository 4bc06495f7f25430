// Backup and restore against nodes with authentication on: without an admin's credentials both
// are refused (nothing written, nothing changed); with `-auth-type basic -user -pwd` both work.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')
const AUTH = { TIDEMARK_HTTP_AUTH_ENABLED: 'true' }

function ctl(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CTL, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function asAdmin(s: TidemarkdHandle, q: string, db = ''): Promise<unknown> {
  const r = await fetch(`${s.url}/query?${new URLSearchParams({ q, db, u: 'admin', p: 'pw' })}`, {
    method: 'POST',
  })
  return r.json()
}

describe('backup and restore with authentication on', () => {
  it('need an admin’s credentials on both ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-backup-auth-'))
    const source = await startTidemarkd({ env: AUTH })
    const target = await startTidemarkd({ env: AUTH })
    try {
      for (const s of [source, target])
        await s.query("CREATE USER admin WITH PASSWORD 'pw' WITH ALL PRIVILEGES")
      await asAdmin(source, 'CREATE DATABASE db')
      const w = await fetch(
        `${source.url}/write?${new URLSearchParams({ db: 'db', u: 'admin', p: 'pw' })}`,
        { method: 'POST', body: 'm v=1 1000000000\nm v=2 2000000000' },
      )
      assert.equal(w.status, 204)

      const denied = ctl(['-bind', source.metaAddress, 'backup', dir])
      assert.equal(denied.code, 1)
      assert.match(denied.stderr, /401/)
      assert.deepEqual(readdirSync(dir), [])
      const creds = ['-auth-type', 'basic', '-user', 'admin', '-pwd', 'pw']
      const backup = ctl(['-bind', source.metaAddress, ...creds, 'backup', dir])
      assert.equal(backup.code, 0, backup.stderr)

      const refused = ctl(['-bind', target.metaAddress, 'restore', '-db', 'db', dir])
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /401/)
      assert.doesNotMatch(JSON.stringify(await asAdmin(target, 'SHOW DATABASES')), /"db"/)
      const restore = ctl(['-bind', target.metaAddress, ...creds, 'restore', '-db', 'db', dir])
      assert.equal(restore.code, 0, restore.stderr)
      const count = (await asAdmin(target, 'SELECT count(v) FROM m', 'db')) as {
        results: { series: { values: unknown[][] }[] }[]
      }
      assert.equal(count.results[0]?.series[0]?.values[0]?.[1], 2)
    } finally {
      await source.stop()
      await target.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

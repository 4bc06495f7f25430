import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  INFLUXD_MISSING,
  InfluxdExitedError,
  InfluxdHTTPError,
  influxdAvailable,
  requireInfluxd,
  startInfluxd,
} from './influxd.js'

const HARNESS = new URL('./influxd.js', import.meta.url).href

// A killed process whose parent is gone stays a zombie until init reaps it; count that as dead.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (alive(pid)) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 50))
  }
  return true
}

describe('influxd test harness', () => {
  it('starts influxd on loopback, writes a point and reads it back exactly', async (t) => {
    if (!requireInfluxd(t)) return
    const h = await startInfluxd()
    try {
      assert.match(h.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.match(h.rpcAddress, /^127\.0\.0\.1:\d+$/)
      await h.query('CREATE DATABASE "h"')
      await h.write('h', 'm,host=a v=1.5,n=9223372036854775807i 1577836800000000001')
      const res = await h.query('SELECT * FROM m', { db: 'h', epoch: 'ns' })
      assert.deepEqual(res, {
        results: [
          {
            statement_id: 0,
            series: [
              {
                name: 'm',
                columns: ['time', 'host', 'n', 'v'],
                values: [[1577836800000000001n, 'a', 9223372036854775807n, 1.5]],
              },
            ],
          },
        ],
      })
      assert.deepEqual(readdirSync(h.dirs.wal), ['h'])
      assert.ok(existsSync(join(h.dirs.meta, 'meta.db')))
    } finally {
      await h.stop()
    }
  })

  it('stop() ends the process and removes the directory the harness created', async (t) => {
    if (!requireInfluxd(t)) return
    const h = await startInfluxd()
    assert.ok(alive(h.pid))
    await h.stop()
    await h.stop() // idempotent
    assert.equal(alive(h.pid), false)
    assert.equal(existsSync(h.root), false)
  })

  it('keeps a caller-supplied dataDir, so a restart sees the WAL-replayed data', async (t) => {
    if (!requireInfluxd(t)) return
    const root = mkdtempSync(join(tmpdir(), 'tidemark-harness-'))
    try {
      const a = await startInfluxd({ dataDir: root })
      await a.query('CREATE DATABASE "r"')
      await a.write('r', 'm v=7i 1577836800000000000')
      await a.stop()
      assert.ok(existsSync(join(root, 'meta', 'meta.db')))
      const b = await startInfluxd({ dataDir: root })
      try {
        const raw = await b.queryRaw('SELECT v FROM m', { db: 'r', epoch: 'ns' })
        assert.equal(
          raw,
          '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],' +
            '"values":[[1577836800000000000,7]]}]}]}\n',
        )
      } finally {
        await b.stop()
      }
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('rejects a refused write with InfluxdHTTPError with status and body', async (t) => {
    if (!requireInfluxd(t)) return
    const h = await startInfluxd()
    try {
      await h.query('CREATE DATABASE "e"')
      await assert.rejects(h.write('e', 'bad line'), (e: unknown) => {
        return (
          e instanceof InfluxdHTTPError &&
          e.code === 'ERR_INFLUXD_HTTP' &&
          e.status === 400 &&
          e.body === `{"error":"unable to parse 'bad line': invalid field format"}\n`
        )
      })
      const r = await h.request('GET', '/ping')
      assert.equal(r.status, 204)
      assert.equal(r.headers['x-influxdb-version'], '1.6.7~rc0')
    } finally {
      await h.stop()
    }
  })

  it('reports influxd’s own error output when it cannot start', async (t) => {
    if (!requireInfluxd(t)) return
    await assert.rejects(
      startInfluxd({ config: { data: { 'cache-max-memory-size': 'abc' } } }),
      (e: unknown) =>
        e instanceof InfluxdExitedError &&
        e.code === 'ERR_INFLUXD_EXITED' &&
        e.message.includes('parse config: unknown size suffix'),
    )
  })

  it('kills influxd when the test process exits or is killed with SIGKILL', async (t) => {
    if (!requireInfluxd(t)) return
    // 'owned': the harness made the root directory, so the watchdog must remove it too.
    for (const ending of ['exit', 'sigkill', 'sigkill-owned'] as const) {
      const parent = mkdtempSync(join(tmpdir(), 'tidemark-harness-'))
      try {
        const opts = ending === 'sigkill-owned' ? '{}' : `{ dataDir: ${JSON.stringify(parent)} }`
        const script =
          `const { startInfluxd } = await import(${JSON.stringify(HARNESS)});` +
          `const h = await startInfluxd(${opts});` +
          `console.log(JSON.stringify([h.pid, h.root]));` +
          (ending === 'exit' ? 'process.exit(0)' : 'setInterval(() => {}, 1000)')
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
          stdio: ['ignore', 'pipe', 'inherit'],
        })
        const [pid, root] = await new Promise<[number, string]>((resolve, reject) => {
          child.stdout.setEncoding('utf8').once('data', (s: string) => {
            resolve(JSON.parse(s) as [number, string])
          })
          child.once('exit', () => reject(new Error('child exited before printing a pid')))
        })
        assert.ok(Number.isInteger(pid) && pid > 0)
        if (ending !== 'exit') child.kill('SIGKILL')
        // exit hook: immediate; watchdog: polls once a second.
        assert.ok(await waitGone(pid, 5_000), `influxd ${pid} outlived its parent (${ending})`)
        if (ending === 'sigkill-owned') {
          const deadline = Date.now() + 5_000
          while (existsSync(root) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50))
          }
          assert.equal(existsSync(root), false, `${root} left behind`)
        }
      } finally {
        rmSync(parent, { recursive: true, force: true })
      }
    }
  })

  it('skips with the install hint without influxd, and fails instead when CI is set', () => {
    assert.equal(influxdAvailable(), existsSync('/usr/bin/influxd'))
    const script =
      `const { test } = await import('node:test');` +
      `const { requireInfluxd } = await import(${JSON.stringify(HARNESS)});` +
      `test('needs influxd', (t) => { if (!requireInfluxd(t)) return; throw new Error('ran') })`
    const run = (ci: boolean): { status: number | null; out: string } => {
      const env: NodeJS.ProcessEnv = { ...process.env, INFLUXD_BIN: '/nonexistent/influxd' }
      delete env['CI']
      delete env['NODE_TEST_CONTEXT'] // else the child talks the runner's binary protocol
      if (ci) env['CI'] = 'true'
      const args = ['--test-reporter=tap', '--input-type=module', '-e', script]
      const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' })
      return { status: r.status, out: r.stdout + r.stderr }
    }
    const local = run(false)
    assert.equal(local.status, 0, local.out)
    assert.ok(local.out.includes(`# SKIP ${INFLUXD_MISSING}`), local.out)
    const ci = run(true)
    assert.notEqual(ci.status, 0, ci.out)
    assert.ok(ci.out.includes(INFLUXD_MISSING), ci.out)
  })
})

// The tidemarkd command itself: version, config, and one clear line for a bad config or a busy port.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseTOML } from 'smol-toml'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemarkd.js')

function run(
  args: readonly string[],
  env: Record<string, string> = {},
  cwd?: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...env },
    cwd,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('tidemarkd command line', () => {
  it('prints its version and its default configuration as TOML with environment overrides applied', () => {
    const v = run(['version'])
    assert.equal(v.code, 0)
    assert.match(v.stdout, /^Tidemark v\d+\.\d+\.\d+/)
    const c = run(['config'], { TIDEMARK_HTTP_BIND_ADDRESS: '127.0.0.1:9999' })
    assert.equal(c.code, 0)
    const toml = parseTOML(c.stdout) as { http: { 'bind-address': string }; data: { dir: string } }
    assert.equal(toml.http['bind-address'], '127.0.0.1:9999')
    assert.equal(toml.data.dir, './tidemark/data')
  })

  it('refuses a bad configuration with one line naming the key, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemarkd-cli-'))
    try {
      const conf = join(dir, 'bad.conf')
      writeFileSync(conf, '[http]\n  auth-enabled = "sometimes"\n')
      const r = run(['run', '-config', conf], {}, dir)
      assert.equal(r.code, 1)
      assert.equal(
        r.stderr,
        `tidemarkd: ${conf}: [http] auth-enabled: invalid boolean value "sometimes"\n`,
      )
      const missing = run(['run', '-config', join(dir, 'nope.conf')], {}, dir)
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /^tidemarkd: cannot read config file .*nope\.conf: ENOENT/)
      const flag = run(['run', '-bogus'], {}, dir)
      assert.equal(flag.code, 1)
      assert.equal(flag.stderr, 'tidemarkd: flag provided but not defined: -bogus\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('says the HTTP port is in use in one line, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemarkd-cli-'))
    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()))
    const port = (busy.address() as { port: number }).port
    try {
      const r = run(
        ['run'],
        {
          TIDEMARK_HTTP_BIND_ADDRESS: `127.0.0.1:${port}`,
          TIDEMARK_META_HTTP_BIND_ADDRESS: '127.0.0.1:0',
          TIDEMARK_LOGGING_LEVEL: 'error',
        },
        dir,
      )
      assert.equal(r.code, 1)
      assert.equal(
        r.stderr.trim().split('\n').at(-1),
        `tidemarkd: cannot listen on 127.0.0.1:${port}: address already in use`,
      )
    } finally {
      busy.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

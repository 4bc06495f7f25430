import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultInfluxdConfig, mergeInfluxdConfig, renderInfluxdConfig } from './influxd-config.js'
import { INFLUXD_BIN, requireInfluxd } from './influxd.js'

const dirs = { meta: '/x/meta', data: '/x/data', wal: '/x/wal' }

describe('influxd config rendering', () => {
  it('merges overrides section by section and keeps the other defaults', () => {
    const base = defaultInfluxdConfig(dirs, '127.0.0.1:1', '127.0.0.1:2')
    const merged = mergeInfluxdConfig(base, {
      data: { 'cache-snapshot-write-cold-duration': '1s' },
      'reporting-enabled': true,
    })
    assert.deepEqual(merged['data'], {
      ...(base['data'] as object),
      'cache-snapshot-write-cold-duration': '1s',
    })
    assert.equal(merged['reporting-enabled'], true)
    assert.deepEqual(merged['http'], base['http'])
    const baseData = base['data'] as Record<string, unknown>
    assert.equal(baseData['cache-snapshot-write-cold-duration'], undefined)
  })

  it('writes top-level keys before sections and escapes strings', () => {
    const text = renderInfluxdConfig({ s: { p: 'a"b\\c\nd' }, 'bind-address': 'h:1', n: 5 })
    assert.equal(text, 'bind-address = "h:1"\nn = 5\n\n[s]\n  p = "a\\"b\\\\c\\u000ad"\n')
  })

  it('produces a file influxd reads with every harness default applied', (t) => {
    if (!requireInfluxd(t)) return
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-cfg-'))
    try {
      const d = { meta: join(dir, 'm e'), data: join(dir, 'd"q'), wal: join(dir, 'w\\x') }
      const path = join(dir, 'influxd.conf')
      const config = defaultInfluxdConfig(d, '127.0.0.1:7', '127.0.0.1:9')
      writeFileSync(path, renderInfluxdConfig(config))
      const r = spawnSync(INFLUXD_BIN, ['config', '-config', path], { encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
      const out = r.stdout
      assert.match(out, /^reporting-enabled = false$/m)
      assert.match(out, /^bind-address = "127\.0\.0\.1:9"$/m)
      assert.match(out, /\[monitor\]\n {2}store-enabled = false/)
      assert.match(out, /\[shard-precreation\]\n {2}enabled = false/)
      assert.match(out, /^ {2}bind-address = "127\.0\.0\.1:7"$/m)
      assert.match(out, /^ {2}index-version = "inmem"$/m)
      assert.ok(out.includes(`dir = ${JSON.stringify(d.data)}`), out)
      assert.ok(out.includes(`wal-dir = ${JSON.stringify(d.wal)}`), out)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

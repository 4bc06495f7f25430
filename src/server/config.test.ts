import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseTOML } from 'smol-toml'
import { ConfigError, defaultConfig, loadConfig, renderConfig } from './config.js'
import { formatGoDuration, parseGoDurationMs, parseSize } from './config-values.js'

describe('configuration', () => {
  it('has embedded defaults under ./tidemark on loopback ports', () => {
    const c = defaultConfig()
    assert.equal(c.http['bind-address'], '127.0.0.1:8086')
    assert.equal(c['']['bind-address'], '127.0.0.1:8088')
    assert.equal(c.meta['http-bind-address'], '127.0.0.1:8091')
    assert.equal(c.data.dir, './tidemark/data')
    assert.equal(c.data['cache-snapshot-write-cold-duration'], 600_000)
  })

  it('reads an InfluxDB-style TOML file, then environment overrides, and reports unknown keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-config-'))
    try {
      const path = join(dir, 'influxdb.conf')
      await writeFile(
        path,
        [
          'reporting-enabled = false',
          'bind-address = "127.0.0.1:9088"',
          '[meta]',
          '  dir = "/x/meta"',
          '[data]',
          '  cache-max-memory-size = "512m"',
          '  cache-snapshot-write-cold-duration = "1m30s"',
          '  bogus = 1',
          '[http]',
          '  auth-enabled = true',
          '[[graphite]]',
          '  enabled = false',
        ].join('\n'),
      )
      const { config, warnings } = await loadConfig(path, {
        TIDEMARK_HTTP_BIND_ADDRESS: '127.0.0.1:9999',
        TIDEMARK_DATA_MAX_VALUES_PER_TAG: '7',
      })
      assert.equal(config['']['bind-address'], '127.0.0.1:9088')
      assert.equal(config.meta.dir, '/x/meta')
      assert.equal(config.data['cache-max-memory-size'], 512 * 1024 * 1024)
      assert.equal(config.data['cache-snapshot-write-cold-duration'], 90_000)
      assert.equal(config.http['auth-enabled'], true)
      assert.equal(config.http['bind-address'], '127.0.0.1:9999')
      assert.equal(config.data['max-values-per-tag'], 7)
      assert.deepEqual(warnings, [`${path}: [data] unknown key "bogus" ignored`])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses bad values with the file, section and key named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-config-'))
    try {
      const path = join(dir, 'bad.conf')
      await writeFile(path, '[data]\n  cache-snapshot-write-cold-duration = "ten minutes"\n')
      await assert.rejects(
        loadConfig(path, {}),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message ===
            `${path}: [data] cache-snapshot-write-cold-duration: invalid duration value "ten minutes"`,
      )
      await writeFile(path, '[data\n')
      await assert.rejects(loadConfig(path, {}), ConfigError)
      await assert.rejects(loadConfig(join(dir, 'missing.conf'), {}), /cannot read config file/)
      await assert.rejects(
        loadConfig(undefined, { TIDEMARK_HTTP_AUTH_ENABLED: 'maybe' }),
        /environment TIDEMARK_HTTP_AUTH_ENABLED: invalid boolean/,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('renders TOML that parses back to the same configuration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-config-'))
    try {
      const text = renderConfig()
      parseTOML(text)
      const path = join(dir, 'round.conf')
      await writeFile(path, text)
      const { config, warnings } = await loadConfig(path, {})
      assert.deepEqual(config, defaultConfig())
      assert.deepEqual(warnings, [])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('parses Go durations and InfluxDB sizes', () => {
    assert.equal(parseGoDurationMs('10m0s'), 600_000)
    assert.equal(parseGoDurationMs('1h30m'), 5_400_000)
    assert.equal(parseGoDurationMs('300ms'), 300)
    assert.equal(parseGoDurationMs('0'), 0)
    assert.equal(parseGoDurationMs('1.5h'), 5_400_000)
    assert.equal(parseGoDurationMs('10'), undefined)
    assert.equal(formatGoDuration(14_400_000), '4h0m0s')
    assert.equal(formatGoDuration(1000), '1s')
    assert.equal(parseSize('1g'), 1024 ** 3)
    assert.equal(parseSize(26214400), 26214400)
    assert.equal(parseSize('25x'), undefined)
  })
})

// Real InfluxDB clients, unchanged, against tidemarkd — and the same calls against the real influxd
// 1.6, compared: the Debian `influx` CLI (-execute, -import) and the npm `influx` client library.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfluxDB, FieldType } from 'influx'
import {
  requireInfluxd,
  influxdAvailable,
  startInfluxd,
  type InfluxdHandle,
} from '../helpers/influxd.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const INFLUX_BIN = '/usr/bin/influx'

function influxCLI(
  url: string,
  args: readonly string[],
): { code: number | null; stdout: string; stderr: string } {
  const port = new URL(url).port
  const r = spawnSync(INFLUX_BIN, ['-host', '127.0.0.1', '-port', port, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const EXPORT = [
  '# DDL',
  'CREATE DATABASE clients_import WITH NAME autogen',
  'CREATE RETENTION POLICY "two days" ON clients_import DURATION 48h REPLICATION 1',
  '# DML',
  '# CONTEXT-DATABASE:clients_import',
  '# CONTEXT-RETENTION-POLICY:autogen',
  'cpu,host=a,region=eu usage=1.5,count=3i,ok=true,msg="hi \\"there\\"" 1577836800000000000',
  'cpu,host=b,region=us usage=2.5 1577836801000000000',
  'this line is bad',
  'my\\ meas,t\\=k=v\\,1 f\\ 1=1 1577836802000000000',
  '# CONTEXT-RETENTION-POLICY:two days',
  `mem,host=a free=10i ${BigInt(Date.now()) * 1_000_000n}`,
  '',
].join('\n')

describe('real clients against tidemarkd, compared with influxd 1.6', () => {
  let tidemark: TidemarkdHandle
  let influxd: InfluxdHandle | undefined
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-clients-'))

  before(async () => {
    tidemark = await startTidemarkd()
    if (influxdAvailable()) influxd = await startInfluxd()
  })
  after(async () => {
    await tidemark.stop()
    await influxd?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers the influx CLI -execute exactly as influxd does', (t) => {
    if (!requireInfluxd(t) || influxd === undefined) return
    const statements = [
      'CREATE DATABASE cli_db',
      'CREATE RETENTION POLICY rp1 ON cli_db DURATION 2h REPLICATION 1 SHARD DURATION 1h',
      'SHOW DATABASES',
      'SHOW RETENTION POLICIES ON cli_db',
      "CREATE USER bob WITH PASSWORD 'secret'",
      'GRANT READ ON cli_db TO bob',
      'SHOW USERS',
      'SHOW GRANTS FOR bob',
      'DROP RETENTION POLICY nope ON cli_db',
      'SHOW MEASUREMENTS ON nodb',
      'CREATE DATABASE',
      'SHOW TAG KEYS ON cli_db',
    ]
    for (const format of ['column', 'json', 'csv']) {
      for (const q of statements) {
        const ours = influxCLI(tidemark.url, ['-format', format, '-execute', q])
        const theirs = influxCLI(influxd.url, ['-format', format, '-execute', q])
        assert.deepEqual(ours, theirs, `${format}: ${q}`)
      }
    }
    // The comparison is only worth something if the answers carry what was created.
    assert.match(influxCLI(tidemark.url, ['-execute', 'SHOW DATABASES']).stdout, /cli_db/)
    assert.match(influxCLI(tidemark.url, ['-execute', 'SHOW USERS']).stdout, /bob\s+false/)
  })

  it('imports with influx -import like influxd: same summary, same schema afterwards', (t) => {
    if (!requireInfluxd(t) || influxd === undefined) return
    const path = join(dir, 'export.txt')
    writeFileSync(path, EXPORT)
    const ours = influxCLI(tidemark.url, ['-import', '-path', path, '-precision', 'ns'])
    const theirs = influxCLI(influxd.url, ['-import', '-path', path, '-precision', 'ns'])
    const summary = (s: string): string[] =>
      s
        .split('\n')
        .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, ''))
        .filter((l) => /^(Processed|Failed)/.test(l))
    assert.deepEqual(summary(ours.stdout + ours.stderr), summary(theirs.stdout + theirs.stderr))
    assert.equal(ours.code, theirs.code)
    assert.ok(
      summary(ours.stdout + ours.stderr).some((l) => /Processed 1 inserts/.test(l)),
      ours.stdout + ours.stderr,
    )
    for (const q of [
      'SHOW MEASUREMENTS',
      'SHOW SERIES',
      'SHOW FIELD KEYS',
      'SHOW TAG VALUES WITH KEY = "host"',
      'SHOW RETENTION POLICIES',
    ]) {
      const a = influxCLI(tidemark.url, ['-database', 'clients_import', '-execute', q])
      const b = influxCLI(influxd.url, ['-database', 'clients_import', '-execute', q])
      assert.deepEqual(a, b, q)
    }
  })

  it('serves the npm influx client library the same answers as influxd', async (t) => {
    if (!requireInfluxd(t) || influxd === undefined) return
    const run = async (url: string): Promise<unknown[]> => {
      const client = new InfluxDB({
        host: '127.0.0.1',
        port: Number(new URL(url).port),
        database: 'npm_db',
        schema: [
          {
            measurement: 'weather',
            fields: { temp: FieldType.FLOAT, hum: FieldType.INTEGER },
            tags: ['city'],
          },
        ],
      })
      const out: unknown[] = []
      const pings = await client.ping(5000)
      out.push(pings.map((p) => p.online))
      await client.createDatabase('npm_db')
      out.push((await client.getDatabaseNames()).includes('npm_db'))
      await client.writePoints([
        {
          measurement: 'weather',
          tags: { city: 'Oslo' },
          fields: { temp: -3.5, hum: 80 },
          timestamp: new Date('2020-01-01T00:00:00Z'),
        },
        {
          measurement: 'weather',
          tags: { city: 'Rome' },
          fields: { temp: 14.25, hum: 60 },
          timestamp: new Date('2020-01-01T00:00:01Z'),
        },
      ])
      out.push(await client.getMeasurements())
      out.push(await client.getSeries())
      await client.createRetentionPolicy('week', { duration: '7d', replication: 1 })
      out.push(JSON.stringify(await client.showRetentionPolicies()))
      await client.createUser('npm_user', 'pw', false)
      await client.grantPrivilege('npm_user', 'READ')
      out.push(JSON.stringify(await client.getUsers()))
      await client.dropDatabase('npm_db')
      out.push((await client.getDatabaseNames()).includes('npm_db'))
      return out
    }
    assert.deepEqual(await run(tidemark.url), await run(influxd.url))
  })
})

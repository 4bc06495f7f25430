// A portable backup made by the real `influxd backup -portable` restored with `tidemark-ctl restore`
// into a running tidemarkd: the same answers on both sides.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { runInfluxdTool } from '../../src/backup/interop-test-support.js'
import { requireInfluxd } from '../helpers/influxd.js'
import { ctl } from '../helpers/cli.js'
import { withPeers } from '../helpers/peers.js'
import { startTidemarkd } from '../helpers/tidemarkd.js'

describe('influxd portable backup → tidemark-ctl restore', () => {
  it('restores every database of an influxd backup with identical answers, users (their passwords too), grants and CQs', async (t) => {
    if (!requireInfluxd(t)) return
    await withPeers('tidemark-influxd-backup-', async ({ dir, influxd, tidemark }) => {
      await influxd.query('CREATE DATABASE weather')
      await influxd.query('CREATE RETENTION POLICY long ON weather DURATION 520w REPLICATION 1')
      const lines = Array.from(
        { length: 1500 },
        (_, i) =>
          `temp,city=c${i % 5},esc\\ key=v\\,1 t=${i / 10},n=${i}i,ok=${i % 2 === 0},s="x${i}" ${1577836800000000000n + BigInt(i) * 600_000_000_000n}`,
      )
      await influxd.write('weather', lines.join('\n'))
      await influxd.write('weather', 'hum,city=c1 h=50i 1577836800000000000', { rp: 'long' })
      await influxd.query("DELETE FROM temp WHERE city = 'c4'", { db: 'weather' })
      // Users with password hashes and grants, and continuous queries: they come back (the seed).
      for (const q of [
        "CREATE USER boss WITH PASSWORD 'b0ss pass' WITH ALL PRIVILEGES",
        "CREATE USER reader WITH PASSWORD 'r3ad'",
        'GRANT READ ON weather TO reader',
        'CREATE CONTINUOUS QUERY cq_daily ON weather RESAMPLE EVERY 2h BEGIN SELECT mean(t) AS t INTO weather.long.temp_daily FROM weather.autogen.temp GROUP BY time(1d), city END',
      ]) {
        const r = (await influxd.query(q)) as { results: { error?: string }[] }
        assert.equal(r.results[0]?.error, undefined, q)
      }
      const run = await runInfluxdTool(['backup', '-portable', '-host', influxd.rpcAddress, dir])
      assert.equal(run.status, 0, run.stderr)

      const restored = await ctl(['-bind', tidemark.metaAddress, 'restore', dir])
      assert.equal(restored.code, 0, restored.stderr)
      for (const [q, rp] of [
        ['SELECT count(n), sum(n), min(t), max(t), first(s), last(ok) FROM temp GROUP BY city', ''],
        ['SELECT * FROM hum', 'long'],
        ['SHOW SERIES', ''],
        ['SHOW FIELD KEYS', ''],
        ['SHOW TAG VALUES WITH KEY = "esc key"', ''],
        ['SHOW RETENTION POLICIES', ''],
      ] as const) {
        const params = { db: 'weather', epoch: 'ns', ...(rp === '' ? {} : { rp }) }
        assert.deepEqual(await tidemark.query(q, params), await influxd.query(q, params), q)
      }
      for (const q of ['SHOW USERS', 'SHOW GRANTS FOR reader', 'SHOW CONTINUOUS QUERIES']) {
        assert.deepEqual(await tidemark.query(q), await influxd.query(q), q)
      }
      // The restored bcrypt hashes work: with authentication on, the influxd passwords log in.
      await tidemark.stop({ keep: true })
      const authed = await startTidemarkd({
        root: tidemark.root,
        env: { TIDEMARK_HTTP_AUTH_ENABLED: 'true' },
      })
      try {
        const ask = (u: string, p: string, q: string): Promise<Response> =>
          fetch(`${authed.url}/query?${new URLSearchParams({ q, db: 'weather', u, p })}`)
        assert.equal((await ask('boss', 'b0ss pass', 'SHOW DATABASES')).status, 200)
        assert.equal((await ask('boss', 'wrong', 'SHOW DATABASES')).status, 401)
        const read = await ask('reader', 'r3ad', 'SELECT count(n) FROM temp')
        assert.equal(read.status, 200)
        assert.doesNotMatch(await read.text(), /error/)
        assert.match(
          await (await ask('reader', 'r3ad', 'DROP DATABASE weather')).text(),
          /requires admin privilege/,
        )
      } finally {
        await authed.stop()
        rmSync(tidemark.root, { recursive: true, force: true })
      }
    })
  })

  it("restores influxd's first shard group of the time range (its start wrapped to 2262) with every point selected", async (t) => {
    if (!requireInfluxd(t)) return
    await withPeers('tidemark-influxd-early-', async ({ dir, influxd, tidemark }) => {
      await influxd.query('CREATE DATABASE early')
      await influxd.write(
        'early',
        'ext,k=min v=4 -9223372036854775806\next,k=min2 v=8 -9223372036854775000\next,k=zero v=6 0',
      )
      const run = await runInfluxdTool(['backup', '-portable', '-host', influxd.rpcAddress, dir])
      assert.equal(run.status, 0, run.stderr)
      const restored = await ctl(['-bind', tidemark.metaAddress, 'restore', dir])
      assert.equal(restored.code, 0, restored.stderr)
      for (const q of [
        'SELECT * FROM ext',
        'SELECT count(v) FROM ext',
        "SELECT v FROM ext WHERE k = 'min'",
      ]) {
        const params = { db: 'early', epoch: 'ns' }
        assert.deepEqual(await tidemark.query(q, params), await influxd.query(q, params), q)
      }
    })
  })
})

// `tidemark-ctl backup` (the CLI, through the node API) of a dataset with every value type,
// escaped and unicode keys, several databases, retention policies and shard groups, users and
// continuous queries, and a database of values deflate cannot shrink (its archive made of stored
// gzip members), restored by the real `influxd restore -portable`: influxd then answers every
// query exactly as the tidemarkd that was backed up. (influxd's OSS restore imports databases,
// retention policies and shards only — never users or continuous queries — so those are compared
// in the other direction, restore-ctl-from-influxd.test.ts, and by the seed examples.)
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runInfluxdTool } from '../../src/backup/interop-test-support.js'
import { requireInfluxd, settledQuery } from '../helpers/influxd.js'
import { withPeers } from '../helpers/peers.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')
const WEEK = 7n * 86_400_000_000_000n
const T0 = 1_577_836_800_000_000_000n // 2020-01-01

describe('tidemark-ctl backup → influxd restore -portable', () => {
  it('gives an influxd that answers exactly as the tidemarkd backed up, for every type and key', async (t) => {
    if (!requireInfluxd(t)) return
    await withPeers(
      'tidemark-ctl-to-influxd-',
      async ({ dir, tidemark: ours, influxd: theirs }) => {
        for (const q of [
          'CREATE DATABASE metrics',
          'CREATE RETENTION POLICY year ON metrics DURATION 2600w REPLICATION 1',
          'CREATE DATABASE "weird db"',
          "CREATE USER admin WITH PASSWORD 'pw' WITH ALL PRIVILEGES",
          'CREATE CONTINUOUS QUERY cq ON metrics BEGIN SELECT max(f) INTO metrics.year.cpu_max FROM metrics.autogen.cpu GROUP BY time(1h) END',
        ]) {
          assert.equal(
            ((await ours.query(q)) as { results: { error?: string }[] }).results[0]?.error,
            undefined,
            q,
          )
        }
        const lines: string[] = []
        for (let i = 0; i < 600; i++) {
          const ts = T0 + BigInt(i % 6) * WEEK + BigInt(i) * 60_000_000_000n // six weekly shard groups
          lines.push(
            `cpu,host=h${i % 4},dc=eu\\ west f=${i / 8},i=${i - 300}i,b=${i % 3 === 0},s="q\\"uote ${i}" ${ts}`,
          )
          if (i % 5 === 0) lines.push(`m\\,esc,t\\=k=v\\ 1,ü=ö val=${i}i ${ts}`)
        }
        assert.equal((await ours.write('metrics', lines.join('\n'))).status, 204)
        assert.equal(
          (await ours.write('metrics', `mem,host=h0 used=1.5,free=2i ${T0}`, { rp: 'year' }))
            .status,
          204,
        )
        assert.equal(
          (await ours.write('weird db', `x,k=v y=1 ${T0}\nx,k=w y=2 ${T0 + WEEK * 3n}`)).status,
          204,
        )
        await ours.query("DELETE FROM cpu WHERE host = 'h3'", { db: 'metrics' })
        // Values deflate cannot shrink: that shard's archive holds stored members (laid out by
        // ParallelGzip itself, not by zlib), which influxd's Go gzip reader must read too.
        assert.equal(
          ((await ours.query('CREATE DATABASE noise')) as { results: { error?: string }[] })
            .results[0]?.error,
          undefined,
        )
        const noisy: string[] = []
        for (let i = 0, x = 1; i < 30_000; i++) {
          x = (x * 48271) % 2147483647
          noisy.push(`n v=${x / 2147483647} ${T0 + BigInt(i) * 1_000_000_000n}`)
        }
        assert.equal((await ours.write('noise', noisy.join('\n'))).status, 204)

        const b = spawnSync(process.execPath, [CTL, '-bind', ours.metaAddress, 'backup', dir], {
          encoding: 'utf8',
        })
        assert.equal(b.status, 0, b.stderr)
        const manifest = readdirSync(dir).find((f) => f.endsWith('.manifest')) ?? ''
        const files = (
          JSON.parse(readFileSync(join(dir, manifest), 'utf8')) as {
            files: { database: string; fileName: string }[]
          }
        ).files
        const noiseArchive = readFileSync(
          join(dir, files.find((f) => f.database === 'noise')?.fileName ?? ''),
        )
        assert.equal((noiseArchive[20] ?? 0xff) & 0b110, 0, 'the first member is stored (BTYPE 00)')
        const r = await runInfluxdTool(['restore', '-portable', '-host', theirs.rpcAddress, dir])
        assert.equal(r.status, 0, r.stdout + r.stderr)

        const asked: [string, Record<string, string>][] = [
          ['SHOW DATABASES', {}],
          ['SHOW RETENTION POLICIES', { db: 'metrics' }],
          ['SHOW MEASUREMENTS', { db: 'metrics' }],
          ['SHOW SERIES', { db: 'metrics' }],
          ['SHOW FIELD KEYS', { db: 'metrics' }],
          ['SHOW TAG KEYS', { db: 'metrics' }],
          ['SHOW TAG VALUES WITH KEY = "ü"', { db: 'metrics' }],
          ['SELECT * FROM cpu GROUP BY *', { db: 'metrics' }],
          ['SELECT * FROM "m,esc" GROUP BY *', { db: 'metrics' }],
          ['SELECT * FROM mem GROUP BY *', { db: 'metrics', rp: 'year' }],
          [
            'SELECT count(f), sum(i), min(f), max(i), first(s), last(b) FROM cpu GROUP BY host',
            { db: 'metrics' },
          ],
          ['SELECT * FROM x GROUP BY *', { db: 'weird db' }],
          ['SHOW SERIES', { db: 'weird db' }],
          ['SELECT * FROM n', { db: 'noise' }],
        ]
        for (const [q, params] of asked) {
          const p = { ...params, epoch: 'ns' }
          assert.deepEqual(
            await settledQuery(theirs, q, p),
            await ours.query(q, p),
            `${q} ${JSON.stringify(params)}`,
          )
        }
      },
    )
  })
})

// Crash test through the HTTP API: tidemarkd is killed with SIGKILL while four clients write (each
// write also creating new shard groups, i.e. metastore changes). After every kill the server must
// restart, and every point acknowledged with 204 must be in its shard — read back with the engine.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetaClient, MetaData, MetaFileStore } from '../../src/meta/index.js'
import { Store } from '../../src/store/index.js'
import { startTidemarkd } from '../helpers/tidemarkd.js'

const WEEK_NS = 7n * 24n * 3600n * 1_000_000_000n
const BASE_NS = 1_600_000_000_000_000_000n
const PER_BATCH = 200

/** Batch b of writer w: PER_BATCH points of series w, each batch one week further (a new shard group). */
function batch(w: number, b: number): string {
  const lines: string[] = []
  for (let i = 0; i < PER_BATCH; i++)
    lines.push(`m,w=${w} v=${b * 1000 + i}i ${BASE_NS + BigInt(b) * WEEK_NS + BigInt(i)}`)
  return lines.join('\n')
}

describe('tidemarkd under kill -9', () => {
  it('keeps every 204-acknowledged point, every acknowledged CREATE DATABASE and a loadable metastore across repeated SIGKILLs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tidemark-crash-api-'))
    try {
      const store0 = new MetaFileStore(join(root, 'meta'))
      await store0.save(MetaData.empty(1n).createDatabase('crash'))
      const acked = new Map<number, number[]>() // writer → acknowledged batch numbers
      let nextBatch = 0
      const ackedDatabases: string[] = []
      let nextDatabase = 0
      for (let round = 0; round < 3; round++) {
        const server = await startTidemarkd({ root })
        let stop = false
        const writers = Array.from({ length: 4 }, async (_, w) => {
          while (!stop) {
            const b = nextBatch++
            try {
              const r = await server.write('crash', batch(w, b))
              if (r.status === 204) acked.set(w, [...(acked.get(w) ?? []), b])
              else assert.fail(`write answered ${r.status}: ${await r.text()}`)
            } catch (err) {
              if (!stop) throw err
            }
          }
        })
        // DDL at the same time: every database whose CREATE was answered must survive the kill.
        const ddl = (async () => {
          while (!stop) {
            const name = `ddl_${nextDatabase++}`
            try {
              const r = await fetch(
                `${server.url}/query?q=${encodeURIComponent(`CREATE DATABASE ${name}`)}`,
                { method: 'POST' },
              )
              const body = await r.text()
              if (r.status === 200 && !body.includes('"error"')) ackedDatabases.push(name)
            } catch (err) {
              if (!stop) throw err
            }
          }
        })()
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200))
        stop = true
        await server.kill()
        await Promise.allSettled([...writers, ddl])
        // The server must come back up on what the kill left behind.
        const again = await startTidemarkd({ root })
        assert.equal(await again.stop({ keep: true }), 0, again.log())
      }
      const meta = new MetaClient(new MetaFileStore(join(root, 'meta')))
      await meta.open()
      const store = new Store({
        dataDir: join(root, 'data'),
        walDir: join(root, 'wal'),
        engine: { background: false },
      })
      await store.open()
      try {
        assert.deepEqual(store.failedShards(), [])
        const databases = new Set(meta.data.databases.map((d) => d.name))
        assert.ok(
          ackedDatabases.length > 5,
          `only ${ackedDatabases.length} databases were acknowledged`,
        )
        for (const name of ackedDatabases)
          assert.ok(databases.has(name), `acknowledged database ${name} is missing`)
        let checked = 0
        for (const [w, batches] of acked) {
          for (const b of batches) {
            const t0 = BASE_NS + BigInt(b) * WEEK_NS
            const group = meta.data.shardGroupByTimestamp('crash', 'autogen', t0)
            assert.ok(group !== undefined, `no shard group for acknowledged batch ${b}`)
            const shard = store.mustShard(Number(group.shards[0]?.id))
            const v = await shard.read(`m,w=${w}#!~#v`, t0, t0 + BigInt(PER_BATCH))
            assert.equal(v?.times.length, PER_BATCH, `writer ${w} batch ${b}`)
            if (v?.kind === 'integer')
              assert.equal(v.values[PER_BATCH - 1], BigInt(b * 1000 + PER_BATCH - 1))
            checked++
          }
        }
        assert.ok(checked > 10, `only ${checked} batches were acknowledged`)
      } finally {
        await store.close()
        await meta.close()
      }
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

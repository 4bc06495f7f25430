// Several clients writing into a shard group that does not exist yet: every acknowledged point is
// there afterwards, while the server runs, after a graceful restart and after kill -9. (Found by
// the query benchmark: the shard was opened twice, two engines on one directory, losing points.)
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

async function count(s: TidemarkdHandle): Promise<unknown> {
  const r = (await s.query('SELECT count(v) FROM m', { db: 'b' })) as {
    results: { series?: { values: unknown[][] }[]; error?: string }[]
  }
  assert.equal(r.results[0]?.error, undefined)
  return r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

describe('concurrent writers into a new shard', () => {
  it('keep every acknowledged point, across a restart and a kill -9', async () => {
    let s = await startTidemarkd({
      env: { TIDEMARK_DATA_CACHE_SNAPSHOT_WRITE_COLD_DURATION: '1s' },
    })
    try {
      await s.query('CREATE DATABASE b')
      const base = 1_600_000_000_000_000_000n
      const bodies: string[] = []
      for (let b = 0; b < 40; b++) {
        bodies.push(
          Array.from(
            { length: 2500 },
            (_, i) => `m,host=h${i % 50} v=${b * 2500 + i}i ${base + BigInt(b * 2500 + i) * 1000n}`,
          ).join('\n'),
        )
      }
      let next = 0
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < bodies.length; i = next++) {
            const r = await s.write('b', bodies[i] ?? '')
            assert.equal(r.status, 204, await r.text())
          }
        }),
      )
      assert.equal(await count(s), 100_000)
      const root = s.root
      await s.kill()
      s = await startTidemarkd({ root })
      assert.equal(await count(s), 100_000, 'after kill -9')
      await s.stop({ keep: true })
      s = await startTidemarkd({ root })
      assert.equal(await count(s), 100_000, 'after a graceful restart')
    } finally {
      await s.stop()
      rmSync(s.root, { recursive: true, force: true })
    }
  })
})

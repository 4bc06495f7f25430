// A backup taken while a client keeps writing: the restored shard is a consistent snapshot — every
// batch acknowledged before the backup began is there, each batch is there whole or not at all,
// and the batches present are exactly the first k written (no gaps).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTidemarkd } from '../helpers/tidemarkd.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')
const BATCH = 1000

describe('backup while writes continue', () => {
  it('restores a consistent snapshot: whole batches, no gaps, everything acknowledged before it began', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-backup-online-'))
    const source = await startTidemarkd({
      env: { TIDEMARK_DATA_CACHE_SNAPSHOT_MEMORY_SIZE: '2097152' },
    })
    const target = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE db')
      const T0 = 1_577_836_800_000_000_000n
      let acked = 0
      let stop = false
      const batch = (b: number): string =>
        Array.from(
          { length: BATCH },
          (_, i) =>
            `m,b=b${String(b).padStart(4, '0')} v=${i}i,f=${Math.sin(i)} ${T0 + BigInt(b * BATCH + i) * 1_000_000n}`,
        ).join('\n')
      const writer = (async () => {
        for (let b = 0; !stop && b < 2000; b++) {
          const r = await source.write('db', batch(b))
          assert.equal(r.status, 204)
          acked = b + 1
        }
      })()
      while (acked < 30) await new Promise((r) => setTimeout(r, 5))
      const ackedBefore = acked
      const backup = await new Promise<{ code: number | null; stderr: string }>((done) => {
        const p = spawn(process.execPath, [
          CTL,
          '-bind',
          source.metaAddress,
          'backup',
          '-full',
          dir,
        ])
        let stderr = ''
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        p.on('close', (code) => done({ code, stderr }))
      })
      const ackedAfter = acked
      stop = true
      await writer
      assert.equal(backup.code, 0, backup.stderr)
      assert.ok(ackedAfter > ackedBefore, 'writes went on during the backup')

      const r = spawnSync(process.execPath, [CTL, '-bind', target.metaAddress, 'restore', dir], {
        encoding: 'utf8',
      })
      assert.equal(r.status, 0, r.stderr)
      const q = (await target.query('SELECT count(v) FROM m GROUP BY b', { db: 'db' })) as {
        results: { series?: { tags: { b: string }; values: unknown[][] }[] }[]
      }
      const series = q.results[0]?.series ?? []
      const present = series.map((s) => Number(s.tags.b.slice(1))).sort((a, b) => a - b)
      assert.ok(
        present.length >= ackedBefore,
        `${present.length} batches restored, ${ackedBefore} acknowledged before the backup`,
      )
      assert.ok(present.length <= ackedAfter)
      assert.deepEqual(
        present,
        Array.from({ length: present.length }, (_, i) => i),
        'the first k batches, no gaps',
      )
      for (const s of series) assert.equal(s.values[0]?.[1], BATCH, `batch ${s.tags.b} whole`)
    } finally {
      await source.stop()
      await target.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

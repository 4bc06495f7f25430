// Crash test: a child process writes to a shard while snapshots and compactions run; it is killed
// with SIGKILL at random moments, several times over the same directory. After every kill the shard
// must open, every TSM file must pass verification, and every acknowledged point must be there.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Shard } from '../../src/engine/index.js'
import { TSMReader } from '../../src/tsm/index.js'
import { POINTS, SERIES } from './engine-crash-data.js'

const child = join(dirname(fileURLToPath(import.meta.url)), 'engine-crash-child.js')

function runAndKill(dir: string, first: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(first)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const acked: number[] = []
    let buf = ''
    let stderr = ''
    let timer: NodeJS.Timeout | undefined
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line === 'ready') timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs)
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)))
      }
    })
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal === 'SIGKILL') resolve(acked)
      else reject(new Error(`child exited with ${code}: ${stderr}`))
    })
  })
}

describe('engine crash safety', () => {
  it('keeps every acknowledged point and opens cleanly after SIGKILL at random moments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-crash-'))
    try {
      const acked: number[] = []
      for (let round = 0; round < 6; round++) {
        const killAfter = 150 + Math.floor(Math.random() * 900)
        acked.push(...(await runAndKill(dir, round * 100_000, killAfter)))
        const shard = new Shard({
          id: 1,
          database: 'db',
          retentionPolicy: 'rp',
          path: join(dir, 'data/db/rp/1'),
          walPath: join(dir, 'wal/db/rp/1'),
          options: { background: false },
        })
        await shard.open()
        try {
          for (const path of shard.tsmPaths()) {
            const r = await TSMReader.open(path)
            const report = await r.verify({ decode: true })
            await r.close()
            assert.equal(report.brokenCount, 0, `${path} has broken blocks after round ${round}`)
          }
          for (let s = 0; s < SERIES; s++) {
            const v = await shard.read(`m,s=${s}#!~#v`)
            const str = await shard.read(`m,s=${s}#!~#str`)
            const have = new Map<bigint, unknown>()
            if (v?.kind === 'integer') v.times.forEach((t, i) => have.set(t, v.values[i]))
            const haveStr = new Map<bigint, unknown>()
            if (str?.kind === 'string') str.times.forEach((t, i) => haveStr.set(t, str.values[i]))
            for (const b of acked) {
              for (let i = 0; i < POINTS; i++) {
                const t = BigInt(b) * 1_000_000n + BigInt(i)
                assert.equal(
                  have.get(t),
                  BigInt(b * 1000 + i),
                  `series ${s} batch ${b} point ${i} after round ${round}`,
                )
                assert.equal(haveStr.get(t), `b${b}i${i}`)
              }
            }
          }
        } finally {
          await shard.close()
        }
      }
      assert.ok(acked.length > 20, `only ${acked.length} batches were acknowledged`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { WAL } from './index.js'
import { CRASH_ROUND_IDS, crashBatchPoints } from './wal-crash-batch.js'
import { withTempDir } from './wal-test-support.js'

const CHILD = fileURLToPath(new URL('./wal-crash-child.js', import.meta.url))

/** Runs the child until a random moment after it is ready, kills it with SIGKILL, returns its acks. */
async function runAndKill(dir: string, firstID: number, killAfterMs: number): Promise<number[]> {
  const child = spawn(process.execPath, [CHILD, dir, String(firstID), '4096'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    if (!out.includes('ready\n') && (out + s).includes('ready\n')) {
      setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    }
    out += s
  })
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s))
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  )
  assert.equal(signal, 'SIGKILL', `child exited with code ${code}: ${err}`)
  assert.ok(out.startsWith('ready\n'), `child never became ready: ${err}`)
  return out
    .split('\n')
    .filter((l) => l.startsWith('ack ') && l.length > 4)
    .map((l) => Number(l.slice(4)))
}

/** Replays the WAL and returns the batch ids found, checking each batch arrived whole. */
async function replayedBatches(dir: string): Promise<Set<number>> {
  const wal = new WAL(dir)
  await wal.open()
  const seen = new Set<number>()
  await wal.replay((entry) => {
    assert.equal(entry.kind, 'write')
    if (entry.kind !== 'write') return
    for (const v of entry.values.values()) {
      assert.equal(v.kind, 'float')
      const id = v.values[0]
      assert.ok(typeof id === 'number')
      assert.equal(v.times.length, crashBatchPoints(Math.floor(id / CRASH_ROUND_IDS)))
      seen.add(id)
    }
  })
  await wal.close()
  return seen
}

describe('WAL crash safety', () => {
  it('keeps every acknowledged batch when the writer is killed with SIGKILL at random moments', async () => {
    await withTempDir(async (dir) => {
      const acked: number[] = []
      for (let round = 1; round <= 8; round++) {
        // Odd rounds write small batches quickly; even rounds write batches of a few MB, where a
        // kill can land inside one write and leave a torn tail for the next replay to cut off.
        const killAfterMs = round % 2 === 1 ? 5 + Math.random() * 150 : 150 + Math.random() * 900
        const ids = await runAndKill(dir, round * CRASH_ROUND_IDS, killAfterMs)
        acked.push(...ids)
        const seen = await replayedBatches(dir)
        const missing = acked.filter((id) => !seen.has(id))
        assert.deepEqual(missing, [], `round ${round}: acknowledged batches lost`)
      }
      assert.ok(acked.length > 0, 'the child acknowledged nothing')
    })
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  appendFile,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { HintedHandoffQueue, type HintedWrite, type QueueLogger } from './index.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

interface Logged {
  readonly fields: Record<string, unknown>
  readonly message: string
}

function recorder(): QueueLogger & { lines: Logged[] } {
  const lines: Logged[] = []
  const log = (fields: object, message: string): void => {
    lines.push({ fields: fields as Record<string, unknown>, message })
  }
  return { lines, warn: log, error: log }
}

function entry(i: number, body = `m v=${i} ${i}\n`): HintedWrite {
  return {
    enqueuedAtNs: BigInt(Date.now()) * 1_000_000n,
    shardID: BigInt(i % 5),
    database: 'db',
    retentionPolicy: 'rp',
    body: enc.encode(body),
  }
}

async function drain(q: HintedHandoffQueue): Promise<string[]> {
  const out: string[] = []
  for (;;) {
    const item = await q.next()
    if (item === undefined) break
    out.push(dec.decode(item.entry.body))
    q.ack(item.next)
  }
  await q.commit()
  return out
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-hh-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const opts = (logger: QueueLogger, extra: object = {}) => ({
  nodeID: 2n,
  maxSizeBytes: 1 << 30,
  maxAgeMs: 0,
  segmentMaxBytes: 256,
  logger,
  ...extra,
})

describe('hinted handoff queue', () => {
  it('reads back every appended entry in order, across segments and a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 40 }),
        async (bodies, readFirst) => {
          await withDir(async (dir) => {
            const log = recorder()
            let q = new HintedHandoffQueue(dir, opts(log))
            await q.open()
            await Promise.all(bodies.map((b, i) => q.append(entry(i, b))))
            // Concurrent appends are committed in call order.
            const got: string[] = []
            for (let i = 0; i < Math.min(readFirst, bodies.length); i++) {
              const item = await q.next()
              assert.ok(item !== undefined)
              got.push(dec.decode(item.entry.body))
              q.ack(item.next)
            }
            await q.close()
            q = new HintedHandoffQueue(dir, opts(log))
            await q.open()
            got.push(...(await drain(q)))
            assert.deepEqual(got, bodies)
            assert.ok(q.empty)
            await q.close()
            assert.deepEqual(log.lines, [])
          })
        },
      ),
      { numRuns: 25 },
    )
  })

  it('leaves no segment files once everything is delivered, and appends again after', async () => {
    await withDir(async (dir) => {
      const q = new HintedHandoffQueue(dir, opts(recorder()))
      await q.open()
      for (let i = 0; i < 20; i++) await q.append(entry(i))
      assert.ok((await readdir(dir)).filter((f) => f.endsWith('.seg')).length > 1)
      assert.equal((await drain(q)).length, 20)
      assert.deepEqual(
        (await readdir(dir)).filter((f) => f.endsWith('.seg')),
        [],
      )
      await q.append(entry(99))
      assert.deepEqual(await drain(q), ['m v=99 99\n'])
      await q.close()
    })
  })

  it('cuts a crash-torn tail on open and keeps every whole entry before it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), async (cut) => {
        await withDir(async (dir) => {
          const log = recorder()
          let q = new HintedHandoffQueue(dir, opts(log, { segmentMaxBytes: 1 << 20 }))
          await q.open()
          for (let i = 0; i < 5; i++) await q.append(entry(i))
          await q.close()
          const seg = join(dir, '00000001.seg')
          const size = (await stat(seg)).size
          await truncate(seg, size - Math.min(cut, 20))
          q = new HintedHandoffQueue(dir, opts(log, { segmentMaxBytes: 1 << 20 }))
          await q.open()
          await q.append(entry(7))
          const got = await drain(q)
          assert.deepEqual(got, ['m v=0 0\n', 'm v=1 1\n', 'm v=2 2\n', 'm v=3 3\n', 'm v=7 7\n'])
          assert.ok(log.lines.some((l) => /torn/.test(l.message)))
          await q.close()
        })
      }),
      { numRuns: 15 },
    )
  })

  it('skips a corrupt entry with a log line naming the file and offset, and reads on', async () => {
    await withDir(async (dir) => {
      const log = recorder()
      let q = new HintedHandoffQueue(dir, opts(log, { segmentMaxBytes: 1 << 20 }))
      await q.open()
      for (let i = 0; i < 3; i++) await q.append(entry(i))
      await q.close()
      const seg = join(dir, '00000001.seg')
      const bytes = await readFile(seg)
      const second = bytes.readUInt32BE(0) + 8
      bytes[second + 20] = (bytes[second + 20] ?? 0) ^ 0xff
      await writeFile(seg, bytes)
      q = new HintedHandoffQueue(dir, opts(log, { segmentMaxBytes: 1 << 20 }))
      await q.open()
      assert.deepEqual(await drain(q), ['m v=0 0\n', 'm v=2 2\n'])
      const line = log.lines.find((l) => /corrupt/.test(l.message))
      assert.ok(line !== undefined)
      assert.equal(line.fields['path'], seg)
      assert.equal(line.fields['offset'], second)
      await q.close()
    })
  })

  it('drops the oldest segments when max-size is reached and keeps the newest entries', async () => {
    await withDir(async (dir) => {
      const log = recorder()
      const q = new HintedHandoffQueue(dir, opts(log, { maxSizeBytes: 1000, segmentMaxBytes: 200 }))
      await q.open()
      for (let i = 0; i < 100; i++) await q.append(entry(i))
      assert.ok(q.sizeBytes <= 1000)
      const got = await drain(q)
      assert.ok(got.length < 100 && got.length > 0)
      assert.equal(got[got.length - 1], 'm v=99 99\n')
      // What is left is a contiguous run of the newest entries.
      const first = Number(/v=(\d+)/.exec(got[0] ?? '')?.[1])
      assert.deepEqual(
        got,
        Array.from({ length: 100 - first }, (_, k) => `m v=${first + k} ${first + k}\n`),
      )
      assert.ok(log.lines.some((l) => /max-size/.test(l.message)))
      await assert.rejects(q.append(entry(1, 'x'.repeat(2000))), {
        code: 'ERR_CLUSTER_HH_QUEUE_FULL',
      })
      await q.close()
    })
  })

  it('drops entries older than max-age when reading', async () => {
    await withDir(async (dir) => {
      const log = recorder()
      const q = new HintedHandoffQueue(dir, opts(log, { maxAgeMs: 60_000 }))
      await q.open()
      await q.append({ ...entry(1), enqueuedAtNs: BigInt(Date.now() - 120_000) * 1_000_000n })
      await q.append(entry(2))
      assert.deepEqual(await drain(q), ['m v=2 2\n'])
      assert.ok(log.lines.some((l) => /max-age/.test(l.message)))
      await q.close()
    })
  })

  it('delivers from the start when the position file is unreadable', async () => {
    await withDir(async (dir) => {
      const log = recorder()
      let q = new HintedHandoffQueue(dir, opts(log, { segmentMaxBytes: 1 << 20 }))
      await q.open()
      await q.append(entry(1))
      await q.append(entry(2))
      const item = await q.next()
      assert.ok(item !== undefined)
      q.ack(item.next)
      await q.close()
      await appendFile(join(dir, 'position'), 'junk')
      q = new HintedHandoffQueue(dir, opts(log, { segmentMaxBytes: 1 << 20 }))
      await q.open()
      assert.deepEqual(await drain(q), ['m v=1 1\n', 'm v=2 2\n'])
      await q.close()
    })
  })
})

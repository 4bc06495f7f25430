import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { parsePoints, type Values } from '../lineprotocol/index.js'
import { Shard, type KeyCursor } from './index.js'

const enc = new TextEncoder()
let dir: string
let seq = 0

function newShard(): Shard {
  seq++
  return new Shard({
    id: seq,
    database: 'db',
    retentionPolicy: 'autogen',
    path: join(dir, 'data', String(seq)),
    walPath: join(dir, 'wal', String(seq)),
    // Tiny blocks so that a key spans many blocks and files overlap in time.
    options: { background: false, maxPointsPerBlock: 4 },
  })
}

function plain(v: Values | undefined): [bigint, unknown][] {
  if (v === undefined) return []
  return Array.from(v.times, (t, i) => [t, v.values[i]])
}

async function drain(c: KeyCursor): Promise<{ rows: [bigint, unknown][]; chunks: number[] }> {
  const rows: [bigint, unknown][] = []
  const chunks: number[] = []
  for await (const v of c) {
    chunks.push(v.times.length)
    rows.push(...plain(v))
  }
  return { rows, chunks }
}

type Op =
  | { readonly kind: 'write'; readonly times: readonly number[]; readonly value: number }
  | { readonly kind: 'delete'; readonly min: number; readonly max: number }
  | { readonly kind: 'snapshot' }
  | { readonly kind: 'compact' }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      times: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 12 }),
      value: fc.integer({ min: -1000, max: 1000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      min: fc.integer({ min: 0, max: 60 }),
      max: fc.integer({ min: 0, max: 60 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
)

async function apply(shard: Shard, ops: readonly Op[]): Promise<void> {
  let n = 0
  for (const o of ops) {
    switch (o.kind) {
      case 'write': {
        n++
        const lp = o.times
          .map((t, i) => `m,host=a v=${o.value + i / 4},s="w${n}",n=${o.value * 7 + i}i ${t}`)
          .join('\n')
        const r = parsePoints(enc.encode(lp), { precision: 'n' })
        await shard.writePoints(r.points)
        break
      }
      case 'delete':
        await shard.deleteSeriesRange(
          ['m,host=a'],
          BigInt(Math.min(o.min, o.max)),
          BigInt(Math.max(o.min, o.max)),
        )
        break
      case 'snapshot':
        await shard.snapshot()
        break
      case 'compact':
        await (n % 2 === 0 ? shard.compactFull() : shard.compactLevels())
        break
    }
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-cursor-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('KeyCursor', () => {
  it('yields exactly what Shard.read returns, in both directions, any chunk size and times only, after random writes, deletes, snapshots and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: -5, max: 65 }),
        fc.integer({ min: -5, max: 65 }),
        fc.integer({ min: 1, max: 9 }),
        async (ops, a, b, chunkSize) => {
          const shard = newShard()
          await shard.open()
          try {
            await apply(shard, ops)
            const min = BigInt(Math.min(a, b))
            const max = BigInt(Math.max(a, b))
            for (const key of ['m,host=a#!~#v', 'm,host=a#!~#s', 'm,host=a#!~#n']) {
              const expected = plain(await shard.read(key, min, max))
              const up = await drain(shard.cursor(key, min, max, { chunkSize }))
              assert.deepEqual(up.rows, expected)
              assert.ok(up.chunks.every((c) => c > 0 && c <= chunkSize))
              const down = await drain(shard.cursor(key, min, max, { chunkSize, ascending: false }))
              assert.deepEqual(down.rows, [...expected].reverse())
              const times: bigint[] = []
              for await (const v of shard.cursor(key, min, max, { chunkSize, timesOnly: true }))
                times.push(...v.times)
              assert.deepEqual(
                times,
                expected.map(([t]) => t),
              )
            }
          } finally {
            await shard.close()
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('reads only the blocks that overlap the range', async () => {
    const shard = newShard()
    await shard.open()
    try {
      const lp = Array.from({ length: 40 }, (_, i) => `m,host=a v=${i} ${i * 10}`).join('\n')
      await shard.writePoints(parsePoints(enc.encode(lp), { precision: 'n' }).points)
      await shard.snapshot()
      const c = shard.cursor('m,host=a#!~#v', 120n, 139n)
      const { rows } = await drain(c)
      assert.deepEqual(rows, [
        [120n, 12],
        [130n, 13],
      ])
      assert.equal(c.blockCount, 1)
      assert.equal(c.blocksRead, 1)
    } finally {
      await shard.close()
    }
  })

  it('lets a compaction retire the files it reads only once it is closed', async () => {
    const shard = newShard()
    await shard.open()
    try {
      for (let k = 0; k < 3; k++) {
        const lp = Array.from(
          { length: 10 },
          (_, i) => `m,host=a v=${k * 100 + i} ${k * 100 + i}`,
        ).join('\n')
        await shard.writePoints(parsePoints(enc.encode(lp), { precision: 'n' }).points)
        await shard.snapshot()
      }
      const c = shard.cursor('m,host=a#!~#v', 0n, 1000n, { chunkSize: 5 })
      const first = await c.next()
      assert.deepEqual(plain(first), [
        [0n, 0],
        [1n, 1],
        [2n, 2],
        [3n, 3],
        [4n, 4],
      ])
      await shard.compactFull()
      const rest = await drain(c)
      assert.equal(rest.rows.length, 25)
      assert.equal(shard.tsmPaths().length, 1)
    } finally {
      await shard.close()
    }
  })
})

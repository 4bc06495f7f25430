import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Shard } from '../engine/index.js'
import type { Values } from '../lineprotocol/index.js'
import { computeShardDigest } from './anti-entropy-digest.js'

const dirs: string[] = []
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

async function openShard(): Promise<Shard> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-ae-'))
  dirs.push(dir)
  const s = new Shard({
    id: 1,
    database: 'db',
    retentionPolicy: 'rp',
    path: join(dir, 'data'),
    walPath: join(dir, 'wal'),
  })
  await s.open()
  return s
}

function floats(times: bigint[], vals: number[]): Values {
  return { kind: 'float', times: BigInt64Array.from(times), values: Float64Array.from(vals) }
}

const points = fc
  .uniqueArray(fc.bigInt({ min: 0n, max: 10_000n }), { minLength: 1, maxLength: 300 })
  .map((ts) => {
    const times = [...ts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return { times, vals: times.map((t) => Number(t % 97n) / 7) }
  })

describe('shard digest', () => {
  it('is equal for equal points however they were split into batches, snapshots and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(
        points,
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        async (p, parts, compact) => {
          const one = await openShard()
          const many = await openShard()
          try {
            await one.writeValues(new Map([['cpu,host=a#!~#value', floats(p.times, p.vals)]]))
            const size = Math.ceil(p.times.length / parts)
            for (let i = 0; i < p.times.length; i += size) {
              await many.writeValues(
                new Map([
                  [
                    'cpu,host=a#!~#value',
                    floats(p.times.slice(i, i + size), p.vals.slice(i, i + size)),
                  ],
                ]),
              )
              await many.snapshot()
            }
            if (compact) await many.compactFull()
            const a = await computeShardDigest(one)
            const b = await computeShardDigest(many)
            assert.equal(a.hash, b.hash)
            assert.deepEqual(a.keyDigests, b.keyDigests)
          } finally {
            await one.close()
            await many.close()
          }
        },
      ),
      { numRuns: 15 },
    )
  })

  it('changes when one value changes', async () => {
    await fc.assert(
      fc.asyncProperty(points, fc.nat(), async (p, at) => {
        const a = await openShard()
        const b = await openShard()
        try {
          const i = at % p.vals.length
          const changed = p.vals.map((v, j) => (j === i ? v + 1 : v))
          await a.writeValues(new Map([['m#!~#f', floats(p.times, p.vals)]]))
          await b.writeValues(new Map([['m#!~#f', floats(p.times, changed)]]))
          assert.notEqual((await computeShardDigest(a)).hash, (await computeShardDigest(b)).hash)
        } finally {
          await a.close()
          await b.close()
        }
      }),
      { numRuns: 15 },
    )
  })
})

// Reading a shard's TSM files as one stream: key order across files, later files win, tombstones
// applied, overlapping blocks merged; unreadable files and blocks reported and skipped.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import type { Values } from '../lineprotocol/index.js'
import { TSMWriter, appendTombstones, formatTSMFileName, tombstonePathFor } from '../tsm/index.js'
import { removeDir, tempDir } from './inspect-test-support.js'
import { ShardTSM } from './inspect-shard-tsm.js'
import type { TSMReadProblem } from './inspect-shard-tsm.js'
import { INT64_MAX, INT64_MIN } from './inspect-time.js'

const ALL = { min: INT64_MIN, max: INT64_MAX }

const floats = (pairs: readonly [number, number][]): Values => ({
  kind: 'float',
  times: BigInt64Array.from(pairs.map(([t]) => BigInt(t))),
  values: Float64Array.from(pairs.map(([, v]) => v)),
})

async function tsmFile(
  path: string,
  data: ReadonlyMap<string, [number, number][]>,
  pointsPerBlock = 3,
): Promise<void> {
  const w = await TSMWriter.create(path, { maxPointsPerBlock: pointsPerBlock })
  for (const key of [...data.keys()].sort()) {
    const byTime = new Map<number, number>()
    for (const [t, v] of data.get(key) ?? []) byTime.set(t, v)
    await w.write(key, floats([...byTime].sort((a, b) => a[0] - b[0])))
  }
  await w.finish()
}

async function readAll(shard: ShardTSM): Promise<Map<string, [number, number][]>> {
  const out = new Map<string, [number, number][]>()
  for await (const { key, values } of shard.chunks(ALL)) {
    const list = out.get(key) ?? []
    values.times.forEach((t, i) => list.push([Number(t), Number(values.values[i])]))
    out.set(key, list)
  }
  return out
}

describe('ShardTSM', () => {
  it('merges files: keys ascending, later files win on equal times, tombstones applied', async () => {
    const dir = tempDir()
    try {
      const f1 = join(dir, formatTSMFileName(1, 1))
      const f2 = join(dir, formatTSMFileName(2, 1))
      await tsmFile(
        f1,
        new Map([
          [
            'b#!~#v',
            [
              [1, 1],
              [2, 2],
              [3, 3],
              [4, 4],
            ],
          ],
          ['c#!~#v', [[1, 1]]],
        ]),
      )
      await tsmFile(
        f2,
        new Map([
          ['a#!~#v', [[9, 9]]],
          [
            'b#!~#v',
            [
              [2, 20],
              [5, 50],
            ],
          ],
        ]),
      )
      await appendTombstones(tombstonePathFor(f1), [
        { key: 'b#!~#v', min: 4n, max: 4n },
        { key: 'c#!~#v', min: INT64_MIN, max: INT64_MAX },
      ])
      const shard = await ShardTSM.open([f1, f2], () => assert.fail('no problems'))
      try {
        assert.deepEqual([...shard.keys()], ['a#!~#v', 'b#!~#v'])
        assert.deepEqual(
          await readAll(shard),
          new Map([
            ['a#!~#v', [[9, 9]]],
            [
              'b#!~#v',
              [
                [1, 1],
                [2, 20],
                [3, 3],
                [5, 50],
              ],
            ],
          ]),
        )
      } finally {
        await shard.close()
      }
    } finally {
      removeDir(dir)
    }
  })

  it('skips a file that does not open and a block that fails its checksum, reporting both', async () => {
    const dir = tempDir()
    try {
      const good = join(dir, formatTSMFileName(1, 1))
      const bad = join(dir, formatTSMFileName(2, 1))
      const broken = join(dir, formatTSMFileName(3, 1))
      await tsmFile(
        good,
        new Map([
          [
            'a#!~#v',
            [
              [1, 1],
              [2, 2],
              [3, 3],
              [4, 4],
            ],
          ],
        ]),
      )
      await tsmFile(broken, new Map([['z#!~#v', [[1, 1]]]]))
      writeFileSync(bad, 'not a TSM file')
      const bytes = readFileSync(good)
      bytes[12] = (bytes[12] ?? 0) ^ 0xff // inside the first block (offset 5)
      writeFileSync(good, bytes)
      const problems: TSMReadProblem[] = []
      const shard = await ShardTSM.open([good, bad, broken], (p) => problems.push(p))
      try {
        assert.deepEqual(
          await readAll(shard),
          new Map([
            ['a#!~#v', [[4, 4]]],
            ['z#!~#v', [[1, 1]]],
          ]),
        )
      } finally {
        await shard.close()
      }
      assert.deepEqual(
        problems.map((p) => [p.path, p.offset, p.key]),
        [
          [bad, undefined, undefined],
          [good, 5, 'a#!~#v'],
        ],
      )
    } finally {
      removeDir(dir)
    }
  })

  it('equals a model of newest-file-wins with range tombstones (property)', async () => {
    const points = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -50, max: 50 })),
      {
        maxLength: 12,
      },
    )
    const file = fc.record({
      data: fc.dictionary(fc.constantFrom('a#!~#v', 'b#!~#v', 'c#!~#v'), points),
      tombstones: fc.array(
        fc.record({
          key: fc.constantFrom('a#!~#v', 'b#!~#v'),
          min: fc.integer({ min: 0, max: 30 }),
          len: fc.integer({ min: 0, max: 10 }),
        }),
        { maxLength: 2 },
      ),
    })
    const dir = tempDir()
    let run = 0
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
          run++
          const model = new Map<string, Map<number, number>>()
          const paths: string[] = []
          for (const [i, f] of files.entries()) {
            const data = new Map(Object.entries(f.data).filter(([, p]) => p.length > 0))
            if (data.size === 0) continue
            const path = join(dir, formatTSMFileName(run * 10 + i + 1, 1))
            await tsmFile(path, data)
            paths.push(path)
            const tomb = f.tombstones.map((t) => ({
              key: t.key,
              min: BigInt(t.min),
              max: BigInt(t.min + t.len),
            }))
            await appendTombstones(tombstonePathFor(path), tomb)
            for (const [key, p] of data) {
              const m = model.get(key) ?? new Map<number, number>()
              const own = new Map<number, number>()
              for (const [t, v] of p) own.set(t, v)
              for (const t of f.tombstones.filter((x) => x.key === key)) {
                for (const time of [...own.keys()])
                  if (time >= t.min && time <= t.min + t.len) own.delete(time)
              }
              for (const [t, v] of own) m.set(t, v)
              model.set(key, m)
            }
          }
          const shard = await ShardTSM.open(paths, (p) => assert.fail(p.error.message))
          try {
            const want = new Map(
              [...model]
                .map(([k, m]) => [k, [...m].sort((x, y) => x[0] - y[0])] as const)
                .filter(([, l]) => l.length > 0)
                .sort((x, y) => (x[0] < y[0] ? -1 : 1)),
            )
            const got = await readAll(shard)
            assert.deepEqual([...got.keys()], [...want.keys()])
            assert.deepEqual(got, want)
          } finally {
            await shard.close()
          }
        }),
        { numRuns: 60 },
      )
    } finally {
      removeDir(dir)
    }
  })
})

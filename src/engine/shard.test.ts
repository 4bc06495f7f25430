import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePoints, type Values } from '../lineprotocol/index.js'
import { readFieldsIndex, TSMWriter } from '../tsm/index.js'
import { Shard, ShardOpenError, type EngineOptions } from './index.js'

const enc = new TextEncoder()
let dir: string

function newShard(options: Partial<EngineOptions> = {}): Shard {
  return new Shard({
    id: 1,
    database: 'db',
    retentionPolicy: 'autogen',
    path: join(dir, 'data', 'db', 'autogen', '1'),
    walPath: join(dir, 'wal', 'db', 'autogen', '1'),
    options: { background: false, ...options },
  })
}

function points(lp: string) {
  const r = parsePoints(enc.encode(lp), { precision: 'n' })
  assert.deepEqual(r.errors, [])
  return r.points
}

/** A shard that wrote `lp` into a TSM file and closed (to be opened again by a new Shard). */
async function snapshotted(lp: string): Promise<Shard> {
  const shard = newShard()
  await shard.open()
  await shard.writePoints(points(lp))
  await shard.snapshot()
  await shard.close()
  return shard
}

function plain(v: Values | undefined): [bigint, unknown][] {
  if (v === undefined) return []
  return Array.from(v.times, (t, i) => [t, v.kind === 'boolean' ? v.values[i] === 1 : v.values[i]])
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-shard-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('Shard', () => {
  it('reads back what it wrote, from the cache, after a snapshot, and after reopening', async () => {
    const lp = [
      'cpu,host=a v=1.5,n=3i,ok=true,s="x y" 10',
      'cpu,host=a v=2.5,n=4i,ok=false,s="z" 20',
      'cpu,host=b v=9 15',
      'cpu,host=a v=3.5 20', // overwrites v at t=20
    ].join('\n')
    let shard = newShard()
    await shard.open()
    const r = await shard.writePoints(points(lp))
    assert.deepEqual(r, { written: 4, dropped: 0, reason: undefined })
    const expectV = [
      [10n, 1.5],
      [20n, 3.5],
    ]
    assert.deepEqual(plain(await shard.read('cpu,host=a#!~#v')), expectV)
    await shard.snapshot()
    assert.equal(shard.tsmPaths().length, 1)
    assert.deepEqual(plain(await shard.read('cpu,host=a#!~#v')), expectV)
    assert.deepEqual(plain(await shard.read('cpu,host=a#!~#s')), [
      [10n, 'x y'],
      [20n, 'z'],
    ])
    await shard.writePoints(points('cpu,host=a v=4.5 30'))
    await shard.close()

    shard = newShard()
    await shard.open()
    assert.deepEqual(plain(await shard.read('cpu,host=a#!~#v')), [...expectV, [30n, 4.5]])
    assert.deepEqual(plain(await shard.read('cpu,host=a#!~#n')), [
      [10n, 3n],
      [20n, 4n],
    ])
    assert.deepEqual(plain(await shard.read('cpu,host=a#!~#ok')), [
      [10n, true],
      [20n, false],
    ])
    assert.deepEqual(plain(await shard.read('cpu,host=b#!~#v')), [[15n, 9]])
    assert.equal(shard.index.fieldType('cpu', 'n'), 'integer')
    assert.deepEqual(
      [...(shard.index.measurements.get('cpu')?.tagValues.get('host')?.keys() ?? [])].sort(),
      ['a', 'b'],
    )
    await shard.close()
  })

  it("drops points whose field type conflicts, or that use the name time, with InfluxDB's reasons", async () => {
    const shard = newShard()
    await shard.open()
    await shard.writePoints(points('cpu v=1 1'))
    const r = await shard.writePoints(points('cpu v=2i 2\ncpu v=3 3'))
    assert.deepEqual(r, {
      written: 1,
      dropped: 1,
      reason:
        'field type conflict: input field "v" on measurement "cpu" is type integer, already exists as type float',
    })
    const t = await shard.writePoints(points('cpu,time=1 v=1 4\nm time=1 5\nm2 time=1,v=2 6'))
    assert.equal(t.written, 1)
    assert.equal(t.dropped, 2)
    assert.equal(t.reason, 'invalid tag key: input tag "time" on measurement "cpu" is invalid')
    assert.deepEqual(plain(await shard.read('m2#!~#v')), [[6n, 2]])
    assert.equal(await shard.read('m2#!~#time'), undefined)
    // In one batch, the first type of a new field wins.
    const n = await shard.writePoints(points('newf x=1 1\nnewf x=2i 2'))
    assert.deepEqual([n.written, n.dropped], [1, 1])
    await shard.close()
  })

  it('deletes a time range and whole series durably, through WAL, cache and tombstones', async () => {
    let shard = newShard()
    await shard.open()
    await shard.writePoints(points('m,h=a v=1 1\nm,h=a v=2 2\nm,h=a v=3 3\nm,h=b v=7 1'))
    await shard.snapshot()
    await shard.writePoints(points('m,h=a v=4 4'))
    await shard.deleteSeriesRange(['m,h=a'], 2n, 4n)
    assert.deepEqual(plain(await shard.read('m,h=a#!~#v')), [[1n, 1]])
    await shard.deleteSeriesRange(['m,h=b'], -(2n ** 63n), 2n ** 63n - 1n)
    assert.equal(shard.index.hasSeries('m,h=b'), false)
    assert.equal(shard.index.hasSeries('m,h=a'), true)
    // A series only the WAL holds, then deleted: the replay indexes it, then must drop it.
    await shard.writePoints(points('m,h=c v=5 5'))
    await shard.deleteSeriesRange(['m,h=c'], 0n, 9n)
    assert.equal(shard.index.hasSeries('m,h=c'), false)
    await shard.close()
    assert.ok((await readdir(shard.path)).some((n) => n.endsWith('.tombstone')))

    shard = newShard()
    await shard.open()
    assert.deepEqual(plain(await shard.read('m,h=a#!~#v')), [[1n, 1]])
    assert.deepEqual(plain(await shard.read('m,h=b#!~#v')), [])
    assert.deepEqual([...shard.index.seriesKeys()], ['m,h=a'])
    await shard.compactFull()
    assert.deepEqual(plain(await shard.read('m,h=a#!~#v')), [[1n, 1]])
    assert.ok(!(await readdir(shard.path)).some((n) => n.endsWith('.tombstone')))
    await shard.close()
  })

  it('compacts eight level-1 generations into one level-2 file named like InfluxDB, keeping every value', async () => {
    const shard = newShard({ maxPointsPerBlock: 10 })
    await shard.open()
    const expected: [bigint, unknown][] = []
    for (let g = 0; g < 8; g++) {
      const lines: string[] = []
      for (let i = 0; i < 7; i++) {
        const t = BigInt(g * 7 + i) * 1000n
        lines.push(`m v=${g * 7 + i}i ${t}`)
        expected.push([t, BigInt(g * 7 + i)])
      }
      await shard.writePoints(points(lines.join('\n')))
      await shard.snapshot()
    }
    assert.equal(shard.tsmPaths().length, 8)
    await shard.compactLevels()
    assert.deepEqual(
      shard.tsmPaths().map((p) => p.slice(p.lastIndexOf('/') + 1)),
      ['000000008-000000002.tsm'],
    )
    assert.deepEqual(plain(await shard.read('m#!~#v')), expected)
    await shard.close()
  })

  it('replays the WAL after a close without snapshot, truncating a torn tail', async () => {
    let shard = newShard()
    await shard.open()
    await shard.writePoints(points('m v=1 1'))
    await shard.writePoints(points('m v=2 2'))
    await shard.close()
    const walDir = shard.walPath
    const seg =
      (await readdir(walDir))
        .filter((n) => n.endsWith('.wal'))
        .sort()
        .at(-1) ?? ''
    const bytes = await readFile(join(walDir, seg))
    await writeFile(join(walDir, seg), bytes.subarray(0, bytes.length - 3))
    shard = newShard()
    await shard.open()
    assert.deepEqual(plain(await shard.read('m#!~#v')), [[1n, 1]])
    assert.equal(shard.replayWarnings.length, 1)
    await shard.close()
  })

  it('rewrites a missing or damaged fields.idx from its TSM files after it opens (as a restored shard has none)', async () => {
    let shard = await snapshotted('cpu,host=a v=1.5,n=3i 10\nmem,host=a free=7i 10')
    const fields = join(dir, 'data', 'db', 'autogen', '1', 'fields.idx')
    const saved = async (): Promise<[string, [string, string][]][]> =>
      [...((await readFieldsIndex(fields)) ?? new Map<string, Map<string, string>>())]
        .map(([m, f]): [string, [string, string][]] => [m, [...f].sort()])
        .sort()
    const written = await saved()
    assert.deepEqual(written, [
      [
        'cpu',
        [
          ['n', 'integer'],
          ['v', 'float'],
        ],
      ],
      ['mem', [['free', 'integer']]],
    ])
    for (const damage of [undefined, Buffer.from('not a fields index')]) {
      if (damage === undefined) await rm(fields)
      else await writeFile(fields, damage)
      await rm(join(dir, 'wal'), { recursive: true, force: true }) // the data lives in TSM only
      shard = newShard()
      await shard.open()
      assert.deepEqual(plain(await shard.read('mem,host=a#!~#free')), [[10n, 7n]])
      await shard.close() // waits for the rewrite
      assert.deepEqual(await saved(), written)
    }
  })

  it('indexes TSM files that repeat the same keys, one with more series, and refuses one that disagrees on a type', async () => {
    const path = join(dir, 'data', 'db', 'autogen', '1')
    const write = async (
      gen: number,
      keys: readonly [string, 'float' | 'integer'][],
    ): Promise<string> => {
      const file = join(path, `00000000${gen}-000000001.tsm`)
      const w = await TSMWriter.create(file)
      for (const [key, kind] of keys) {
        const times = BigInt64Array.of(BigInt(gen))
        await w.write(
          key,
          kind === 'float'
            ? { kind, times, values: Float64Array.of(gen) }
            : { kind, times, values: BigInt64Array.of(BigInt(gen)) },
        )
      }
      await w.finish()
      return file
    }
    const both: [string, 'float'][] = [
      ['cpu,host=a#!~#v', 'float'],
      ['cpu,host=b#!~#v', 'float'],
    ]
    await mkdir(path, { recursive: true })
    await write(1, both)
    await write(2, both) // the same keys and types: skipped without decoding a key
    await write(3, [...both, ['mem,host=c#!~#free', 'float']])
    let shard = newShard()
    await shard.open()
    assert.deepEqual([...shard.index.seriesKeys()].sort(), [
      'cpu,host=a',
      'cpu,host=b',
      'mem,host=c',
    ])
    assert.deepEqual(plain(await shard.read('cpu,host=b#!~#v')), [
      [1n, 1],
      [2n, 2],
      [3n, 3],
    ])
    await shard.close()
    // The same keys as the file before, one of another type: a conflict, not a file skipped.
    const conflicting = await write(4, [
      ['cpu,host=a#!~#v', 'float'],
      ['cpu,host=b#!~#v', 'integer'],
      ['mem,host=c#!~#free', 'float'],
    ])
    shard = newShard()
    await assert.rejects(
      shard.open(),
      (e: unknown) =>
        e instanceof ShardOpenError &&
        /field type conflict: field "v" on measurement "cpu"/.test(e.message) &&
        e.message.includes(conflicting),
    )
  })

  it('refuses to open with a misnamed or corrupt TSM file, naming the shard and the file', async () => {
    let shard = await snapshotted('m v=1 1')
    const tsm = shard.tsmPaths()[0] ?? join(shard.path, '000000001-000000001.tsm')
    const good = await readFile(tsm)
    const bad = Buffer.from(good)
    bad[0] = 0
    await writeFile(tsm, bad)
    shard = newShard()
    await assert.rejects(
      shard.open(),
      (e: unknown) =>
        e instanceof ShardOpenError && /\[shard 1\]/.test(e.message) && e.message.includes(tsm),
    )
    await writeFile(tsm, good)
    await writeFile(join(shard.path, 'foo.tsm'), good)
    shard = newShard()
    await assert.rejects(
      shard.open(),
      (e: unknown) => e instanceof ShardOpenError && /foo\.tsm/.test(e.message),
    )
    await rm(join(shard.path, 'foo.tsm'))
    shard = newShard()
    await shard.open()
    assert.deepEqual(plain(await shard.read('m#!~#v')), [[1n, 1]])
    await shard.close()
  })
})

// Model-based round trip of a shard through its archive: random writes (every value type,
// overwrites, out-of-order times), deletes of series time ranges, snapshots and compactions; then a
// backup with or without -start/-end, extracted with tombstones applied and opened as a new
// shard. The restored shard must answer exactly what a plain model of the writes and deletes
// says survives in the range: no point lost, none resurrected, none outside the range. The same
// shard's raw files and tombstones, archived as influxd does, must restore to the same answers.

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Buffer } from 'node:buffer'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { Shard } from '../engine/index.js'
import { parsePoints } from '../lineprotocol/index.js'
import { tombstonePathFor } from '../tsm/index.js'
import { extractShardArchive, writeShardArchive } from './index.js'
import { rawTarGz, tempDir } from './backup-test-support.js'

const SERIES = ['cpu,host=a', 'cpu,host=b', 'disk,host=a,path=/x'] as const
/** Fields per measurement, each with one type: f float, i integer, u unsigned, s string, b boolean. */
const FIELDS: Record<string, readonly string[]> = { cpu: ['f', 'i', 'u'], disk: ['s', 'b'] }
const SECOND = 1_000_000_000n
const T0 = 1_700_000_000n * SECOND

type Cell = string // a value as the model and the dump both print it

type Op =
  | { readonly op: 'write'; readonly points: readonly Point[] }
  | { readonly op: 'delete'; readonly series: number; readonly from: number; readonly to: number }
  | { readonly op: 'snapshot' }
  | { readonly op: 'compact' }

interface Point {
  readonly series: number
  readonly t: number
  readonly values: readonly (readonly [string, string, Cell])[] // field, line-protocol text, cell
}

const value = (field: string): fc.Arbitrary<readonly [string, string, Cell]> => {
  switch (field) {
    case 'f':
      return fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .map((v) => [field, String(v), String(v)] as const)
    case 'i':
      return fc
        .bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n })
        .map((v) => [field, `${v}i`, String(v)] as const)
    case 'u':
      return fc
        .bigInt({ min: 0n, max: 2n ** 64n - 1n })
        .map((v) => [field, `${v}u`, String(v)] as const)
    case 's':
      return fc.stringMatching(/^[a-z0-9 ]{0,12}$/).map((v) => [field, `"${v}"`, v] as const)
    default:
      return fc.boolean().map((v) => [field, String(v), v ? '1' : '0'] as const)
  }
}

const point: fc.Arbitrary<Point> = fc
  .integer({ min: 0, max: SERIES.length - 1 })
  .chain((series) => {
    const fields = FIELDS[(SERIES[series] ?? '').split(',')[0] ?? ''] ?? []
    return fc.record({
      series: fc.constant(series),
      t: fc.integer({ min: 0, max: 120 }),
      values: fc.subarray([...fields], { minLength: 1 }).chain((fs) => fc.tuple(...fs.map(value))),
    })
  })

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('write' as const),
      points: fc.array(point, { minLength: 1, maxLength: 40 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        series: fc.integer({ min: 0, max: SERIES.length - 1 }),
        a: fc.integer({ min: -5, max: 125 }),
        b: fc.integer({ min: -5, max: 125 }),
      })
      .map(({ series, a, b }) => ({
        op: 'delete' as const,
        series,
        from: Math.min(a, b),
        to: Math.max(a, b),
      })),
  },
  { weight: 2, arbitrary: fc.constant({ op: 'snapshot' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'compact' as const }) },
)

const range = fc.record({
  start: fc.option(fc.integer({ min: -5, max: 125 }), { nil: undefined }),
  end: fc.option(fc.integer({ min: -5, max: 125 }), { nil: undefined }),
})

const at = (t: number): bigint => T0 + BigInt(t) * SECOND

/** TSM key → time → cell, as the writes and deletes leave it. */
function model(ops: readonly Op[]): Map<string, Map<number, Cell>> {
  const m = new Map<string, Map<number, Cell>>()
  for (const o of ops) {
    if (o.op === 'write') {
      for (const p of o.points) {
        for (const [field, , cell] of p.values) {
          const key = `${SERIES[p.series]}#!~#${field}`
          const byTime = m.get(key) ?? new Map<number, Cell>()
          byTime.set(p.t, cell)
          m.set(key, byTime)
        }
      }
    } else if (o.op === 'delete') {
      for (const [key, byTime] of m) {
        if (!key.startsWith(`${SERIES[o.series]}#!~#`)) continue
        for (const t of byTime.keys()) if (t >= o.from && t <= o.to) byTime.delete(t)
      }
    }
  }
  return m
}

function expected(
  ops: readonly Op[],
  start: number | undefined,
  end: number | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [key, byTime] of model(ops)) {
    const cells = [...byTime]
      .filter(([t]) => (start === undefined || t >= start) && (end === undefined || t <= end))
      .sort(([a], [b]) => a - b)
      .map(([t, c]) => `${at(t)}=${c}`)
    if (cells.length > 0) out[key] = cells
  }
  return out
}

async function dump(shard: Shard): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const key of shard.keys()) {
    const v = await shard.read(key, -(2n ** 63n), 2n ** 63n - 1n)
    if (v === undefined || v.times.length === 0) continue
    out[key] = Array.from(v.times, (t, i) => `${t}=${String(v.values[i])}`)
  }
  return out
}

function newShard(root: string): Shard {
  return new Shard({
    id: 7,
    database: 'db',
    retentionPolicy: 'rp',
    path: join(root, 'data'),
    walPath: join(root, 'wal'),
    options: { background: false, maxPointsPerBlock: 8 },
  })
}

/** Extracts `archive` (tombstones applied) under `root` and opens it as a shard. */
async function restored(archive: string, root: string): Promise<Shard> {
  await mkdir(join(root, 'data'), { recursive: true })
  await extractShardArchive(archive, join(root, 'data'), {
    location: { database: 'db', retentionPolicy: 'rp', shardID: 7n },
    applyTombstones: true,
    durable: false,
  })
  const shard = newShard(root)
  await shard.open()
  return shard
}

async function apply(shard: Shard, ops: readonly Op[]): Promise<void> {
  for (const o of ops) {
    if (o.op === 'write') {
      const lines = o.points.map(
        (p) =>
          `${SERIES[p.series]} ${p.values.map(([f, text]) => `${f}=${text}`).join(',')} ${at(p.t)}`,
      )
      const r = parsePoints(new TextEncoder().encode(lines.join('\n')), {
        precision: 'n',
        allowUnsigned: true,
      })
      assert.deepEqual(r.errors, [])
      await shard.writePoints(r.points)
    } else if (o.op === 'delete') {
      await shard.deleteSeriesRange([SERIES[o.series] ?? ''], at(o.from), at(o.to))
    } else if (o.op === 'snapshot') {
      await shard.snapshot()
    } else {
      await shard.compactFull()
    }
  }
}

describe('shard archive round trip (model-based)', () => {
  it('restores exactly the points that the writes and deletes leave within -start/-end', async () => {
    const dir = await tempDir()
    let run = 0
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 1, maxLength: 14 }),
          range,
          async (ops, { start, end }) => {
            const root = join(dir, `r${run++}`)
            const source = newShard(join(root, 'src'))
            await source.open()
            let copy: Shard | undefined
            try {
              await apply(source, ops)
              const archive = join(root, 'a.tar.gz')
              const lo = start === undefined ? undefined : at(start)
              const hi = end === undefined ? undefined : at(end)
              if (lo !== undefined && hi !== undefined && lo > hi) {
                await assert.rejects(writeShardArchive(source, archive, { start: lo, end: hi }))
                return
              }
              await writeShardArchive(source, archive, {
                ...(lo !== undefined ? { start: lo } : {}),
                ...(hi !== undefined ? { end: hi } : {}),
                maxPointsPerBlock: 8,
                gzipBlockSizeBytes: 4096,
              })
              copy = await restored(archive, join(root, 'dst'))
              assert.deepEqual(await dump(copy), expected(ops, start, end))
              // The source itself still answers as the model does (the backup changed nothing).
              assert.deepEqual(await dump(source), expected(ops, undefined, undefined))
              // influxd's archives ship the TSM files as they are, with their .tombstone files:
              // restore applies those.
              await source.snapshot()
              const raw: { name: string; data: Buffer }[] = []
              for (const tsm of source.tsmPaths()) {
                const name = tsm.slice(tsm.lastIndexOf('/') + 1)
                raw.push({ name: `db/rp/7/${name}`, data: await readFile(tsm) })
                const tombstone = await readFile(tombstonePathFor(tsm)).catch(() => undefined)
                if (tombstone !== undefined)
                  raw.push({
                    name: `db/rp/7/${name.replace(/\.tsm$/, '.tombstone')}`,
                    data: tombstone,
                  })
              }
              const influxArchive = join(root, 'influx.tar.gz')
              await writeFile(influxArchive, rawTarGz(raw))
              await copy.close()
              copy = await restored(influxArchive, join(root, 'other'))
              assert.deepEqual(await dump(copy), expected(ops, undefined, undefined))
            } finally {
              await copy?.close()
              await source.close()
              await rm(root, { recursive: true, force: true })
            }
          },
        ),
        { numRuns: Number(process.env.RUNS ?? 60) },
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

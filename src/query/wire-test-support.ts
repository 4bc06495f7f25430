// Test support for the shard wire formats and remote reads: random values of every field type
// (fast-check), and a shard on disk holding given points in a TSM file and the cache.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Shard } from '../engine/index.js'
import { parsePoints, type FieldType, type Values } from '../lineprotocol/index.js'

export const fieldType = fc.constantFrom<FieldType>(
  'float',
  'integer',
  'unsigned',
  'boolean',
  'string',
)
export const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })

/** `n` random values of `kind` with random int64 times. */
export function valuesOf(kind: FieldType, n: number): fc.Arbitrary<Values> {
  const times = fc.array(i64, { minLength: n, maxLength: n }).map((t) => BigInt64Array.from(t))
  switch (kind) {
    case 'float':
      return fc
        .tuple(times, fc.array(fc.double(), { minLength: n, maxLength: n }))
        .map(([t, v]) => ({ kind, times: t, values: Float64Array.from(v) }))
    case 'integer':
      return fc
        .tuple(times, fc.array(i64, { minLength: n, maxLength: n }))
        .map(([t, v]) => ({ kind, times: t, values: BigInt64Array.from(v) }))
    case 'unsigned':
      return fc
        .tuple(
          times,
          fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: n, maxLength: n }),
        )
        .map(([t, v]) => ({ kind, times: t, values: BigUint64Array.from(v) }))
    case 'boolean':
      return fc
        .tuple(times, fc.array(fc.boolean(), { minLength: n, maxLength: n }))
        .map(([t, v]) => ({ kind, times: t, values: Uint8Array.from(v, (b) => (b ? 1 : 0)) }))
    case 'string':
      return fc
        .tuple(times, fc.array(fc.string({ unit: 'grapheme' }), { minLength: n, maxLength: n }))
        .map(([t, v]) => ({ kind, times: t, values: v }))
  }
}

/**
 * A new shard `id` in a fresh temp directory (remove `dir` afterwards) holding the points of
 * `lines` (line protocol, ns): the first `inTSM` snapshotted into a TSM file, the rest in the cache.
 */
export async function shardHolding(
  id: number,
  lines: readonly string[],
  inTSM: number,
): Promise<{ shard: Shard; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-wire-shard-'))
  const shard = new Shard({
    id,
    database: 'db',
    retentionPolicy: 'rp',
    path: join(dir, 'data'),
    walPath: join(dir, 'wal'),
    options: { background: false },
  })
  await shard.open()
  const points = parsePoints(new TextEncoder().encode(lines.join('\n')), { precision: 'n' }).points
  await shard.writePoints(points.slice(0, inTSM))
  await shard.snapshot()
  await shard.writePoints(points.slice(inTSM))
  return { shard, dir }
}

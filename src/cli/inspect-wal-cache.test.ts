// The WAL replay of the exporter: entries applied in order, deletes honoured, bad tails reported.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import type { Values } from '../lineprotocol/index.js'
import { WALSegmentWriter } from '../wal/index.js'
import type { WALEntry } from '../wal/index.js'
import { removeDir, tempDir } from './inspect-test-support.js'
import { loadWALCache } from './inspect-wal-cache.js'

const floats = (pairs: readonly [number, number][]): Values => ({
  kind: 'float',
  times: BigInt64Array.from(pairs.map(([t]) => BigInt(t))),
  values: Float64Array.from(pairs.map(([, v]) => v)),
})
const write = (key: string, v: Values): WALEntry => ({ kind: 'write', values: new Map([[key, v]]) })

async function segment(path: string, entries: readonly WALEntry[]): Promise<void> {
  const w = new WALSegmentWriter(path)
  await w.open()
  await w.append(entries)
  await w.close()
}

const asPairs = (v: Values | undefined): [number, unknown][] =>
  v === undefined ? [] : Array.from(v.times, (t, i) => [Number(t), v.values[i]])

describe('WAL cache of the exporter', () => {
  it('applies writes in order (later wins), delete-range and whole-key deletes', async () => {
    const dir = tempDir()
    try {
      const a = join(dir, '_00001.wal')
      const b = join(dir, '_00002.wal')
      await segment(a, [
        write(
          'cpu#!~#v',
          floats([
            [3, 3],
            [1, 1],
            [2, 2],
          ]),
        ),
        write('mem#!~#v', floats([[1, 10]])),
        { kind: 'delete-range', keys: ['cpu#!~#v'], min: 2n, max: 2n },
      ])
      await segment(b, [
        write(
          'cpu#!~#v',
          floats([
            [1, 100],
            [2, 200],
          ]),
        ),
        { kind: 'delete', keys: ['mem#!~#v'] },
        write('disk#!~#v', floats([[5, 5]])),
      ])
      const cache = await loadWALCache([a, b])
      assert.deepEqual(cache.keys, ['cpu#!~#v', 'disk#!~#v'])
      assert.deepEqual(asPairs(cache.values.get('cpu#!~#v')), [
        [1, 100],
        [2, 200],
        [3, 3],
      ])
      assert.equal(cache.pointCount, 4)
      assert.deepEqual(cache.problems, [])
    } finally {
      removeDir(dir)
    }
  })

  it('keeps the entries before a corrupt tail and reports its path and offset', async () => {
    const dir = tempDir()
    try {
      const a = join(dir, '_00001.wal')
      await segment(a, [write('cpu#!~#v', floats([[1, 1]]))])
      const { size } = statSync(a)
      appendFileSync(a, Buffer.from([1, 0, 0, 0, 9, 1, 2]))
      const cache = await loadWALCache([a, join(dir, '_00002.wal')])
      assert.deepEqual(asPairs(cache.values.get('cpu#!~#v')), [[1, 1]])
      assert.equal(cache.problems.length, 2)
      assert.equal(cache.problems[0]?.path, a)
      assert.equal(cache.problems[0]?.offset, size)
      assert.match(cache.problems[1]?.error.message ?? '', /ENOENT/)
    } finally {
      removeDir(dir)
    }
  })

  it('refuses values of another type than the key already holds, and reports them', async () => {
    const dir = tempDir()
    try {
      const a = join(dir, '_00001.wal')
      const ints: Values = {
        kind: 'integer',
        times: BigInt64Array.of(2n),
        values: BigInt64Array.of(7n),
      }
      await segment(a, [write('k#!~#v', floats([[1, 1]])), write('k#!~#v', ints)])
      const cache = await loadWALCache([a])
      assert.deepEqual(asPairs(cache.values.get('k#!~#v')), [[1, 1]])
      assert.equal(cache.typeConflicts.length, 1)
      assert.equal(cache.typeConflicts[0]?.found, 'integer')
    } finally {
      removeDir(dir)
    }
  })

  it('matches a model of last-write-wins with range deletes (property)', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        key: fc.constantFrom('a', 'b'),
        points: fc.array(
          fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: -99, max: 99 })),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
      }),
      fc.record({
        kind: fc.constant('delete-range' as const),
        key: fc.constantFrom('a', 'b'),
        min: fc.integer({ min: 0, max: 20 }),
        len: fc.integer({ min: 0, max: 8 }),
      }),
    )
    const dir = tempDir()
    let run = 0
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { maxLength: 12 }),
          fc.integer({ min: 1, max: 3 }),
          async (ops, segments) => {
            const model = new Map<string, Map<number, number>>()
            const entries: WALEntry[] = []
            for (const o of ops) {
              const m = model.get(o.key) ?? new Map<number, number>()
              model.set(o.key, m)
              if (o.kind === 'write') {
                for (const [t, v] of o.points) m.set(t, v)
                entries.push(write(o.key, floats(o.points)))
              } else {
                for (const t of [...m.keys()]) if (t >= o.min && t <= o.min + o.len) m.delete(t)
                entries.push({
                  kind: 'delete-range',
                  keys: [o.key],
                  min: BigInt(o.min),
                  max: BigInt(o.min + o.len),
                })
              }
            }
            run++
            const paths: string[] = []
            const per = Math.ceil(entries.length / segments) || 1
            for (let s = 0; s * per < entries.length; s++) {
              const p = join(dir, `${run}-${s}.wal`)
              await segment(p, entries.slice(s * per, (s + 1) * per))
              paths.push(p)
            }
            const cache = await loadWALCache(paths)
            for (const key of ['a', 'b']) {
              const want = [...(model.get(key) ?? new Map<number, number>())].sort(
                (x, y) => x[0] - y[0],
              )
              assert.deepEqual(asPairs(cache.values.get(`${key}`)), want)
            }
          },
        ),
        { numRuns: 60 },
      )
    } finally {
      removeDir(dir)
    }
  })
})

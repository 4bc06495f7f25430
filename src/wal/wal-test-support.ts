// Shared helpers for the WAL tests: fresh temp directories, fast-check arbitraries for entries,
// and small builders. Used only by *.test.ts files and the crash-test child.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { Values } from '../lineprotocol/index.js'
import type { WALEntry } from './index.js'

/** Runs `fn` with a fresh temporary directory that is removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-wal-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Float values at the given timestamps. */
export function floats(times: readonly bigint[], values: readonly number[]): Values {
  return { kind: 'float', times: BigInt64Array.from(times), values: Float64Array.from(values) }
}

/** A write entry for one key. */
export function writeOf(key: string, v: Values): WALEntry {
  return { kind: 'write', values: new Map([[key, v]]) }
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Any int64. */
export const arbInt64 = fc.bigInt({ min: INT64_MIN, max: INT64_MAX })

/** TSM-like keys: ASCII with escapes and `#!~#`, or arbitrary Unicode (no newline). */
export const arbKey = fc.oneof(
  fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9\\ ,=]{0,12}$/),
      fc.stringMatching(/^[a-z0-9\\ ,="]{1,8}$/),
    )
    .map(([s, f]) => `${s},host=a\\ b#!~#${f}`),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\n')),
)

/** Values of one type with 1..maxLength points. */
export function arbValues(maxLength = 20): fc.Arbitrary<Values> {
  const times = (n: number) =>
    fc.array(arbInt64, { minLength: n, maxLength: n }).map((t) => BigInt64Array.from(t))
  const sized = <T>(item: fc.Arbitrary<T>, make: (t: BigInt64Array, v: T[]) => Values) =>
    fc
      .integer({ min: 1, max: maxLength })
      .chain((n) => fc.tuple(times(n), fc.array(item, { minLength: n, maxLength: n })))
      .map(([t, v]) => make(t, v))
  return fc.oneof(
    sized(fc.double(), (t, v) => ({ kind: 'float', times: t, values: Float64Array.from(v) })),
    sized(arbInt64, (t, v) => ({ kind: 'integer', times: t, values: BigInt64Array.from(v) })),
    sized(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (t, v) => ({
      kind: 'unsigned',
      times: t,
      values: BigUint64Array.from(v),
    })),
    sized(fc.boolean(), (t, v) => ({
      kind: 'boolean',
      times: t,
      values: Uint8Array.from(v, (b) => (b ? 1 : 0)),
    })),
    sized(fc.string({ unit: 'binary', maxLength: 70 }), (t, v) => ({
      kind: 'string',
      times: t,
      values: v,
    })),
  )
}

/** Any entry of the three kinds, with keys the format can hold. */
export const arbEntry: fc.Arbitrary<WALEntry> = fc.oneof(
  fc
    .array(fc.tuple(arbKey, arbValues()), { minLength: 1, maxLength: 6 })
    .map((pairs): WALEntry => ({ kind: 'write', values: new Map(pairs) })),
  fc
    .array(arbKey, { minLength: 1, maxLength: 5 })
    .map((keys): WALEntry => ({ kind: 'delete', keys })),
  fc
    .tuple(fc.array(arbKey, { maxLength: 5 }), arbInt64, arbInt64)
    .map(([keys, min, max]): WALEntry => ({ kind: 'delete-range', keys, min, max })),
)

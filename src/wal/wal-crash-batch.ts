// The batches the WAL crash test writes (wal-crash-child.ts) and checks (wal-crash.test.ts). Kept
// apart from the other test helpers so the child process starts without loading fast-check.

import type { Values } from '../lineprotocol/index.js'

/** Batch ids of crash-test round r start at r * CRASH_ROUND_IDS. */
export const CRASH_ROUND_IDS = 1_000_000

/**
 * Points per batch in round `round`: small batches in odd rounds; in even rounds batches of
 * several MB, so that a kill can land in the middle of one write and leave a torn tail.
 */
export function crashBatchPoints(round: number): number {
  return round % 2 === 1 ? 300 : 250_000
}

/**
 * The write of crash-test batch `id`: one key; the first value is the batch id, the others are
 * hard-to-compress filler so the entry stays large after snappy.
 */
export function crashBatch(id: number): Map<string, Values> {
  const n = crashBatchPoints(Math.floor(id / CRASH_ROUND_IDS))
  const times = new BigInt64Array(n)
  const values = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    times[j] = BigInt(id) * 1_000_000n + BigInt(j)
    values[j] = j === 0 ? id : Math.sin(id * 7919 + j)
  }
  return new Map([[`crash,host=h${id % 5}#!~#v`, { kind: 'float', times, values }]])
}

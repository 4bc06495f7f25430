// WAL throughput: fsynced writes of 5000-point batches (one at a time, and several in flight so
// group commit shares fsyncs), single-point writes (bounded by fsync latency), the encoder alone,
// and replay. Run: node dist/bench/wal.js

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Values } from '../src/lineprotocol/index.js'
import { WAL, encodeEntry } from '../src/wal/index.js'

const SERIES_PER_BATCH = 1000
const POINTS_PER_SERIES = 5
const POINTS_PER_BATCH = SERIES_PER_BATCH * POINTS_PER_SERIES
const BATCHES = 200
const T0 = 1_577_836_800_000_000_000n

type Batch = Map<string, Values>

/** A 5000-point batch: 1000 series of 5 float points each, like one line-protocol request. */
function makeBatch(i: number): Batch {
  const batch: Batch = new Map()
  for (let s = 0; s < SERIES_PER_BATCH; s++) {
    const times = new BigInt64Array(POINTS_PER_SERIES)
    const values = new Float64Array(POINTS_PER_SERIES)
    for (let p = 0; p < POINTS_PER_SERIES; p++) {
      times[p] = T0 + BigInt(i * POINTS_PER_SERIES + p) * 10_000_000_000n
      values[p] = Math.round(Math.random() * 10_000) / 100
    }
    const key = `cpu,host=server${s},region=eu-west-${s % 4}#!~#usage_user`
    batch.set(key, { kind: 'float', times, values })
  }
  return batch
}

/** A one-point write. */
function onePoint(i: number): Batch {
  const times = BigInt64Array.of(T0 + BigInt(i))
  return new Map([['cpu,host=a#!~#v', { kind: 'float', times, values: Float64Array.of(i) }]])
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size
  return total
}

function report(label: string, points: number, bytes: number, ms: number): void {
  const s = ms / 1000
  const pps = Math.round(points / s).toLocaleString('en-US')
  const mbs = (bytes / 1024 / 1024 / s).toFixed(1)
  const line = `${label.padEnd(40)} ${pps.padStart(11)} points/s ${mbs.padStart(7)} MB/s`
  console.log(`${line}  (${ms.toFixed(0)} ms)`)
}

/** Writes `batches` with `inFlight` concurrent writers to a fresh WAL; returns the elapsed ms. */
async function timeWrites(
  dir: string,
  batches: readonly Batch[],
  inFlight: number,
): Promise<number> {
  const wal = new WAL(dir)
  await wal.open()
  await wal.replay(() => undefined)
  const start = performance.now()
  let next = 0
  const worker = async (): Promise<void> => {
    for (let b = batches[next++]; b !== undefined; b = batches[next++]) await wal.writeValues(b)
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  const ms = performance.now() - start
  await wal.close()
  return ms
}

/** Prints WAL write (fsynced), encode and replay throughput. */
export async function benchWAL(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'tidemark-bench-wal-'))
  try {
    const batches = Array.from({ length: BATCHES }, (_, i) => makeBatch(i))
    const points = BATCHES * POINTS_PER_BATCH

    // Encode alone, best of three passes (the first also warms up the JIT for the rest).
    let encodedBytes = 0
    let best = Infinity
    for (let pass = 0; pass < 3; pass++) {
      const start = performance.now()
      encodedBytes = 0
      for (const b of batches) encodedBytes += encodeEntry({ kind: 'write', values: b }).length
      best = Math.min(best, performance.now() - start)
    }
    report('encode only, 5000-point batches', points, encodedBytes, best)

    const singles = Array.from({ length: 200 }, (_, i) => onePoint(i))
    const singleDir = join(root, 'single')
    const singleMs = await timeWrites(singleDir, singles, 1)
    const singleBytes = await dirBytes(singleDir)
    report('write+fsync, 1-point writes, 1 in flight', singles.length, singleBytes, singleMs)

    for (const inFlight of [1, 4, 16]) {
      const dir = join(root, `w${inFlight}`)
      const ms = await timeWrites(dir, batches, inFlight)
      report(`write+fsync, 5000-point, ${inFlight} in flight`, points, await dirBytes(dir), ms)
    }

    const dir = join(root, 'w1')
    const wal = new WAL(dir)
    await wal.open()
    let replayed = 0
    const start = performance.now()
    await wal.replay((entry) => {
      if (entry.kind !== 'write') return
      for (const v of entry.values.values()) replayed += v.times.length
    })
    const ms = performance.now() - start
    await wal.close()
    if (replayed !== points) throw new Error(`replayed ${replayed} points, wrote ${points}`)
    report('replay', replayed, await dirBytes(dir), ms)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchWAL()
}

// HTTP write throughput, Tidemark and the real InfluxDB 1.6 in one run on the same data:
// 1M points, 1000 series, batches of 5000 lines, 4 connections (issue #3's benchmark).
// Run alone: `node dist/bench/http-write.js [points]`.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MetaData, MetaFileStore } from '../src/meta/index.js'
import { influxdAvailable, startInfluxd } from '../test/helpers/influxd.js'
import { startTidemarkd } from '../test/helpers/tidemarkd.js'

const SERIES = 1000
const BATCH = 5000
export const CONNECTIONS = 4

/** `points` lines of the write benchmarks' dataset (1000 series, 3 fields), in bodies of 5000 lines. */
export function makeBodies(points: number): string[] {
  const bodies: string[] = []
  let lines: string[] = []
  const base = 1_600_000_000_000_000_000n
  for (let i = 0; i < points; i++) {
    const s = i % SERIES
    const t = base + BigInt(Math.floor(i / SERIES)) * 10_000_000_000n
    lines.push(
      `cpu,host=host${s},dc=dc${s % 10} usage_user=${(i % 997) / 10},usage_system=${(i % 101) / 10},load=${i % 17}i ${t}`,
    )
    if (lines.length === BATCH) {
      bodies.push(lines.join('\n'))
      lines = []
    }
  }
  if (lines.length > 0) bodies.push(lines.join('\n'))
  return bodies
}

/**
 * Sends every body over CONNECTIONS concurrent connections (`write` gets the body and its index)
 * and fails on any answer but 204; returns the wall time in seconds.
 */
export async function drive(
  write: (body: string, index: number) => Promise<Response>,
  bodies: readonly string[],
): Promise<number> {
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const r = await write(bodies[i] ?? '', i)
        if (r.status !== 204) throw new Error(`write answered ${r.status}: ${await r.text()}`)
      }
    }),
  )
  return (performance.now() - t0) / 1000
}

/** Prints points/s over HTTP for both servers and the ratio. */
export async function benchHTTPWrite(points = 1_000_000): Promise<void> {
  const bodies = makeBodies(points)
  console.log(
    `\n## HTTP /write: ${points} points, ${SERIES} series, batches of ${BATCH}, ${CONNECTIONS} connections`,
  )
  const root = await mkdtemp(join(tmpdir(), 'tidemark-bench-http-'))
  let ours: number
  try {
    await new MetaFileStore(join(root, 'meta')).save(MetaData.empty(1n).createDatabase('bench'))
    const t = await startTidemarkd({ root })
    try {
      ours = points / (await drive((b) => t.write('bench', b), bodies))
    } finally {
      await t.stop()
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  console.log(`tidemark  ${(ours / 1e3).toFixed(0)} k points/s`)
  if (!influxdAvailable()) {
    console.log(
      'influxdb  skipped: influxd not installed (apt-get install -y influxdb influxdb-client)',
    )
    return
  }
  const h = await startInfluxd()
  let theirs: number
  try {
    await h.query('CREATE DATABASE bench')
    theirs =
      points /
      (await drive((b) => fetch(`${h.url}/write?db=bench`, { method: 'POST', body: b }), bodies))
  } finally {
    await h.stop()
  }
  console.log(`influxdb  ${(theirs / 1e3).toFixed(0)} k points/s`)
  console.log(`ratio     ${(ours / theirs).toFixed(2)}x (tidemark / influxdb; above 1 is faster)`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchHTTPWrite(Number(process.argv[2] ?? 1_000_000))
}

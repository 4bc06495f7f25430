// Storage benchmark, Tidemark and the real InfluxDB 1.6 side by side on the same data:
// write rate (Tidemark: parse + engine with WAL fsync; InfluxDB: HTTP /write — the HTTP API of
// Tidemark arrives with issue #3, so this ratio flatters neither side exactly) and bytes on disk
// per value after a full compaction. Run alone: `node dist/bench/storage.js [points]`.

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Shard } from '../src/engine/index.js'
import { parsePoints } from '../src/lineprotocol/index.js'
import { influxdAvailable, startInfluxd } from '../test/helpers/influxd.js'

const SERIES = 100
const BATCH = 5000
const START_NS = 1_600_000_000_000_000_000n
const STEP_NS = 10_000_000_000n

/** A deterministic dataset: SERIES series with a float, an integer, a boolean and a string field. */
function makeBatches(points: number): string[] {
  let seed = 42
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  const level = new Float64Array(SERIES).fill(50)
  const counter = new Array<number>(SERIES).fill(0)
  const lines: string[] = []
  const perSeries = Math.ceil(points / SERIES)
  for (let i = 0; i < perSeries; i++) {
    const t = START_NS + BigInt(i) * STEP_NS
    for (let s = 0; s < SERIES; s++) {
      level[s] = Math.round(((level[s] ?? 0) + (rand() - 0.5) * 2) * 100) / 100
      counter[s] = (counter[s] ?? 0) + Math.floor(rand() * 100)
      const status = rand() < 0.9 ? 'ok' : 'degraded'
      lines.push(
        `cpu,host=server${String(s).padStart(3, '0')},region=r${s % 4} usage=${level[s]},reqs=${counter[s]}i,up=${rand() < 0.99},status="${status}" ${t}`,
      )
    }
  }
  const batches: string[] = []
  for (let i = 0; i < lines.length; i += BATCH) batches.push(lines.slice(i, i + BATCH).join('\n'))
  return batches
}

async function tsmBytes(dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir, { recursive: true })) {
    if (name.endsWith('.tsm')) total += (await stat(join(dir, name))).size
  }
  return total
}

async function benchTidemark(
  batches: readonly string[],
  values: number,
): Promise<{ rate: number; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-bench-storage-'))
  try {
    const shard = new Shard({
      id: 1,
      database: 'bench',
      retentionPolicy: 'autogen',
      path: join(dir, 'data'),
      walPath: join(dir, 'wal'),
      options: { background: false },
    })
    await shard.open()
    const enc = new TextEncoder()
    const bodies = batches.map((b) => enc.encode(b))
    const t0 = performance.now()
    // Four writers at once, like the InfluxDB side's four connections.
    let next = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = next++; i < bodies.length; i = next++) {
          const body = bodies[i]
          if (body !== undefined) await shard.writePoints(parsePoints(body, {}).points)
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    await shard.snapshot()
    await shard.compactFull()
    const bytes = await tsmBytes(join(dir, 'data'))
    await shard.close()
    return { rate: values / seconds, bytes }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function benchInfluxDB(
  batches: readonly string[],
  values: number,
): Promise<{ rate: number; bytes: number }> {
  const h = await startInfluxd({
    config: {
      data: {
        'cache-snapshot-write-cold-duration': '1s',
        'compact-full-write-cold-duration': '2s',
      },
    },
  })
  try {
    await h.query('CREATE DATABASE bench')
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = next++; i < batches.length; i = next++) {
          const b = batches[i]
          if (b !== undefined) await h.write('bench', b)
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    // Wait for the snapshot and the full compaction: one TSM file, empty WAL.
    const deadline = Date.now() + 120_000
    for (;;) {
      const names = await readdir(h.dirs.data, { recursive: true })
      const tsm = names.filter((n) => n.endsWith('.tsm'))
      const wal = (await readdir(h.dirs.wal, { recursive: true })).filter((n) => n.endsWith('.wal'))
      let walBytes = 0
      for (const w of wal) walBytes += (await stat(join(h.dirs.wal, w))).size
      if (tsm.length === 1 && walBytes === 0 && !names.some((n) => n.endsWith('.tmp'))) break
      if (Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 500))
    }
    return { rate: values / seconds, bytes: await tsmBytes(h.dirs.data) }
  } finally {
    await h.stop()
  }
}

/** Prints write rate and bytes per value for Tidemark and InfluxDB on the same data. */
export async function benchStorage(points = 1_000_000): Promise<void> {
  const batches = makeBatches(points)
  const values = points * 4
  console.log(
    `\n## storage: ${points} points × 4 fields (${SERIES} series, batches of ${BATCH}, 4 writers)`,
  )
  const ours = await benchTidemark(batches, values)
  console.log(
    `tidemark  write ${(ours.rate / 1e6).toFixed(2)} M values/s (parse + engine, WAL fsync)   ${(ours.bytes / values).toFixed(3)} bytes/value on disk`,
  )
  if (!influxdAvailable()) {
    console.log(
      'influxdb  skipped: influxd not installed (apt-get install -y influxdb influxdb-client)',
    )
    return
  }
  const theirs = await benchInfluxDB(batches, values)
  console.log(
    `influxdb  write ${(theirs.rate / 1e6).toFixed(2)} M values/s (HTTP /write)              ${(theirs.bytes / values).toFixed(3)} bytes/value on disk`,
  )
  console.log(
    `ratio     write ${(ours.rate / theirs.rate).toFixed(2)}x   bytes/value ${(ours.bytes / theirs.bytes).toFixed(3)}x (below 1 is smaller)`,
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchStorage(Number(process.argv[2] ?? 1_000_000))
}

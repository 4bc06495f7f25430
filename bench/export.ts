// Export throughput: builds a data/WAL directory with our engine (two shards, ~2M field values
// in several TSM generations plus a WAL tail), then times `tidemark-inspect export` on it in a
// child process — lines/s, MB/s of output and the child's peak RSS, once for half the time range
// and once for all of it (streaming: the peak RSS should not grow with the data exported).
// Run: node dist/bench/export.js

import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Shard } from '../src/engine/index.js'
import type { Point, Tag } from '../src/lineprotocol/index.js'

const SERIES = 250
const TIMES_PER_SHARD = 1000
const FIELDS = 4
const BATCH_POINTS = 5000
const T0 = 1_577_836_800_000_000_000n
const STEP_NS = 10_000_000_000n
const SHARD_SPAN_NS = BigInt(TIMES_PER_SHARD) * STEP_NS

/** One point per (series, time) with a float, an integer, a boolean and a string field. */
function pointAt(series: number, time: bigint, i: number): Point {
  const host = `host${String(series).padStart(4, '0')}`
  const region = `eu-west-${series % 4}`
  const tags: Tag[] = [
    { key: 'host', value: host },
    { key: 'region', value: region },
  ]
  return {
    measurement: 'cpu',
    seriesKey: `cpu,host=${host},region=${region}`,
    tags,
    fields: [
      { key: 'usage', value: { kind: 'float', value: Math.round(Math.sin(i / 7) * 10_000) / 100 } },
      { key: 'procs', value: { kind: 'integer', value: BigInt((i * 7919) % 1000) } },
      { key: 'up', value: { kind: 'boolean', value: i % 3 !== 0 } },
      { key: 'state', value: { kind: 'string', value: i % 5 === 0 ? 'degraded "slow"' : 'ok' } },
    ],
    time,
  }
}

/** Writes shard `id` (times start at `start`); the last 2% of its points stay in the WAL. */
async function buildShard(root: string, id: number, start: bigint): Promise<number> {
  const shard = new Shard({
    id,
    database: 'bench',
    retentionPolicy: 'autogen',
    path: join(root, 'data/bench/autogen', String(id)),
    walPath: join(root, 'wal/bench/autogen', String(id)),
    options: { background: false, cacheSnapshotMemorySizeBytes: 1024 * 1024 * 1024 },
  })
  await shard.open()
  let values = 0
  let batch: Point[] = []
  let i = 0
  const total = SERIES * TIMES_PER_SHARD
  for (let t = 0; t < TIMES_PER_SHARD; t++) {
    for (let s = 0; s < SERIES; s++) {
      batch.push(pointAt(s, start + BigInt(t) * STEP_NS, i++))
      if (batch.length === BATCH_POINTS) {
        await shard.writePoints(batch)
        values += batch.length * FIELDS
        batch = []
        // Snapshot at 25, 50, 75 and 98% of the points: four TSM generations and a WAL tail.
        const crossed = (mark: number): boolean =>
          i >= mark * total && i - BATCH_POINTS < mark * total
        if ([0.25, 0.5, 0.75, 0.98].some(crossed)) await shard.snapshot()
      }
    }
  }
  if (batch.length > 0) {
    await shard.writePoints(batch)
    values += batch.length * FIELDS
  }
  await shard.close()
  return values
}

function report(
  label: string,
  lines: number,
  bytes: number,
  ms: number,
  cpuMs: number,
  rssKB: number,
): void {
  const s = ms / 1000
  const lps = Math.round(lines / s).toLocaleString('en-US')
  const mbs = (bytes / 1024 / 1024 / s).toFixed(1)
  const cpuLps = Math.round(lines / (cpuMs / 1000)).toLocaleString('en-US')
  console.log(
    `${label.padEnd(26)} ${lines.toLocaleString('en-US').padStart(10)} lines ${lps.padStart(10)} lines/s ` +
      `${mbs.padStart(5)} MB/s  (${ms.toFixed(0)} ms; CPU ${cpuMs.toFixed(0)} ms = ${cpuLps} lines/CPU-s)  ` +
      `peak RSS ${(rssKB / 1024).toFixed(0)} MiB`,
  )
}

/** Child mode: runs one export and prints `<ms> <CPU ms> <maxRSS KiB>` as its last line. */
async function exportChild(args: readonly string[]): Promise<void> {
  const { main } = await import('../src/cli/tidemark-inspect.js')
  const started = performance.now()
  const cpu = process.cpuUsage()
  const code = await main(['export', ...args], {
    stdout: process.stderr,
    stderr: process.stderr,
  })
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  process.stdout.write(`${ms.toFixed(1)} ${cpuMs.toFixed(1)} ${process.resourceUsage().maxRSS}\n`)
  process.exitCode = code
}

/** Builds the dataset and times the export. */
export async function benchExport(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'tidemark-bench-export-'))
  try {
    const buildStart = performance.now()
    let values = 0
    values += await buildShard(root, 1, T0)
    values += await buildShard(root, 2, T0 + SHARD_SPAN_NS)
    console.log(
      `built ${values.toLocaleString('en-US')} field values in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`,
    )
    const self = fileURLToPath(import.meta.url)
    const out = join(root, 'export.lp')
    const half = new Date(Number((T0 + SHARD_SPAN_NS) / 1_000_000n)).toISOString()
    const runs: [string, string[]][] = [
      ['export first half (-end)', ['-end', half]],
      ['export all', []],
    ]
    for (const [label, extra] of runs) {
      const args = [
        '-datadir',
        join(root, 'data'),
        '-waldir',
        join(root, 'wal'),
        '-out',
        out,
        ...extra,
      ]
      const child = spawnSync(process.execPath, [self, '--export-child', ...args], {
        encoding: 'utf8',
      })
      if (child.status !== 0) throw new Error(`export failed: ${child.stderr}`)
      const [ms, cpuMs, rss] = (child.stdout.trim().split('\n').at(-1) ?? '0 0 0')
        .split(' ')
        .map(Number)
      const text = await readFile(out)
      let lines = 0
      for (let at = text.indexOf(10); at >= 0; at = text.indexOf(10, at + 1)) lines++
      lines -= text
        .toString('latin1')
        .split('\n')
        .filter((l) => l.startsWith('#') || l.startsWith('CREATE')).length
      report(label, lines, text.length, ms ?? 0, cpuMs ?? 0, rss ?? 0)
    }
  } finally {
    if (process.env['KEEP_BENCH_DIR'] === undefined)
      await rm(root, { recursive: true, force: true })
    else console.log(`kept ${root}`)
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--export-child')
  if (at >= 0) await exportChild(process.argv.slice(at + 1))
  else await benchExport()
}

// Backup and restore, Tidemark (tidemark-ctl backup/restore) and the real InfluxDB 1.6
// (influxd backup/restore -portable) in one run on the same data, with wall time, the peak
// memory of the backup/restore processes and the CPU seconds of those processes and their servers
// (medians of five runs each, the two sides taking turns run by run: single runs on a 2-core
// machine vary by ±15-30%, CPU seconds less, and the machine's speed drifts over minutes), on
// three datasets: values that repeat (the TSM files deflate to ~40%) and random values (deflate
// barely shrinks them), in one shard, and random values spread over six shards. Each side also
// restores a set of the first quarter of the time range: the two restores give its throughput
// past a fixed cost (process start, planning, opening shards), which decides the ratio on small
// sets, and show that peak memory does not grow with the set. tidemark-ctl also restores
// influxd's own set, as a user moving from InfluxDB does, and a bare Node.js upload of the same tar
// bytes gives the floor a Node.js restore stands on (bench/node-floor.ts). Run alone:
// `node dist/bench/backup.js [points] [repetitive|noisy|spread]`.

import { cpuMs, waitAtRest } from './at-rest.js'
import { execFileSync, spawn, type SpawnOptionsWithStdioTuple } from 'node:child_process'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { influxdAvailable, INFLUXD_BIN, startInfluxd } from '../test/helpers/influxd.js'
import { startTidemarkd } from '../test/helpers/tidemarkd.js'
import { nodeUploadFloor } from './node-floor.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tidemark-ctl.js')
const SERIES = 1000
const BATCH = 5000

interface Run {
  seconds: number
  peakRSSMiB: number
  /**
   * CPU seconds (user + system) of the command and of the server it talked to, during the run:
   * steadier than wall time on a shared machine, where runs of the same code differ by 5-10%.
   */
  cpuSeconds: number
}

/**
 * The environment of the timed commands: ours without NODE_EXTRA_CA_CERTS, which makes every
 * Node.js process parse a CA bundle at start (~80 ms on the 2-core machines this runs on), for
 * TLS that a backup over plain HTTP on loopback never uses. Machines with a TLS-intercepting proxy
 * set it for npm; a user's shell normally does not.
 */
function commandEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env['NODE_EXTRA_CA_CERTS']
  return env
}

/** The pause after `sync` before a timed run. */
const QUIET_MS = 500

/**
 * Runs a command under /usr/bin/time (Debian package `time`) when present, to read its peak RSS and
 * CPU time; `server` is the pid of the server it works with, whose CPU time during the run counts.
 */
async function timed(cmd: string, args: readonly string[], server: number): Promise<Run> {
  const withTime = existsSync('/usr/bin/time')
  // Every run starts with the disk quiet: the previous run's hundreds of MB still being written
  // back or freed made every other run of the same build ~0.3-0.4 s slower on 2 cores.
  execFileSync('sync')
  await new Promise((r) => setTimeout(r, QUIET_MS))
  return new Promise((done, fail) => {
    const serverCPU = cpuMs(server) / 1000
    const t0 = performance.now()
    const options: SpawnOptionsWithStdioTuple<'ignore', 'ignore', 'pipe'> = {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: commandEnv(),
    }
    const p = withTime
      ? spawn('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], options)
      : spawn(cmd, [...args], options)
    let err = ''
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('error', fail)
    p.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`))
      const seconds = (performance.now() - t0) / 1000
      const [kb = Number.NaN, user = Number.NaN, sys = Number.NaN] = withTime
        ? (err.trim().split('\n').at(-1) ?? '').split(' ').map(Number)
        : []
      const cpuSeconds = user + sys + cpuMs(server) / 1000 - serverCPU
      done({ seconds, peakRSSMiB: kb / 1024, cpuSeconds })
    })
  })
}

/**
 * The field values of point `i`: a repeating pattern, or noise that deflate cannot shrink much,
 * every 10 s (one shard); or the same noise every 5 minutes, so that the points span about five
 * weeks and six shards (InfluxDB's default 7-day shard groups), as a database that has been
 * written for a while is laid out.
 */
type Dataset = 'repetitive' | 'noisy' | 'spread'

const DATASET_TITLES: Record<Dataset, string> = {
  repetitive: 'repeating values every 10 s, one shard (deflate shrinks the TSM files to ~40%)',
  noisy: 'random values every 10 s, one shard (deflate shrinks them by a few percent)',
  spread: 'random values every 5 minutes, six shards',
}

/** Seconds between a series' points. */
function stepSeconds(dataset: Dataset): number {
  return dataset === 'spread' ? 300 : 10
}

/** mulberry32: a small deterministic PRNG, so every run writes the same noisy points. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function bodies(points: number, dataset: Dataset): string[] {
  const out: string[] = []
  let lines: string[] = []
  const base = 1_577_836_800_000_000_000n
  const random = prng(42)
  const step = BigInt(stepSeconds(dataset)) * 1_000_000_000n
  for (let i = 0; i < points; i++) {
    const s = i % SERIES
    const fields =
      dataset === 'repetitive'
        ? `user=${(i % 9973) / 7},sys=${i % 101}i`
        : `user=${random() * 100},sys=${Math.floor(random() * 1e6)}i`
    lines.push(
      `cpu,host=h${s},dc=d${s % 7} ${fields} ${base + BigInt(Math.floor(i / SERIES)) * step}`,
    )
    if (lines.length === BATCH) {
      out.push(lines.join('\n'))
      lines = []
    }
  }
  if (lines.length > 0) out.push(lines.join('\n'))
  return out
}

async function load(write: (b: string) => Promise<unknown>, all: readonly string[]): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = next++; i < all.length; i = next++) await write(all[i] ?? '')
    }),
  )
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
}

/** Runs per side: each backup into a fresh directory, each restore into a fresh server. */
const ROUNDS = 5

/** The median run (by time) of each of ROUNDS backups and restores, the runs, and the set's size. */
interface Result {
  backup: Run
  restore: Run
  backups: Run[]
  restores: Run[]
  bytes: number
  /** The restore of a set holding the first quarter of the time range: the median run, its size. */
  quarter: { restore: Run; bytes: number }
}

/** The median CPU seconds (command + server) of `runs`. */
function cpu(runs: readonly Run[]): number {
  const sorted = runs.map((r) => r.cpuSeconds).sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

function median(runs: Run[]): Run {
  const sorted = [...runs].sort((x, y) => x.seconds - y.seconds)
  return (
    sorted[Math.floor(sorted.length / 2)] ?? {
      seconds: Number.NaN,
      peakRSSMiB: Number.NaN,
      cpuSeconds: Number.NaN,
    }
  )
}

/** One side of the comparison: its source server, and how it backs up and restores. */
interface Side {
  readonly who: string
  /** The source server's pid (waited for at rest). */
  readonly pid: number
  backup(dir: string): Promise<Run>
  /** A backup of the first quarter of the time range. */
  quarterBackup(dir: string): Promise<Run>
  /** A restore of the set in `dir` into a new server. */
  restore(dir: string): Promise<Run>
}

/**
 * For every side: an untimed backup first, then a wait until every source is at rest (a backup
 * writes the cache out as a TSM file, both engines do, and the compaction that follows would
 * otherwise run during the timed ones); ROUNDS backups, each into its own new directory; a backup
 * of the first quarter; `sourcesDone` (the sources may stop); then ROUNDS restores of the first
 * set and ROUNDS of the quarter. The sides take turns run by run, so that a machine that speeds up
 * or slows down during the bench (this one does, by up to 2x over minutes) weighs on both alike;
 * `migration`, when given, takes its turn among the restores.
 */
async function rounds(
  tmp: string,
  sides: readonly Side[],
  sourcesDone: () => Promise<void>,
  migration?: () => Promise<Run>,
): Promise<{ results: Result[]; migrations: Run[] }> {
  for (const side of sides) {
    const settle = join(tmp, `${side.who}-settle`)
    mkdirSync(settle)
    await side.backup(settle)
    rmSync(settle, { recursive: true, force: true })
  }
  await waitAtRest(sides.map((side) => side.pid))
  const backups = sides.map((): Run[] => [])
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, side] of sides.entries()) {
      const dir = join(tmp, `${side.who}-${r}`)
      mkdirSync(dir)
      backups[k]?.push(await side.backup(dir))
      // Only the first set is restored: the others go, so that ROUNDS sets of unflushed pages do
      // not pile up and slow the later runs (both sides' later runs were up to 2x slower).
      if (r > 0) rmSync(dir, { recursive: true, force: true })
    }
  }
  // A smaller set restored the same way: the difference says how fast each restore moves data
  // once it runs, and how much of its time is a fixed cost (process start, planning, opening).
  for (const side of sides) {
    const quarter = join(tmp, `${side.who}-quarter`)
    mkdirSync(quarter)
    await side.quarterBackup(quarter)
  }
  await sourcesDone()
  const restores = sides.map((): Run[] => [])
  const migrations: Run[] = []
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, side] of sides.entries())
      restores[k]?.push(await side.restore(join(tmp, `${side.who}-0`)))
    if (migration !== undefined) migrations.push(await migration())
  }
  const quarters = sides.map((): Run[] => [])
  for (let r = 0; r < ROUNDS; r++)
    for (const [k, side] of sides.entries())
      quarters[k]?.push(await side.restore(join(tmp, `${side.who}-quarter`)))
  const results = sides.map((side, k): Result => {
    const b = backups[k] ?? []
    const x = restores[k] ?? []
    return {
      backup: median(b),
      restore: median(x),
      backups: b,
      restores: x,
      bytes: dirBytes(join(tmp, `${side.who}-0`)),
      quarter: {
        restore: median(quarters[k] ?? []),
        bytes: dirBytes(join(tmp, `${side.who}-quarter`)),
      },
    }
  })
  return { results, migrations }
}

/** The first quarter of the time range the points of `bodies` cover, as -start and -end. */
function quarterRange(points: number, dataset: Dataset): [string, string] {
  const base = 1_577_836_800_000
  const end = base + Math.floor(points / SERIES / 4) * stepSeconds(dataset) * 1000
  return [new Date(base).toISOString(), new Date(end).toISOString()]
}

/** Restore throughput past a fixed cost, from the restores of the whole set and of the quarter. */
function scaling(r: Result): { mbPerSecond: number; fixedSeconds: number } {
  const mb = (r.bytes - r.quarter.bytes) / 1e6
  const mbPerSecond = mb / (r.restore.seconds - r.quarter.restore.seconds)
  return { mbPerSecond, fixedSeconds: r.restore.seconds - r.bytes / 1e6 / mbPerSecond }
}

/**
 * Prints backup and restore times, sizes and peak memory for both, and the ratios, per dataset
 * (all three, or the one named: `repetitive`, `noisy` or `spread`).
 */
export async function benchBackup(points = 10_000_000, only?: string): Promise<void> {
  if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined)
    console.log(
      'note: NODE_EXTRA_CA_CERTS is set here; the timed commands run without it (see commandEnv)',
    )
  for (const dataset of ['repetitive', 'noisy', 'spread'] as const)
    if (only === undefined || only === dataset) await benchDataset(points, dataset)
}

async function benchDataset(points: number, dataset: Dataset): Promise<void> {
  console.log(
    `\n## backup and restore: ${points} points × 2 fields, ${SERIES} series, ${DATASET_TITLES[dataset]}`,
  )
  const data = bodies(points, dataset)
  const [start, end] = quarterRange(points, dataset)
  const tmp = mkdtempSync(join(tmpdir(), 'tidemark-bench-backup-'))
  /** tidemark-ctl restore of the set in `dir` into a fresh tidemarkd. */
  const restoreOurs = async (dir: string): Promise<Run> => {
    const dst = await startTidemarkd()
    try {
      return await timed(process.execPath, [CTL, '-bind', dst.metaAddress, 'restore', dir], dst.pid)
    } finally {
      await dst.stop()
    }
  }
  try {
    const src = await startTidemarkd()
    const a = influxdAvailable() ? await startInfluxd() : undefined
    let stopped = false
    const stopSources = async (): Promise<void> => {
      if (stopped) return
      stopped = true
      await src.stop()
      await a?.stop()
    }
    let outcome: Awaited<ReturnType<typeof rounds>>
    try {
      await src.query('CREATE DATABASE bench')
      await load((b) => src.write('bench', b), data)
      if (a !== undefined) {
        await a.query('CREATE DATABASE bench')
        await load((x) => a.write('bench', x), data)
      }
      await waitAtRest(a === undefined ? [src.pid] : [src.pid, a.pid])
      const ours: Side = {
        who: 'ours',
        pid: src.pid,
        backup: (dir) =>
          timed(process.execPath, [CTL, '-bind', src.metaAddress, 'backup', '-full', dir], src.pid),
        quarterBackup: (dir) =>
          timed(
            process.execPath,
            [CTL, '-bind', src.metaAddress, 'backup', '-start', start, '-end', end, dir],
            src.pid,
          ),
        restore: restoreOurs,
      }
      const theirs: Side | undefined =
        a === undefined
          ? undefined
          : {
              who: 'theirs',
              pid: a.pid,
              backup: (dir) =>
                timed(INFLUXD_BIN, ['backup', '-portable', '-host', a.rpcAddress, dir], a.pid),
              quarterBackup: (dir) =>
                timed(
                  INFLUXD_BIN,
                  ['backup', '-portable', '-host', a.rpcAddress, '-start', start, '-end', end, dir],
                  a.pid,
                ),
              restore: async (dir) => {
                const b = await startInfluxd()
                try {
                  return await timed(
                    INFLUXD_BIN,
                    ['restore', '-portable', '-host', b.rpcAddress, dir],
                    b.pid,
                  )
                } finally {
                  await b.stop()
                }
              },
            }
      // What a user moving from InfluxDB runs: tidemark-ctl restoring influxd's own backup
      // (deflated as influxd writes it, no sha256), in turn with influxd restoring it.
      outcome = await rounds(
        tmp,
        theirs === undefined ? [ours] : [ours, theirs],
        stopSources,
        theirs === undefined ? undefined : () => restoreOurs(join(tmp, 'theirs-0')),
      )
    } finally {
      await stopSources()
    }
    const line = (who: string, r: Result): void =>
      console.log(
        `${who}  backup ${r.backup.seconds.toFixed(2)} s (peak ${r.backup.peakRSSMiB.toFixed(0)} MiB)   restore ${r.restore.seconds.toFixed(2)} s (peak ${r.restore.peakRSSMiB.toFixed(0)} MiB)   ${(r.bytes / 1e6).toFixed(1)} MB   cpu backup ${cpu(r.backups).toFixed(2)} s, restore ${cpu(r.restores).toFixed(2)} s   runs: backup ${r.backups.map((x) => x.seconds.toFixed(2)).join(' ')}, restore ${r.restores.map((x) => x.seconds.toFixed(2)).join(' ')}`,
      )
    const [ours, theirs] = outcome.results
    if (ours === undefined) throw new Error('no result for tidemark')
    line('tidemark', ours)
    if (theirs === undefined) {
      console.log(
        'influxdb  skipped: influxd not installed (apt-get install -y influxdb influxdb-client)',
      )
      return
    }
    line('influxdb', theirs)
    console.log(
      `ratio     backup ${(theirs.backup.seconds / ours.backup.seconds).toFixed(2)}x faster   restore ${(theirs.restore.seconds / ours.restore.seconds).toFixed(2)}x faster   (above 1: Tidemark is faster)`,
    )
    console.log(
      `cpu       backup ${(cpu(theirs.backups) / cpu(ours.backups)).toFixed(2)}x less   restore ${(cpu(theirs.restores) / cpu(ours.restores)).toFixed(2)}x less   (CPU seconds of the command and its server, medians; above 1: Tidemark uses less)`,
    )
    const quarterLine = (who: string, r: Result): string =>
      `${who} ${r.quarter.restore.seconds.toFixed(2)} s (peak ${r.quarter.restore.peakRSSMiB.toFixed(0)} MiB, ${(r.quarter.bytes / 1e6).toFixed(1)} MB)`
    console.log(
      `quarter   restore of the first quarter of the time range: ${quarterLine('tidemark', ours)}, ${quarterLine('influxdb', theirs)}`,
    )
    const rate = (who: string, r: Result): string => {
      const x = scaling(r)
      return Number.isFinite(x.mbPerSecond) && x.mbPerSecond > 0
        ? `${who} ${x.mbPerSecond.toFixed(0)} MB/s after a fixed ${x.fixedSeconds.toFixed(2)} s`
        : `${who} n/a (the quarter took as long as the whole)`
    }
    console.log(
      `scaling   restore beyond the quarter: ${rate('tidemark', ours)}, ${rate('influxdb', theirs)}`,
    )
    // What the runtime itself costs: the same tar bytes uploaded by a bare Node.js client to a bare
    // Node.js server, both new processes, as tidemark-ctl and a fresh tidemarkd are.
    const tar = join(tmp, 'floor.tar')
    for (const f of readdirSync(join(tmp, 'ours-0'))
      .filter((n) => n.endsWith('.tar.gz'))
      .sort())
      await pipeline(
        createReadStream(join(tmp, 'ours-0', f)),
        createGunzip(),
        createWriteStream(tar, { flags: 'a' }),
      )
    const floor = await nodeUploadFloor(tar, ROUNDS, QUIET_MS, commandEnv())
    console.log(
      `floor     a bare Node.js client uploading the same ${(statSync(tar).size / 1e6).toFixed(1)} MB of tar to a bare Node.js server (new processes, one file, fsync, no checks): ${floor.toFixed(2)} s; the restores: Tidemark ${ours.restore.seconds.toFixed(2)} s, influxd ${theirs.restore.seconds.toFixed(2)} s`,
    )
    const migrations = outcome.migrations
    const migration = median(migrations)
    console.log(
      `from influxdb  tidemark-ctl restore of influxd's backup ${migration.seconds.toFixed(2)} s (peak ${migration.peakRSSMiB.toFixed(0)} MiB, cpu ${cpu(migrations).toFixed(2)} s), influxd's restore of it ${theirs.restore.seconds.toFixed(2)} s: ${(theirs.restore.seconds / migration.seconds).toFixed(2)}x   runs: ${migrations.map((x) => x.seconds.toFixed(2)).join(' ')}`,
    )
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchBackup(Number(process.argv[2] ?? 10_000_000), process.argv[3])
}

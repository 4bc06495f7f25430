// `tidemark-inspect report` (= influx_inspect report): a table of the shards found under a
// directory — DB, RP, shard, TSM and WAL file counts, series — and totals per database. Counts
// are exact (influx_inspect estimates with HyperLogLog unless -exact): a series counts when it
// still has data, so keys deleted by tombstones or by WAL deletes do not. Files are grouped into
// shards by their directory `<db>/<rp>/<shard>`, so pointing the report at a node's root
// directory (holding data/ and wal/) counts the WAL too. -detailed adds per-measurement series
// and field counts.

import { dirname, basename } from 'node:path'
import { measurementOf } from '../engine/index.js'
import { INT64_MAX, INT64_MIN } from './inspect-time.js'
import { FlagError, formatUsage, parseFlags } from './flags.js'
import { compareNumericNames, findFiles } from './inspect-files.js'
import type { InspectIO } from './inspect-io.js'
import { ShardTSM } from './inspect-shard-tsm.js'
import { formatTable } from './inspect-table.js'
import { formatDuration, formatRFC3339Nano } from './inspect-time.js'
import { loadWALCache } from './inspect-wal-cache.js'

const FLAGS = {
  pattern: {
    kind: 'string',
    default: '',
    usage: 'Include only files whose path contains this text',
  },
  detailed: {
    kind: 'boolean',
    default: false,
    usage: 'Report per-measurement series and field counts',
  },
  exact: {
    kind: 'boolean',
    default: false,
    usage: 'Report exact counts (always done; accepted for compatibility)',
  },
} as const

/** The help text of the report command. */
export function reportUsage(): string {
  return (
    'Displays a shard level report: files and exact series counts per shard, totals per database.\n\n' +
    'Usage: tidemark-inspect report [flags] <dir>\n\n' +
    formatUsage(FLAGS) +
    '\n<dir> is searched recursively for *.tsm and _*.wal files; each file belongs to the shard\n' +
    'named by its directory <db>/<rp>/<shard>. Give a node root (with data/ and wal/) to count\n' +
    'the WAL too. Exit status is 1 when a file cannot be read.\n'
  )
}

/** What the report found in one shard. */
export interface ShardReport {
  readonly database: string
  readonly retentionPolicy: string
  readonly shard: string
  readonly tsmFiles: number
  readonly walFiles: number
  /** Series keys with data. */
  readonly series: ReadonlySet<string>
  /** Measurement → its series keys and field keys. */
  readonly measurements: ReadonlyMap<string, { series: Set<string>; fields: Set<string> }>
  readonly minTime: bigint
  readonly maxTime: bigint
  /** Unreadable files, blocks and WAL tails. */
  readonly problems: readonly string[]
}

interface ShardPaths {
  database: string
  retentionPolicy: string
  shard: string
  tsm: string[]
  wal: string[]
}

/** Collects a shard's visible series from its TSM files (tombstones applied) and WAL. */
export async function reportShard(p: ShardPaths): Promise<ShardReport> {
  const problems: string[] = []
  const measurements = new Map<string, { series: Set<string>; fields: Set<string> }>()
  const series = new Set<string>()
  let minTime = INT64_MAX
  let maxTime = INT64_MIN
  const add = (key: string): void => {
    const at = key.indexOf('#!~#')
    const seriesKey = at < 0 ? key : key.slice(0, at)
    const field = at < 0 ? '' : key.slice(at + 4)
    series.add(seriesKey)
    const name = measurementOf(seriesKey)
    let m = measurements.get(name)
    if (m === undefined) measurements.set(name, (m = { series: new Set(), fields: new Set() }))
    m.series.add(seriesKey)
    m.fields.add(field)
  }
  const tsm = await ShardTSM.open(p.tsm, (e) => {
    const where = e.offset === undefined ? '' : ` (block at offset ${e.offset})`
    problems.push(`${e.path}${where}: ${e.error.message}`)
  })
  try {
    const all = { min: INT64_MIN, max: INT64_MAX }
    for (const r of tsm.readers) {
      if (r.keyCount === 0) continue
      if (r.minTime < minTime) minTime = r.minTime
      if (r.maxTime > maxTime) maxTime = r.maxTime
    }
    for (const key of tsm.keys()) {
      const partlyDeleted = tsm.readers.some((r) => r.tombstoneRanges(key).length > 0)
      if (!partlyDeleted) {
        add(key)
        continue
      }
      // Exact: a key whose tombstones removed some ranges counts only if a value is left.
      for await (const chunk of tsm.keyChunks(key, all)) {
        if (chunk.values.times.length > 0) {
          add(key)
          break
        }
      }
    }
  } finally {
    await tsm.close()
  }
  const wal = await loadWALCache(p.wal)
  for (const w of wal.problems)
    problems.push(`${w.path} (position ${w.offset}): ${w.error.message}`)
  for (const key of wal.keys) {
    const v = wal.values.get(key)
    if (v === undefined || v.times.length === 0) continue
    add(key)
    const first = v.times[0] ?? 0n
    const last = v.times[v.times.length - 1] ?? 0n
    if (first < minTime) minTime = first
    if (last > maxTime) maxTime = last
  }
  return {
    database: p.database,
    retentionPolicy: p.retentionPolicy,
    shard: p.shard,
    tsmFiles: p.tsm.length,
    walFiles: p.wal.length,
    series,
    measurements,
    minTime,
    maxTime,
    problems,
  }
}

/** Groups files by their `<db>/<rp>/<shard>` directory, sorted by db, rp and shard ID. */
function groupShards(tsm: readonly string[], wal: readonly string[]): ShardPaths[] {
  const byDir = new Map<string, ShardPaths>()
  const place = (path: string, slot: 'tsm' | 'wal'): void => {
    const shardDir = dirname(path)
    const rpDir = dirname(shardDir)
    const id = `${basename(dirname(rpDir))}\u0000${basename(rpDir)}\u0000${basename(shardDir)}`
    let s = byDir.get(id)
    if (s === undefined) {
      s = {
        database: basename(dirname(rpDir)),
        retentionPolicy: basename(rpDir),
        shard: basename(shardDir),
        tsm: [],
        wal: [],
      }
      byDir.set(id, s)
    }
    s[slot].push(path)
  }
  for (const p of tsm) place(p, 'tsm')
  for (const p of wal) place(p, 'wal')
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  return [...byDir.values()].sort(
    (a, b) =>
      cmp(a.database, b.database) ||
      cmp(a.retentionPolicy, b.retentionPolicy) ||
      compareNumericNames(a.shard, b.shard),
  )
}

/** Runs `tidemark-inspect report`; resolves to the exit code. */
export async function runReport(args: readonly string[], io: InspectIO): Promise<number> {
  if (args.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    io.stdout.write(reportUsage())
    return 0
  }
  let dir: string
  let flags: { pattern: string; detailed: boolean }
  try {
    const { values: f, args: rest } = parseFlags(FLAGS, args)
    if (rest.length !== 1 || rest[0] === undefined)
      throw new FlagError('report needs exactly one directory', '')
    dir = rest[0]
    flags = { pattern: f.pattern, detailed: f.detailed }
  } catch (err) {
    if (!(err instanceof FlagError)) throw err
    io.stderr.write(`${err.message}\n${reportUsage()}`)
    return 1
  }
  const started = performance.now()
  let shards: ShardPaths[]
  try {
    const keep = (p: string): boolean => flags.pattern === '' || p.includes(flags.pattern)
    const tsm = (await findFiles(dir, '.tsm')).filter(keep)
    const wal = (await findFiles(dir, '.wal')).filter((p) => basename(p).startsWith('_') && keep(p))
    shards = groupShards(tsm, wal)
  } catch (err) {
    io.stderr.write(`report: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  const reports: ShardReport[] = []
  for (const s of shards) reports.push(await reportShard(s))
  io.stdout.write(formatReport(reports, flags.detailed, performance.now() - started))
  const problems = reports.flatMap((r) => r.problems)
  for (const p of problems) io.stderr.write(`unable to read ${p}\n`)
  return problems.length > 0 ? 1 : 0
}

/** The report text for `reports` (shards in display order). */
export function formatReport(
  reports: readonly ShardReport[],
  detailed: boolean,
  elapsedMs: number,
): string {
  const rows = [['DB', 'RP', 'Shard', 'Tsm Files', 'WAL Files', 'Series']]
  let tsmFiles = 0
  let walFiles = 0
  let minTime = INT64_MAX
  let maxTime = INT64_MIN
  const perDB = new Map<string, Set<string>>()
  const perMeasurement = new Map<string, { series: Set<string>; fields: Set<string> }>()
  for (const r of reports) {
    rows.push([
      r.database,
      r.retentionPolicy,
      r.shard,
      String(r.tsmFiles),
      String(r.walFiles),
      String(r.series.size),
    ])
    tsmFiles += r.tsmFiles
    walFiles += r.walFiles
    if (r.series.size > 0 && r.minTime < minTime) minTime = r.minTime
    if (r.series.size > 0 && r.maxTime > maxTime) maxTime = r.maxTime
    const db = perDB.get(r.database) ?? new Set<string>()
    for (const s of r.series) db.add(s)
    perDB.set(r.database, db)
    for (const [name, m] of r.measurements) {
      const id = `${r.database}\u0000${name}`
      const acc = perMeasurement.get(id) ?? { series: new Set<string>(), fields: new Set<string>() }
      for (const s of m.series) acc.series.add(s)
      for (const f of m.fields) acc.fields.add(f)
      perMeasurement.set(id, acc)
    }
  }
  let text = formatTable(rows)
  if (detailed) {
    const mrows = [['DB', 'RP', 'Shard', 'Measurement', 'Series', 'Fields']]
    for (const r of reports) {
      for (const name of [...r.measurements.keys()].sort()) {
        const m = r.measurements.get(name)
        if (m === undefined) continue
        mrows.push([
          r.database,
          r.retentionPolicy,
          r.shard,
          name,
          String(m.series.size),
          String(m.fields.size),
        ])
      }
    }
    text += '\n' + formatTable(mrows)
  }
  const hasData = minTime <= maxTime
  text +=
    '\nSummary:\n' +
    `  Files: ${tsmFiles} TSM, ${walFiles} WAL in ${reports.length} shards\n` +
    (hasData
      ? `  Time Range: ${formatRFC3339Nano(minTime)} - ${formatRFC3339Nano(maxTime)}\n` +
        `  Duration: ${formatDuration(maxTime - minTime)}\n`
      : '  Time Range: no data\n') +
    '\nStatistics\n  Series:\n'
  let total = 0
  for (const s of perDB.values()) total += s.size
  for (const db of [...perDB.keys()].sort()) {
    const n = perDB.get(db)?.size ?? 0
    const pct = total > 0 ? Math.floor((n / total) * 100) : 0
    text += `    - ${db} (exact): ${n} (${pct}%)\n`
  }
  text += `  Total (exact): ${total}\n`
  if (detailed) {
    text += '\n  Measurements (exact):\n'
    for (const id of [...perMeasurement.keys()].sort()) {
      const m = perMeasurement.get(id)
      if (m === undefined) continue
      const [db, name] = id.split('\u0000')
      text += `    - ${db ?? ''}.${name ?? ''}: ${m.series.size} series, ${m.fields.size} fields\n`
    }
  }
  return text + `Completed in ${(elapsedMs / 1000).toFixed(3)}s\n`
}

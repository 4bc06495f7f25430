// SHOW DIAGNOSTICS and SHOW STATS: Tidemark's own values in InfluxDB 1.6's shapes. Diagnostics are
// named sections (build, runtime, network, system, plus what the server adds, e.g. its config)
// each with one row; statistics are named, tagged counters (runtime, queryExecutor, one
// `database` per database, one `shard` per shard, plus what the server adds, e.g. httpd).

import { availableParallelism, hostname } from 'node:os'
import { formatGoDuration, formatRFC3339Nano } from '../influxql/index.js'
import type { ShowDiagnosticsStatement, ShowStatsStatement } from '../influxql/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import { DatabaseIndex, compareStrings } from './database-index.js'
import type { QueryCell, QueryRow } from './result.js'

/** One diagnostics section: column names and its rows. */
export interface Diagnostic {
  readonly columns: readonly string[]
  readonly rows: readonly (readonly QueryCell[])[]
}

/** Extra diagnostics sections by name (the server's config, …). Called per statement. */
export type DiagnosticsSource = () => Readonly<Record<string, Diagnostic>>

/** One statistic: a module name, its tags and its values by name. */
export interface Statistic {
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
  readonly values: Readonly<Record<string, QueryCell>>
}

/** Extra statistics (httpd, write, …). Called per statement. */
export type StatisticsSource = () => readonly Statistic[]

/** No extra diagnostics. */
export const noDiagnostics: DiagnosticsSource = () => ({})
/** No extra statistics. */
export const noStatistics: StatisticsSource = () => []

const VERSION = '1.6.7~rc0-tidemark'
const startedMs = Date.now()

function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' }
  return map[process.arch] ?? process.arch
}

function builtInDiagnostics(): Record<string, Diagnostic> {
  const nowMs = Date.now()
  return {
    build: {
      columns: ['Branch', 'Build Time', 'Commit', 'Version'],
      rows: [['unknown', '', 'unknown', VERSION]],
    },
    network: { columns: ['hostname'], rows: [[hostname()]] },
    runtime: {
      columns: ['GOARCH', 'GOMAXPROCS', 'GOOS', 'version'],
      rows: [
        [
          goArch(),
          BigInt(availableParallelism()),
          process.platform,
          `node${process.versions.node}`,
        ],
      ],
    },
    system: {
      columns: ['PID', 'currentTime', 'started', 'uptime'],
      rows: [
        [
          BigInt(process.pid),
          formatRFC3339Nano(BigInt(nowMs) * 1_000_000n),
          formatRFC3339Nano(BigInt(startedMs) * 1_000_000n),
          formatGoDuration(BigInt(nowMs - startedMs) * 1_000_000n),
        ],
      ],
    },
  }
}

/** SHOW DIAGNOSTICS [FOR 'module']: sections sorted by name. */
export async function* showDiagnostics(
  stmt: ShowDiagnosticsStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const all = { ...builtInDiagnostics(), ...ctx.diagnostics() }
  const series: QueryRow[] = []
  for (const name of Object.keys(all).sort(compareStrings)) {
    if (stmt.module !== '' && name !== stmt.module) continue
    const d = all[name]
    if (d === undefined) continue
    series.push({ name, columns: d.columns, ...(d.rows.length > 0 && { values: d.rows }) })
  }
  yield { series }
}

function builtInStatistics(ctx: ExecutionContext): Statistic[] {
  const mem = process.memoryUsage()
  const heap = BigInt(mem.heapUsed)
  const c = ctx.counters
  const out: Statistic[] = [
    {
      name: 'runtime',
      tags: {},
      values: {
        Alloc: heap,
        Frees: 0n,
        HeapAlloc: heap,
        HeapIdle: BigInt(Math.max(0, mem.heapTotal - mem.heapUsed)),
        HeapInUse: heap,
        HeapObjects: 0n,
        HeapReleased: 0n,
        HeapSys: BigInt(mem.heapTotal),
        Lookups: 0n,
        Mallocs: 0n,
        NumGC: 0n,
        NumGoroutine: 0n,
        PauseTotalNs: 0n,
        Sys: BigInt(mem.rss),
        TotalAlloc: heap,
      },
    },
    {
      name: 'queryExecutor',
      tags: {},
      values: {
        queriesActive: BigInt(c.queriesActive),
        queriesExecuted: BigInt(c.queriesExecuted),
        queriesFinished: BigInt(c.queriesFinished),
        queryDurationNs: c.queryDurationNs,
        recoveredPanics: BigInt(c.recoveredPanics),
      },
    },
  ]
  const shards = ctx.store.shards()
  for (const db of ctx.meta.data.databases) {
    const index = new DatabaseIndex(shards.filter((s) => s.database === db.name))
    out.push({
      name: 'database',
      tags: { database: db.name },
      values: {
        numMeasurements: BigInt(index.measurementNames().length),
        numSeries: BigInt(index.seriesCount()),
      },
    })
  }
  for (const sh of shards) {
    const st = sh.stats()
    const tags = {
      database: sh.database,
      engine: 'tsm1',
      id: String(sh.id),
      path: sh.path,
      retentionPolicy: sh.retentionPolicy,
      walPath: sh.walPath,
    }
    out.push({
      name: 'shard',
      tags,
      values: {
        diskBytes: BigInt(st.tsmBytes),
        fieldsCreate: 0n,
        seriesCreate: BigInt(st.series),
        writeBytes: 0n,
        writePointsDropped: 0n,
        writePointsErr: 0n,
        writePointsOk: 0n,
        writeReq: 0n,
        writeReqErr: 0n,
        writeReqOk: 0n,
      },
    })
    out.push({
      name: 'tsm1_filestore',
      tags,
      values: { diskBytes: BigInt(st.tsmBytes), numFiles: BigInt(st.tsmFiles) },
    })
    out.push({
      name: 'tsm1_cache',
      tags,
      values: { cachedBytes: 0n, diskBytes: 0n, memBytes: BigInt(st.cacheBytes) },
    })
  }
  return out
}

/** SHOW STATS [FOR 'module']: one row per statistic; `indexes` gives the index memory estimate. */
export async function* showStats(
  stmt: ShowStatsStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  if (stmt.module === 'indexes') {
    let bytes = 0
    for (const sh of ctx.store.shards()) {
      for (const [key] of sh.index.measurements) bytes += key.length * 2
      for (const key of sh.index.seriesKeys()) bytes += key.length * 2 + 64
    }
    yield { series: [{ name: 'indexes', columns: ['memoryBytes'], values: [[BigInt(bytes)]] }] }
    return
  }
  const series: QueryRow[] = []
  for (const stat of [...builtInStatistics(ctx), ...ctx.statistics()]) {
    if (stmt.module !== '' && stat.name !== stmt.module) continue
    const columns = Object.keys(stat.values).sort(compareStrings)
    const row = columns.map((k) => stat.values[k] ?? null)
    series.push({
      name: stat.name,
      ...(Object.keys(stat.tags).length > 0 && { tags: stat.tags }),
      columns,
      values: [row],
    })
  }
  yield { series }
}

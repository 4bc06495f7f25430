// GET /debug/vars: process and HTTP statistics as one JSON object, laid out like InfluxDB 1.6's
// expvar page so that Telegraf's influxdb input can read it: "system" (currentTime, started,
// uptime), "cmdline", "memstats" (Go's field names filled from Node's memory figures, 0 where
// Node has no equivalent), "httpd:<bind>" ({name, tags, values} with InfluxDB's counter names),
// then any extra statistics the server adds (e.g. engine and write counters), and "process" with
// Node's own memory figures.

import { getHeapStatistics } from 'node:v8'
import type { StatisticsSource } from './interfaces.js'
import type { HTTPStatistics } from './statistics.js'
import { formatRFC3339Nano } from './time-format.js'

/** What the page needs. */
export interface DebugVarsSource {
  readonly stats: HTTPStatistics
  /** The listening address (`host:port`), InfluxDB's `bind` tag. */
  readonly bindAddress: string
  /** When the server started listening (ms since the epoch). */
  readonly startedMs: number
  readonly extra: StatisticsSource | undefined
}

/** The page's body: `{`, one `"key": value` per line, `}` and a newline, as InfluxDB writes it. */
export function renderDebugVars(src: DebugVarsSource, nowMs: number): string {
  const entries: [string, unknown][] = [
    [
      'system',
      {
        currentTime: formatRFC3339Nano(BigInt(nowMs) * 1_000_000n),
        started: formatRFC3339Nano(BigInt(src.startedMs) * 1_000_000n),
        uptime: Math.floor((nowMs - src.startedMs) / 1000),
      },
    ],
    ['cmdline', process.argv],
    ['memstats', memstats()],
    [
      `httpd:${src.bindAddress}`,
      { name: 'httpd', tags: { bind: src.bindAddress }, values: src.stats.snapshot() },
    ],
  ]
  if (src.extra !== undefined) {
    for (const [k, v] of Object.entries(src.extra())) entries.push([k, v])
  }
  entries.push(['process', { ...process.memoryUsage(), uptimeSeconds: process.uptime() }])
  const lines = entries.map(([k, v]) => `${JSON.stringify(k)}: ${stringify(v)}`)
  return `{\n${lines.join(',\n')}\n}\n`
}

/** Go's runtime.MemStats field names with Node's closest figures (0 where there is none). */
function memstats(): Record<string, unknown> {
  const mem = process.memoryUsage()
  const heap = getHeapStatistics()
  return {
    Alloc: mem.heapUsed,
    TotalAlloc: heap.total_heap_size,
    Sys: mem.rss,
    Lookups: 0,
    Mallocs: 0,
    Frees: 0,
    HeapAlloc: mem.heapUsed,
    HeapSys: mem.heapTotal,
    HeapIdle: Math.max(0, mem.heapTotal - mem.heapUsed),
    HeapInuse: mem.heapUsed,
    HeapReleased: 0,
    HeapObjects: 0,
    StackInuse: 0,
    StackSys: 0,
    MSpanInuse: 0,
    MSpanSys: 0,
    MCacheInuse: 0,
    MCacheSys: 0,
    BuckHashSys: 0,
    GCSys: 0,
    OtherSys: mem.external,
    NextGC: heap.heap_size_limit,
    LastGC: 0,
    PauseTotalNs: 0,
    NumGC: 0,
    NumForcedGC: 0,
    GCCPUFraction: 0,
    EnableGC: true,
    DebugGC: false,
  }
}

/** JSON with bigint support (counters summing nanoseconds are bigint). */
function stringify(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? `__bigint:${x}` : x,
  ).replace(/"__bigint:(-?\d+)"/g, '$1')
}

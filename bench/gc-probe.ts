// Loaded into a server under benchmark with `node --import` (NODE_OPTIONS): after every full
// (mark-compact) garbage collection it appends the live heap, external memory and RSS to the file
// named by TIDEMARK_GC_PROBE_OUT, so a benchmark can tell memory the process keeps (live data) from
// memory V8 has reserved. One line per collection: `<ms> <heapUsed> <external> <rss>` in bytes.

import { openSync, writeSync } from 'node:fs'
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'

const path = process.env['TIDEMARK_GC_PROBE_OUT']
if (path !== undefined && path !== '') {
  const fd = openSync(path, 'a')
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue
      const h = getHeapStatistics()
      writeSync(
        fd,
        `${Date.now()} ${h.used_heap_size} ${h.external_memory} ${process.memoryUsage.rss()}\n`,
      )
    }
  }).observe({ entryTypes: ['gc'] })
}

/** The NODE_OPTIONS value that loads this probe into a child process. */
export const GC_PROBE_OPTION = `--import=${import.meta.url}`

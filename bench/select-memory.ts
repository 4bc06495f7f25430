// Memory of `SELECT * FROM m` with chunked=true over 10 million raw points (issue #4's goal): the
// dataset is written straight to a TSM file, tidemarkd streams it back, and its RSS is sampled.
// Prints baseline, peak and growth; a streaming engine keeps the growth flat.
// Run alone: `node dist/bench/select-memory.js [points]`.

import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { writeRawDataset } from '../test/helpers/raw-dataset.js'
import { measureSelectMemory, rssByTenth } from '../test/helpers/select-memory.js'
import { startTidemarkd } from '../test/helpers/tidemarkd.js'
import { GC_PROBE_OPTION } from './gc-probe.js'

const SERIES = 100

/** Prints the RSS profile of one streamed SELECT * over `points` points. */
export async function benchSelectMemory(points = 10_000_000): Promise<void> {
  const perSeries = Math.ceil(points / SERIES)
  console.log(
    `\n## select-memory: SELECT * chunked over ${SERIES * perSeries} points (${SERIES} series, one float field, TSM)`,
  )
  const root = await mkdtemp(join(tmpdir(), 'tidemark-bench-memory-'))
  try {
    const t0 = performance.now()
    await writeRawDataset(root, {
      database: 'mem',
      series: SERIES,
      pointsPerSeries: perSeries,
      stepNs: 50_000_000n,
    })
    console.log(`dataset written in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const probe = join(root, 'gc-probe.log')
    const server = await startTidemarkd({
      root,
      env: { NODE_OPTIONS: GC_PROBE_OPTION, TIDEMARK_GC_PROBE_OUT: probe },
    })
    try {
      const m = await measureSelectMemory(
        server.url,
        server.pid,
        'mem',
        'SELECT * FROM m',
        30 * 60_000,
      )
      const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`
      console.log(
        `rss baseline ${mb(m.baselineBytes)}  peak ${mb(m.peakBytes)}  growth ${mb(m.peakBytes - m.baselineBytes)}`,
      )
      const tenths = rssByTenth(m)
      console.log(
        `rss by tenth of the rows: ${tenths.map((b) => (b / 1024 / 1024).toFixed(0)).join(' ')} MB; growth after the first tenth ${mb(Math.max(...tenths) - (tenths[0] ?? 0))}`,
      )
      const gcs = (await readFile(probe, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split(' ').map(Number))
      const live = gcs.map((g) => g[1] ?? 0)
      if (live.length > 0)
        console.log(
          `live heap after each of ${live.length} full GCs: first ${mb(live[0] ?? 0)}, max ${mb(Math.max(...live))}, last ${mb(live.at(-1) ?? 0)}; external max ${mb(Math.max(...gcs.map((g) => g[2] ?? 0)))}`,
        )
      console.log(
        `${m.rows} rows in ${m.chunks} chunks, ${(m.ms / 1000).toFixed(1)} s (${Math.round(m.rows / (m.ms / 1000))} points/s)${m.complete ? '' : ' INCOMPLETE'}`,
      )
    } finally {
      await server.stop()
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchSelectMemory(Number(process.argv[2] ?? 10_000_000))
}

// Memory of a large streamed SELECT (issue #4): raw points (100 series, written straight to a TSM
// file) read back with `SELECT * FROM m` and chunked=true while tidemarkd's resident set size is
// sampled from /proc, over 2M points. A streaming engine holds a flat profile: the growth over
// the baseline (the heap V8 keeps between collections, which varies with load: 105–135 MB seen)
// stays under 200 MB, where an engine holding the result grew by 690 MB. The 10M-point run is
// `node dist/bench/select-memory.js`. Reading stops after 45 s so the test ends in time either way.

import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeRawDataset } from '../helpers/raw-dataset.js'
import { measureSelectMemory } from '../helpers/select-memory.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const SERIES = 100
const MAX_GROWTH_BYTES = 200 * 1024 * 1024
const MB = 1024 * 1024

describe('SELECT * with chunked=true over 2M points', () => {
  const roots: string[] = []
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true })
  })

  async function measure(pointsPerSeries: number): Promise<{ growth: number; report: string }> {
    const root = mkdtempSync(join(tmpdir(), 'tidemark-select-memory-'))
    roots.push(root)
    await writeRawDataset(root, { database: 'mem', series: SERIES, pointsPerSeries })
    const server: TidemarkdHandle = await startTidemarkd({ root })
    try {
      const m = await measureSelectMemory(server.url, server.pid, 'mem', 'SELECT * FROM m', 45_000)
      const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`
      const report = `${SERIES * pointsPerSeries} points: baseline ${mb(m.baselineBytes)}, peak ${mb(m.peakBytes)}, growth ${mb(m.peakBytes - m.baselineBytes)}, ${m.rows} rows in ${m.chunks} chunks, ${(m.ms / 1000).toFixed(1)} s${m.complete ? '' : ' (stopped reading: time budget)'}`
      console.log(`select-memory: ${report}`)
      assert.ok(m.complete, `the stream did not end within the time budget: ${report}`)
      assert.equal(m.rows, SERIES * pointsPerSeries, report)
      return { growth: m.peakBytes - m.baselineBytes, report }
    } finally {
      await server.stop()
    }
  }

  it(
    "streams every point while tidemarkd's memory stays far below the result's size",
    { timeout: 60_000 },
    async () => {
      const large = await measure(20_000)
      assert.ok(large.growth < MAX_GROWTH_BYTES, large.report)
    },
  )
})

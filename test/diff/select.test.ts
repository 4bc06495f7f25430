// The differential suite for SELECT (first slice): the same writes and queries go to a real
// InfluxDB 1.6 and to Tidemark with the store-backed SelectExecutor; the HTTP answers (status and
// body) must be byte-identical.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  influxdAvailable,
  requireInfluxd,
  startInfluxd,
  type InfluxdHandle,
} from '../helpers/influxd.js'
import { runSteps, type Step } from './diff-runner.js'
import { startSelectTidemark, type SelectTidemark } from './select-server.js'
import {
  aggregateQueries,
  firstWrites,
  laterWrites,
  rawQueries,
  selectSteps,
} from './select-steps.js'
import { windowQueries } from './select-window-steps.js'
import { intoSteps } from './select-into-steps.js'

describe('SELECT, Tidemark against InfluxDB 1.6', { concurrency: false }, () => {
  let influxd: InfluxdHandle | undefined
  let tidemark: SelectTidemark | undefined
  const nowNs = BigInt(Date.now()) * 1_000_000n

  async function expectSame(steps: readonly Step[]): Promise<void> {
    assert.ok(influxd !== undefined && tidemark !== undefined, 'servers did not start')
    const diffs = await runSteps(influxd, tidemark, steps)
    assert.deepEqual(diffs, [], `${diffs.length} of ${steps.length} steps answered differently`)
  }

  before(async () => {
    if (!influxdAvailable()) return
    influxd = await startInfluxd()
    tidemark = await startSelectTidemark()
  })
  after(async () => {
    await influxd?.stop()
    await tidemark?.stop()
  })

  it('stores the same data in several shard groups, partly in TSM files and partly in the cache', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(firstWrites())
    await tidemark?.snapshot()
    await expectSame(laterWrites(nowNs))
  })

  it('answers raw selects of fields, tags and wildcards with time and tag conditions, grouping and limits', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(selectSteps(rawQueries))
  })

  it('answers count, sum, mean, min, max, first, last and spread with and without GROUP BY tags', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(selectSteps(aggregateQueries))
  })

  it('answers GROUP BY time with every fill option, offsets, tags, DESC and LIMIT/OFFSET per series', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(selectSteps(windowQueries))
  })

  it('writes SELECT … INTO results back as points, including the backup merge of every measurement with its tags', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(intoSteps())
  })
})

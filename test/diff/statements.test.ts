// The differential suite for every InfluxQL statement except SELECT: the same writes and
// statements go to a real InfluxDB 1.6 and to Tidemark, and the HTTP answers (status and body)
// must be byte-identical. Each scenario starts a fresh pair of servers.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  influxdAvailable,
  requireInfluxd,
  startInfluxd,
  type InfluxdHandle,
} from '../helpers/influxd.js'
import { runSteps, type Step } from './diff-runner.js'
import { authSteps } from './scenario-auth.js'
import { databaseSteps, userSteps } from './scenario-ddl.js'
import { edgeSteps } from './scenario-edge.js'
import {
  cardinalitySteps,
  deleteSteps,
  exploreSteps,
  metaSteps,
  setupSteps,
} from './scenario-schema.js'
import { startTidemark, type TidemarkHandle } from './tidemark-server.js'

const counted = { n: 0 }

interface Pair {
  influxd: InfluxdHandle
  tidemark: TidemarkHandle
}

async function startPair(authEnabled: boolean): Promise<Pair> {
  const influxd = await startInfluxd({ config: { http: { 'auth-enabled': authEnabled } } })
  const tidemark = await startTidemark({ authEnabled })
  return { influxd, tidemark }
}

async function stopPair(p: Pair | undefined): Promise<void> {
  await p?.influxd.stop()
  await p?.tidemark.stop()
}

async function expectSame(p: Pair | undefined, steps: readonly Step[]): Promise<void> {
  assert.ok(p !== undefined, 'servers did not start')
  const diffs = await runSteps(p.influxd, p.tidemark, steps, counted)
  assert.deepEqual(diffs, [], `${diffs.length} of ${steps.length} statements answered differently`)
}

describe('InfluxQL statements, Tidemark against InfluxDB 1.6', { concurrency: false }, () => {
  describe('without authentication', { concurrency: false }, () => {
    let pair: Pair | undefined
    const nowNs = BigInt(Date.now()) * 1_000_000n
    before(async () => {
      if (influxdAvailable()) pair = await startPair(false)
    })
    after(() => stopPair(pair))

    it('creates, alters, shows and drops databases and retention policies as InfluxDB does', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, databaseSteps)
    })

    it('manages users, passwords and privileges with InfluxDB answers and error texts', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, userSteps)
    })

    it('explores measurements, series, tag keys, tag values and field keys of written data', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, [...setupSteps(nowNs), ...exploreSteps])
    })

    it('answers the estimated and exact cardinality statements', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, cardinalitySteps)
    })

    it('reports failing writes, shards, continuous queries, subscriptions and queries alike', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, metaSteps)
    })

    it('deletes and drops series, measurements, shards and policies with the same effects', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, deleteSteps)
    })

    it('agrees on time bounds, escaped names, dropped policies, parameters and statement numbering', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, edgeSteps(nowNs))
    })
  })

  describe('with authentication', { concurrency: false }, () => {
    let pair: Pair | undefined
    before(async () => {
      if (influxdAvailable()) pair = await startPair(true)
    })
    after(() => stopPair(pair))

    it('bootstraps the first admin and enforces per-statement privileges with InfluxDB texts', async (t) => {
      if (!requireInfluxd(t)) return
      await expectSame(pair, authSteps)
    })
  })

  it('compared at least 120 statements and writes', (t) => {
    if (!requireInfluxd(t)) return
    assert.ok(counted.n >= 120, `only ${counted.n} steps compared`)
  })
})

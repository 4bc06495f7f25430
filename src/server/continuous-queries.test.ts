import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ContinuousQueryService } from './continuous-queries.js'
import type { CQMeta, CQResult } from './continuous-queries.js'

const S = 1_000_000_000n
const T0 = BigInt(Date.parse('2026-01-01T10:00:00Z')) * 1_000_000n

function meta(queries: { name: string; query: string }[]): CQMeta {
  return {
    data: {
      databases: [{ name: 'db', defaultRetentionPolicy: 'rp0', continuousQueries: queries }],
    },
  }
}

/** A service over a recording runner (the narrow interface the service declares). */
function setup(
  queries: { name: string; query: string }[],
  answer: (q: string) => CQResult[] = () => [],
  runsHere?: () => boolean,
) {
  const ran: { query: string; database: string }[] = []
  const logs: string[] = []
  const service = new ContinuousQueryService({
    meta: meta(queries),

    run: async function* (query, database) {
      ran.push({ query, database })
      yield* answer(query)
    },
    runIntervalMs: 10,
    logEnabled: true,
    logger: { info: (_f, msg) => logs.push(msg), error: (_f, msg) => logs.push(msg) },
    ...(runsHere !== undefined ? { runsHere } : {}),
  })
  return { service, ran, logs }
}

const CQ = {
  name: 'c',
  query:
    'CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO db..o FROM db.autogen.m GROUP BY time(10s) END',
}

describe('continuous query service', () => {
  it('runs a CQ once per interval over the window that closed, into the default retention policy', async () => {
    const { service, ran, logs } = setup([CQ], () => [{ series: [{ values: [[0n, 3n]] }] }])
    await service.runDue(T0 + 1n)
    await service.runDue(T0 + 5n * S)
    await service.runDue(T0 + 10n * S)
    await service.runDue(T0 + 11n * S)
    assert.deepEqual(ran, [
      {
        query: `SELECT mean(v) INTO db.rp0.o FROM db.autogen.m WHERE time >= '2026-01-01T10:00:00Z' AND time < '2026-01-01T10:00:10Z' GROUP BY time(10s)`,
        database: 'db',
      },
    ])
    assert.deepEqual(service.statistics, { queryOk: 1, queryFail: 0 })
    assert.deepEqual(logs, ['Executing continuous query', 'Finished continuous query'])
  })

  it('runs nothing while another data node is the one that runs CQs', async () => {
    let mine = false
    const { service, ran } = setup(
      [CQ],
      () => [],
      () => mine,
    )
    await service.runDue(T0 + 1n)
    await service.runDue(T0 + 10n * S + 1n)
    assert.equal(ran.length, 0)
    mine = true // it starts its own schedule at its next tick, as a node that just started
    await service.runDue(T0 + 20n * S + 1n)
    await service.runDue(T0 + 30n * S + 1n)
    assert.equal(ran.length, 1)
  })
  it('counts and logs a failing query and keeps its schedule', async () => {
    const { service, ran, logs } = setup([CQ], () => [{ error: 'boom' }])
    await service.runDue(T0)
    await service.runDue(T0 + 1n)
    assert.equal(ran.length, 1)
    assert.deepEqual(service.statistics, { queryOk: 0, queryFail: 1 })
    assert.equal(logs.at(-1), 'Error executing query')
  })

  it('reports a stored text that is not a continuous query and runs the others', async () => {
    const { service, ran } = setup([{ name: 'bad', query: 'SHOW DATABASES' }, CQ])
    await service.runDue(T0)
    assert.equal(ran.length, 1)
    assert.deepEqual(service.statistics, { queryOk: 1, queryFail: 1 })
  })

  it('runs a CQ again at once after resetLastRuns', async () => {
    const { service, ran } = setup([CQ])
    await service.runDue(T0)
    await service.runDue(T0 + 10n * S - 1n)
    assert.equal(ran.length, 1)
    service.resetLastRuns('db', 'c')
    await service.runDue(T0 + 10n * S - 1n)
    assert.equal(
      ran.length,
      1,
      'a fresh start in the middle of a window has nothing closed to query',
    )
    await service.runDue(T0 + 10n * S)
    assert.equal(ran.length, 2)
  })

  it('ticks on its own every run-interval and stops on close (idempotent)', async () => {
    const { service, ran } = setup([{ ...CQ, query: CQ.query.replace('10s', '1ms') }])
    service.start()
    await new Promise((r) => setTimeout(r, 80))
    await service.close()
    await service.close()
    const n = ran.length
    assert.ok(n >= 2, `ran ${n} times`)
    await new Promise((r) => setTimeout(r, 40))
    assert.equal(ran.length, n)
  })
})

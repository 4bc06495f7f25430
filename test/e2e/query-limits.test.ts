// The [coordinator] query limits and KILL QUERY end to end (issue #4): a real tidemarkd and the
// real influxd 1.6.7 with the same limits and the same points must answer the same error texts for
// max-select-series, max-select-buckets and query-timeout; a running SELECT killed with KILL QUERY
// ends with `query interrupted` on both; log-queries-after writes a warning naming the query.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { influxdAvailable, startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const BASE = 1_600_000_000_000_000_000n
const POINTS = 100_000

function dataset(): string[] {
  const bodies: string[] = []
  for (let b = 0; b < POINTS; b += 25_000) {
    const lines: string[] = []
    for (let n = b; n < b + 25_000; n++)
      lines.push(
        `m,host=h${n % 4} v=${n},w=${n}i,x=${n / 2},y=${n % 7}i ${BASE + BigInt(n) * 1_000_000_000n}`,
      )
    bodies.push(lines.join('\n'))
  }
  bodies.push(Array.from({ length: 10 }, (_, s) => `many,host=x${s} v=1 ${BASE}`).join('\n'))
  return bodies
}

/** One server under test, reached over plain HTTP so both are driven the same way. */
interface Peer {
  readonly url: string
  write(db: string, lp: string): Promise<unknown>
}

async function query(peer: Peer, q: string, params: Record<string, string> = {}): Promise<string> {
  const r = await fetch(`${peer.url}/query?${new URLSearchParams({ db: 'd', q, ...params })}`, {
    method: 'POST',
  })
  return (await r.text()).trim()
}

async function load(peer: Peer): Promise<void> {
  await query(peer, 'CREATE DATABASE d')
  for (const body of dataset()) await peer.write('d', body)
}

/** Starts a SELECT, kills it once SHOW QUERIES lists it, and returns the last line of its answer. */
async function killRunningSelect(peer: Peer): Promise<string> {
  const select = 'SELECT * FROM m'
  const pending = fetch(
    `${peer.url}/query?${new URLSearchParams({ db: 'd', q: select, chunked: 'true', chunk_size: '100' })}`,
  )
  const deadline = Date.now() + 10_000
  let qid: string | undefined
  while (qid === undefined && Date.now() < deadline) {
    const shown = JSON.parse(await query(peer, 'SHOW QUERIES')) as {
      results: { series?: { values?: [number, string][] }[] }[]
    }
    const row = shown.results[0]?.series?.[0]?.values?.find((v) => v[1] === select)
    if (row !== undefined) qid = String(row[0])
  }
  assert.ok(qid !== undefined, 'the SELECT never showed up in SHOW QUERIES')
  assert.equal(await query(peer, `KILL QUERY ${qid}`), '{"results":[{"statement_id":0}]}')
  const lines = (await (await pending).text()).trim().split('\n')
  return lines.at(-1) ?? ''
}

const LIMITED = { series: 5, buckets: 10 }

describe(
  'query limits and KILL QUERY (tidemarkd beside influxd 1.6.7)',
  { skip: !influxdAvailable() && !process.env['CI'] ? 'influxd not installed' : false },
  () => {
    let ours: TidemarkdHandle
    let theirs: InfluxdHandle
    let oursTimed: TidemarkdHandle
    let theirsTimed: InfluxdHandle
    before(async () => {
      ;[ours, theirs, oursTimed, theirsTimed] = await Promise.all([
        startTidemarkd({
          env: {
            TIDEMARK_COORDINATOR_MAX_SELECT_SERIES: String(LIMITED.series),
            TIDEMARK_COORDINATOR_MAX_SELECT_BUCKETS: String(LIMITED.buckets),
            TIDEMARK_COORDINATOR_LOG_QUERIES_AFTER: '1ms',
          },
        }),
        startInfluxd({
          config: {
            coordinator: {
              'max-select-series': LIMITED.series,
              'max-select-buckets': LIMITED.buckets,
            },
          },
        }),
        startTidemarkd({ env: { TIDEMARK_COORDINATOR_QUERY_TIMEOUT: '10ms' } }),
        startInfluxd({ config: { coordinator: { 'query-timeout': '10ms' } } }),
      ])
      await Promise.all([ours, theirs, oursTimed, theirsTimed].map(load))
    })
    after(async () => {
      await Promise.all([ours?.stop(), theirs?.stop(), oursTimed?.stop(), theirsTimed?.stop()])
    })

    for (const q of [
      'SELECT * FROM many',
      'SELECT count(v) FROM many',
      'SELECT count(v) FROM many GROUP BY host',
      `SELECT v FROM many WHERE host =~ /x[0-5]/`,
      `SELECT v FROM many WHERE host =~ /x[0-4]/`,
      `SELECT count(v) FROM m WHERE time >= '2020-09-13T12:26:40Z' AND time < '2020-09-13T12:26:52Z' GROUP BY time(1s)`,
      `SELECT count(v) FROM m WHERE time >= '2020-09-13T12:26:40Z' AND time <= '2020-09-13T12:26:50Z' GROUP BY time(1s)`,
      `SELECT count(v) FROM m WHERE time >= '2020-09-13T12:26:40Z' AND time < '2020-09-13T12:26:50Z' GROUP BY time(1s)`,
      `SELECT count(v) FROM m WHERE time >= '2020-09-13T12:26:40Z' AND time < '2020-09-13T12:26:50Z' GROUP BY time(1s, 500ms)`,
      `SELECT v FROM m WHERE time >= '2020-09-13T12:26:40Z' AND time < '2020-09-13T12:26:52Z'`,
    ]) {
      it(`answers as influxd with max-select-series and max-select-buckets: ${q}`, async () => {
        assert.equal(await query(ours, q), await query(theirs, q))
      })
    }

    it('counts buckets up to now() when GROUP BY time has no upper bound', async () => {
      const q = `SELECT count(v) FROM m WHERE time >= '2020-09-13T12:26:40Z' GROUP BY time(1h)`
      const pattern =
        /^\{"results":\[\{"statement_id":0,"error":"max-select-buckets limit exceeded: \((\d+)\/10\)"\}\]\}$/
      const [a, b] = await Promise.all([query(ours, q), query(theirs, q)])
      assert.match(a, pattern)
      assert.equal(a, b)
    })

    it("stops a SELECT that outlives query-timeout with influxd's answer", async () => {
      const q = 'SELECT * FROM m; SHOW DATABASES'
      const [a, b] = await Promise.all([query(oursTimed, q), query(theirsTimed, q)])
      assert.equal(
        b,
        '{"results":[{"statement_id":0,"error":"not executed"}]}',
        'influxd merges the timeout into not executed',
      )
      assert.equal(a, b)
      assert.equal(
        await query(oursTimed, 'SELECT * FROM m'),
        '{"results":[{"statement_id":0,"error":"query-timeout limit exceeded"}]}',
      )
      assert.equal(
        await query(theirsTimed, 'SELECT * FROM m'),
        '{"results":[{"statement_id":0,"error":"query-timeout limit exceeded"}]}',
      )
    })

    it('ends a running SELECT killed with KILL QUERY with query interrupted, as influxd', async () => {
      const [a, b] = await Promise.all([killRunningSelect(ours), killRunningSelect(theirs)])
      assert.equal(b, '{"results":[{"statement_id":0,"error":"query interrupted"}]}')
      assert.equal(a, b)
    })

    it('logs a query that runs longer than log-queries-after', async () => {
      await query(ours, 'SELECT count(v) FROM m')
      const line = ours
        .log()
        .split('\n')
        .find((l) => l.includes('Detected slow query') && l.includes('SELECT count(v) FROM m'))
      assert.ok(line !== undefined, ours.log().slice(-2000))
      assert.match(line, /"database":"d"/)
    })
  },
)

// Continuous queries end to end (issue #4): the same CQs and the same points on a real tidemarkd
// and the real influxd 1.6.7, both checking every 100 ms; GROUP BY time(1s) windows are written as
// they close, RESAMPLE EVERY 2s FOR 4s recomputes the last four windows (and picks up a late
// point), and an offset shifts the windows. What each server wrote must be identical.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'
import { influxdAvailable, startInfluxd, type InfluxdHandle } from '../helpers/influxd.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'
import type { JSONValue } from '../helpers/json-bigint.js'

const S = 1_000_000_000n
const CQS = [
  'CREATE CONTINUOUS QUERY cq1 ON cqdb BEGIN SELECT mean(value), count(value), max(value) INTO cqdb.autogen.cq1_out FROM cqdb.autogen.m GROUP BY time(1s), host END',
  'CREATE CONTINUOUS QUERY cq2 ON cqdb RESAMPLE EVERY 2s FOR 4s BEGIN SELECT sum(value) INTO cq2_out FROM m GROUP BY time(1s), host END',
  `CREATE CONTINUOUS QUERY cq3 ON cqdb BEGIN SELECT count(value) INTO cq3_out FROM m WHERE host = 'a' GROUP BY time(2s, 1s) END`,
]

interface Peer {
  query(q: string, params?: Record<string, string>): Promise<JSONValue>
  write(db: string, lp: string): Promise<unknown>
}

const sleepUntil = async (ns: bigint): Promise<void> => {
  const ms = Number(ns / 1_000_000n) - Date.now()
  if (ms > 0) await new Promise((r) => setTimeout(r, ms))
}

describe(
  'continuous queries on a schedule (tidemarkd beside influxd 1.6.7)',
  { skip: !influxdAvailable() && !process.env['CI'] ? 'influxd not installed' : false },
  () => {
    let ours: TidemarkdHandle
    let theirs: InfluxdHandle
    before(async () => {
      ;[ours, theirs] = await Promise.all([
        startTidemarkd({ env: { TIDEMARK_CONTINUOUS_QUERIES_RUN_INTERVAL: '100ms' } }),
        startInfluxd({
          config: { continuous_queries: { 'run-interval': '100ms', enabled: true } },
        }),
      ])
    })
    after(async () => {
      await Promise.all([ours?.stop(), theirs?.stop()])
    })

    it('writes the same points as influxd for closed windows, RESAMPLE and GROUP BY offsets', async () => {
      const peers: Peer[] = [ours, theirs]
      const nowNs = BigInt(Date.now()) * 1_000_000n
      // B: a 2 s boundary at least 1.5 s away, so the CQs exist and the data is written before it.
      const base = ((nowNs + 1_500_000_000n) / (2n * S) + 1n) * 2n * S
      const lines: string[] = []
      for (let w = 0n; w < 4n; w++) {
        for (let j = 0n; j < 5n; j++) {
          const ts = base + w * S + j * 200_000_000n
          lines.push(
            `m,host=a value=${Number(w * 10n + j) + 0.5} ${ts}`,
            `m,host=b value=${Number(w * 7n + j * 3n)} ${ts}`,
          )
        }
      }
      for (const p of peers) {
        await p.query('CREATE DATABASE cqdb')
        for (const q of CQS) {
          const r = JSON.stringify(await p.query(q, { db: 'cqdb' }), (_k, v: unknown) =>
            typeof v === 'bigint' ? String(v) : v,
          )
          assert.doesNotMatch(r, /error/, q)
        }
        await p.write('cqdb', lines.join('\n'))
      }
      assert.ok(BigInt(Date.now()) * 1_000_000n < base, 'setup took longer than the lead time')
      // A late point into the first window once cq1 has computed it: only RESAMPLE FOR picks it up.
      await sleepUntil(base + 2_500_000_000n)
      for (const p of peers) await p.write('cqdb', `m,host=a value=1000 ${base + 500_000_000n}`)
      // Every window holding data has closed and been computed by B+5s (cq3's [B+3s, B+5s) last);
      // later runs rewrite the same values. A server slowed down by a busy machine gets 2 s more.
      await sleepUntil(base + 6_000_000_000n)
      for (const m of ['cq1_out', 'cq2_out', 'cq3_out']) {
        const q = `SELECT * FROM ${m} WHERE time >= ${base - 2n * S} AND time < ${base + 6n * S}`
        const read = (): Promise<JSONValue[]> =>
          Promise.all(peers.map((p) => p.query(q, { db: 'cqdb', epoch: 'ns' })))
        let [a, b] = await read()
        for (let retry = 0; retry < 4 && !isDeepStrictEqual(a, b); retry++) {
          await new Promise((r) => setTimeout(r, 500))
          ;[a, b] = await read()
        }
        assert.deepEqual(a, b, `${m} differs`)
        assert.match(
          JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
          /"values"/,
          `${m} has no points`,
        )
      }
      const late = await ours.query(`SELECT sum FROM cq2_out WHERE host = 'a' AND time = ${base}`, {
        db: 'cqdb',
      })
      assert.match(JSON.stringify(late), /,1012\.5\]/)
      const closed = await ours.query(
        `SELECT mean FROM cq1_out WHERE host = 'a' AND time = ${base}`,
        { db: 'cqdb' },
      )
      assert.match(JSON.stringify(closed), /,2\.5\]/)
    })
  },
)

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { SelectStatement } from '../influxql/index.js'
import { parseStatement } from '../influxql/index.js'
import { abortable } from './abortable.js'
import { bucketCount, checkBuckets, SelectLimits } from './query-limits.js'

const NOW = BigInt(Date.parse('2026-01-01T00:00:00Z')) * 1_000_000n

function select(q: string): SelectStatement {
  const s = parseStatement(q)
  assert.equal(s.kind, 'SelectStatement')
  return s as SelectStatement
}

describe('query limits', () => {
  it('counts the GROUP BY time buckets between the bounds as InfluxDB does', () => {
    const q = (where: string, group = 'time(1s)'): bigint | undefined =>
      bucketCount(select(`SELECT count(v) FROM m WHERE ${where} GROUP BY ${group}`), NOW)
    assert.equal(q(`time >= '2020-01-01T00:00:00Z' AND time < '2020-01-01T00:00:12Z'`), 12n)
    // An inclusive upper bound on a boundary does not add its bucket (InfluxDB looks at end - 1ns).
    assert.equal(q(`time >= '2020-01-01T00:00:00Z' AND time <= '2020-01-01T00:00:10Z'`), 10n)
    assert.equal(
      q(`time >= '2020-01-01T00:00:00Z' AND time < '2020-01-01T00:00:10Z'`, 'time(1s, 500ms)'),
      11n,
    )
    assert.equal(q(`time >= '2025-12-31T23:00:00Z'`, 'time(1m)'), 60n)
    assert.equal(q(`time < '2020-01-01T00:00:12Z'`), undefined)
    assert.equal(
      bucketCount(select(`SELECT v FROM m WHERE time >= '2020-01-01T00:00:00Z'`), NOW),
      undefined,
    )
  })

  it("refuses too many buckets with InfluxDB's text and ignores a zero limit", () => {
    const stmt = select(
      `SELECT count(v) FROM m WHERE time >= '2020-01-01T00:00:00Z' AND time < '2020-01-01T00:00:12Z' GROUP BY time(1s)`,
    )
    assert.throws(() => checkBuckets(stmt, NOW, 10), {
      message: 'max-select-buckets limit exceeded: (12/10)',
    })
    checkBuckets(stmt, NOW, 12)
    checkBuckets(stmt, NOW, 0)
  })

  it('fails on series above the limit with (limit+1/limit) and on points reaching it', () => {
    const limits = new SelectLimits({ maxSelectSeries: 5, maxSelectPoint: 100 })
    limits.checkSeries(5)
    assert.throws(() => limits.checkSeries(50), {
      message: 'max-select-series limit exceeded: (6/5)',
    })
    limits.addPoints(60)
    assert.throws(() => limits.addPoints(50), {
      message: 'max-select-point limit exceeed: (110/100)',
    })
    const none = new SelectLimits({})
    none.checkSeries(1e9)
    none.addPoints(1e9)
  })

  it('stops waiting for a part once the signal aborts, and passes parts through before', async () => {
    const abort = new AbortController()
    let returned = false
    async function* slow(): AsyncGenerator<number> {
      try {
        yield 1
        await new Promise((r) => setTimeout(r, 200))
        yield 2
      } finally {
        returned = true
      }
    }
    const seen: number[] = []
    const t0 = performance.now()
    await assert.rejects(
      async () => {
        for await (const v of abortable(slow(), abort.signal)) {
          seen.push(v)
          setTimeout(() => abort.abort(), 10)
        }
      },
      { message: 'query interrupted' },
    )
    assert.deepEqual(seen, [1])
    assert.ok(performance.now() - t0 < 150, 'answered before the slow part settled')
    await new Promise((r) => setTimeout(r, 250))
    assert.ok(returned, 'the source was asked to return')
  })
})

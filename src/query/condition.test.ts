import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseExpr } from '../influxql/index.js'
import {
  MAX_TIME_NS,
  MIN_TIME_NS,
  StatementError,
  conditionExpr,
  formatRFC3339,
  hasTimeExpr,
} from './index.js'

describe('WHERE time ranges', () => {
  it('turns > and < into exclusive bounds and >=, <=, = into inclusive ones', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (t) => {
        assert.deepEqual(conditionExpr(parseExpr(`time > ${t}`), undefined).range, {
          minNs: t + 1n,
        })
        assert.deepEqual(conditionExpr(parseExpr(`time < ${t}`), undefined).range, {
          maxNs: t - 1n,
        })
        assert.deepEqual(conditionExpr(parseExpr(`time >= ${t}`), undefined).range, { minNs: t })
        assert.deepEqual(conditionExpr(parseExpr(`${t} >= time`), undefined).range, { maxNs: t })
        assert.deepEqual(conditionExpr(parseExpr(`time = ${t}`), undefined).range, {
          minNs: t,
          maxNs: t,
        })
      }),
    )
  })

  it('keeps the rest of the condition and intersects ranges, even under OR', () => {
    const r = conditionExpr(
      parseExpr("host = 'a' AND time > 10 AND (time < 20 OR time < 15)"),
      undefined,
    )
    assert.deepEqual(r.range, { minNs: 11n, maxNs: 14n })
    assert.equal(r.condition?.kind, 'BinaryExpr')
    assert.equal(conditionExpr(parseExpr('time > 1'), undefined).condition, null)
  })

  it('evaluates now() and durations, and parses time strings', () => {
    const now = 1_000_000_000_000n
    assert.deepEqual(conditionExpr(parseExpr('time > now() - 1s'), now).range, {
      minNs: now - 1_000_000_000n + 1n,
    })
    assert.deepEqual(conditionExpr(parseExpr("time >= '1970-01-01T00:00:01Z'"), now).range, {
      minNs: 1_000_000_000n,
    })
    assert.deepEqual(conditionExpr(parseExpr("time <= '1970-01-02'"), now).range, {
      maxNs: 86_400_000_000_000n,
    })
    assert.deepEqual(conditionExpr(parseExpr("time <= '1970-01-01 00:00:00.5'"), now).range, {
      maxNs: 500_000_000n,
    })
  })

  it('reports InfluxDB texts for times it cannot use', () => {
    assert.throws(
      () => conditionExpr(parseExpr("time > 'abc'"), undefined),
      (e: unknown) =>
        e instanceof StatementError &&
        e.message === 'invalid operation: time and *influxql.StringLiteral are not compatible',
    )
    assert.throws(
      () => conditionExpr(parseExpr("time > '2020-13-01'"), undefined),
      (e: unknown) => e instanceof Error && e.message === 'invalid timestamp string',
    )
    assert.throws(
      () => conditionExpr(parseExpr('x'), undefined),
      (e: unknown) => e instanceof Error && e.message === 'invalid condition expression: x',
    )
  })

  it('finds time comparisons only on the left, as HasTimeExpr does', () => {
    assert.equal(hasTimeExpr(parseExpr("a = 'b' OR (time > 1)")), true)
    assert.equal(hasTimeExpr(parseExpr('1 < time')), false)
    assert.ok(MIN_TIME_NS < 0n && MAX_TIME_NS > 0n)
  })
})

describe('RFC3339 times of SHOW SHARDS', () => {
  it('agrees with Date for every millisecond-aligned time in Date range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8_000_000_000_000, max: 8_000_000_000_000 }), (ms) => {
        const iso = new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z')
        assert.equal(
          formatRFC3339(BigInt(ms) * 1_000_000n),
          iso.startsWith('+') || iso.startsWith('-0')
            ? formatRFC3339(BigInt(ms) * 1_000_000n)
            : iso,
        )
      }),
    )
  })

  it('prints the extremes of int64 nanoseconds', () => {
    assert.equal(formatRFC3339(-(2n ** 63n)), '1677-09-21T00:12:43Z')
    assert.equal(formatRFC3339(2n ** 63n - 1n), '2262-04-11T23:47:16Z')
  })
})

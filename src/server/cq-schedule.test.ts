import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseStatement } from '../influxql/index.js'
import type { CreateContinuousQueryStatement } from '../influxql/index.js'
import { planRun, scheduleOf, truncateNs, withTimeRange, zoneOffsetNs } from './cq-schedule.js'
import type { CQSchedule } from './cq-schedule.js'
import { formatStatement } from '../influxql/index.js'

const S = 1_000_000_000n
const M = 60n * S
const H = 60n * M

function cq(text: string): CreateContinuousQueryStatement {
  const stmt = parseStatement(text)
  assert.equal(stmt.kind, 'CreateContinuousQueryStatement')
  return stmt as CreateContinuousQueryStatement
}

function schedule(text: string): CQSchedule {
  const s = scheduleOf(cq(text))
  assert.ok(s !== undefined)
  return s
}

const t = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n

describe('continuous query schedule', () => {
  it('reads the interval, the offset modulo the interval and the RESAMPLE options', () => {
    const s = schedule(
      'CREATE CONTINUOUS QUERY c ON db RESAMPLE EVERY 10s FOR 2m BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(1m, 90s) END',
    )
    assert.deepEqual(s, {
      intervalNs: M,
      offsetNs: 30n * S,
      resampleEveryNs: 10n * S,
      resampleForNs: 2n * M,
      location: null,
    })
  })

  it("refuses a raw SELECT with InfluxDB's text", () => {
    assert.throws(
      () =>
        scheduleOf(
          cq('CREATE CONTINUOUS QUERY c ON db BEGIN SELECT v INTO o FROM m GROUP BY time(1m) END'),
        ),
      /continuous queries must be aggregate queries/,
    )
  })

  for (const [d, start, end] of [
    ['10s', '2000-01-01T00:00:00Z', '2000-01-01T00:00:10Z'],
    ['1h', '2000-01-01T00:00:00Z', '2000-01-01T01:00:00Z'],
    ['1d', '2000-01-01T00:00:00Z', '2000-01-02T00:00:00Z'],
    ['1w', '1999-12-30T00:00:00Z', '2000-01-06T00:00:00Z'],
  ] as const) {
    it(`queries the interval that just closed for GROUP BY time(${d}) (weeks start on Thursday, as the epoch)`, () => {
      const s = schedule(
        `CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(${d}) END`,
      )
      const now = t('2000-01-01T00:00:00Z')
      const first = planRun(s, now + 1n, undefined)
      assert.ok(first !== undefined)
      const second = planRun(s, now + s.intervalNs, first.lastRunNs)
      assert.deepEqual(second?.range, { startNs: t(start), endNs: t(end) })
    })
  }

  it('does not run again before RESAMPLE EVERY has passed, then covers RESAMPLE FOR', () => {
    const s = schedule(
      'CREATE CONTINUOUS QUERY c ON db RESAMPLE EVERY 10s FOR 2m BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(1m) END',
    )
    const now = t('2026-01-01T10:00:00Z')
    const r1 = planRun(s, now, undefined)
    assert.deepEqual(r1?.range, { startNs: now - 2n * M, endNs: now })
    assert.equal(planRun(s, now + 5n * S, r1?.lastRunNs), undefined)
    const r2 = planRun(s, now + 10n * S, r1?.lastRunNs)
    assert.deepEqual(r2?.range, { startNs: now - M, endNs: now + M })
    // A fresh start 5 s into the interval: only the last whole interval.
    assert.deepEqual(planRun(s, now + 5n * S, undefined)?.range, { startNs: now - M, endNs: now })
    // Ten minutes later it catches up in one query up to now.
    assert.deepEqual(planRun(s, now + 10n * M, r2?.lastRunNs)?.range, {
      startNs: now - M,
      endNs: now + 10n * M,
    })
  })

  it('with EVERY above the interval, covers EVERY and runs once per EVERY', () => {
    const s = schedule(
      'CREATE CONTINUOUS QUERY c ON db RESAMPLE EVERY 1m BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(30s) END',
    )
    const now = t('2026-01-01T10:00:00Z')
    const r1 = planRun(s, now, undefined)
    assert.deepEqual(r1?.range, { startNs: now - M, endNs: now })
    assert.equal(planRun(s, now + 30n * S, r1?.lastRunNs), undefined)
    assert.deepEqual(planRun(s, now + M, r1?.lastRunNs)?.range, { startNs: now, endNs: now + M })
  })

  it('shifts the windows by the GROUP BY offset', () => {
    const s = schedule(
      'CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(1m, 30s) END',
    )
    const now = t('2026-01-01T10:00:30Z')
    assert.deepEqual(planRun(s, now, undefined)?.range, { startNs: now - M, endNs: now })
  })

  it('starts a fresh CQ in the middle of an interval without querying it', () => {
    const s = schedule(
      'CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(1h) END',
    )
    const now = t('2026-01-01T10:20:00Z')
    const r = planRun(s, now, undefined)
    assert.deepEqual(r, { lastRunNs: t('2026-01-01T10:00:00Z'), range: undefined })
    assert.deepEqual(planRun(s, t('2026-01-01T11:00:01Z'), r?.lastRunNs)?.range, {
      startNs: t('2026-01-01T10:00:00Z'),
      endNs: t('2026-01-01T11:00:00Z'),
    })
  })

  it('truncates in the tz() zone, so daily windows start at local midnight', () => {
    assert.equal(zoneOffsetNs(t('2026-01-15T00:00:00Z'), 'America/New_York'), -5n * H)
    assert.equal(zoneOffsetNs(t('2026-07-15T00:00:00Z'), 'America/New_York'), -4n * H)
    assert.equal(
      truncateNs(t('2026-01-15T12:00:00Z'), 24n * H, 'America/New_York'),
      t('2026-01-15T05:00:00Z'),
    )
    const s = schedule(
      `CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO o FROM m GROUP BY time(1d) tz('Asia/Kolkata') END`,
    )
    assert.deepEqual(planRun(s, t('2026-01-15T18:30:00Z'), undefined)?.range, {
      startNs: t('2026-01-14T18:30:00Z'),
      endNs: t('2026-01-15T18:30:00Z'),
    })
  })

  it('replaces the time conditions of WHERE by the range and fills in the INTO retention policy', () => {
    const c = cq(
      `CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO db..o FROM db.autogen.m WHERE host = 'a' AND time > now() - 1h GROUP BY time(1m) END`,
    )
    const s = withTimeRange(c.source, t('2026-01-01T00:00:00Z'), t('2026-01-01T00:01:00Z'), 'rp1')
    assert.equal(
      formatStatement(s),
      `SELECT mean(v) INTO db.rp1.o FROM db.autogen.m WHERE host = 'a' AND time >= '2026-01-01T00:00:00Z' AND time < '2026-01-01T00:01:00Z' GROUP BY time(1m)`,
    )
  })
})

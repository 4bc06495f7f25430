// RFC3339 flags and Go-style time and duration text.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { FlagError } from './flags.js'
import {
  INT64_MAX,
  INT64_MIN,
  formatDuration,
  formatRFC3339,
  formatRFC3339Nano,
  parseRFC3339,
} from './inspect-time.js'

describe('parseRFC3339', () => {
  it('reads UTC, offsets and fractions to the nanosecond', () => {
    assert.equal(parseRFC3339('2020-01-01T00:00:00Z', 'start'), 1577836800000000000n)
    assert.equal(parseRFC3339('2020-01-01T01:30:00+01:30', 'start'), 1577836800000000000n)
    assert.equal(parseRFC3339('2019-12-31T23:00:00-01:00', 'start'), 1577836800000000000n)
    assert.equal(parseRFC3339('2020-01-01T00:00:00.5Z', 'start'), 1577836800500000000n)
    assert.equal(parseRFC3339('2020-01-01T00:00:00.000000001Z', 'start'), 1577836800000000001n)
    assert.equal(parseRFC3339('1969-12-31T23:59:59.999999999Z', 'start'), -1n)
  })

  it('reaches exactly the int64 bounds and refuses one nanosecond beyond', () => {
    assert.equal(parseRFC3339('1677-09-21T00:12:43.145224192Z', 'start'), INT64_MIN)
    assert.equal(parseRFC3339('2262-04-11T23:47:16.854775807Z', 'end'), INT64_MAX)
    assert.throws(
      () => parseRFC3339('1677-09-21T00:12:43.145224191Z', 'start'),
      /outside the range/,
    )
    assert.throws(() => parseRFC3339('2262-04-11T23:47:16.854775808Z', 'end'), /outside the range/)
    assert.throws(() => parseRFC3339('0050-01-01T00:00:00Z', 'end'), /outside the range/)
  })

  it('throws a FlagError naming the flag for malformed or impossible times', () => {
    for (const bad of [
      '2020-01-01',
      '2020-01-01 00:00:00Z',
      '2020-13-01T00:00:00Z',
      '2021-02-29T00:00:00Z',
      '2020-01-01T24:00:00Z',
      '2020-01-01T00:60:00Z',
      '2020-01-01T00:00:00+25:00',
      '2020-01-01T00:00:00.1234567890Z',
      '',
    ]) {
      assert.throws(
        () => parseRFC3339(bad, 'end'),
        (err: unknown) =>
          err instanceof FlagError && err.code === 'ERR_CLI_FLAG' && err.message.includes('-end'),
        bad,
      )
    }
    assert.equal(parseRFC3339('2020-02-29T00:00:00Z', 'end'), 1582934400000000000n)
  })

  it('reads back what formatRFC3339Nano writes, for every int64 (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (ns) => {
        assert.equal(parseRFC3339(formatRFC3339Nano(ns), 'x'), ns)
      }),
    )
  })
})

describe('time and duration text', () => {
  it('prints RFC3339 in whole seconds (floored) and with the shortest fraction', () => {
    assert.equal(formatRFC3339(INT64_MIN), '1677-09-21T00:12:43Z')
    assert.equal(formatRFC3339(INT64_MAX), '2262-04-11T23:47:16Z')
    assert.equal(formatRFC3339(-1n), '1969-12-31T23:59:59Z')
    assert.equal(formatRFC3339Nano(1577836800500000000n), '2020-01-01T00:00:00.5Z')
    assert.equal(formatRFC3339Nano(1577836800000000000n), '2020-01-01T00:00:00Z')
    assert.equal(formatRFC3339Nano(1577836800000000010n), '2020-01-01T00:00:00.00000001Z')
  })

  it('prints durations as Go does', () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [1n, '1ns'],
      [1500n, '1.5µs'],
      [1_500_000n, '1.5ms'],
      [1_500_000_000n, '1.5s'],
      [90_000_000_000n, '1m30s'],
      [86_400_000_000_000n, '24h0m0s'],
      [3_661_500_000_000n, '1h1m1.5s'],
      [-2_000_000_000n, '-2s'],
      [1_299_000_000_000n, '21m39s'],
    ]
    for (const [ns, text] of cases) assert.equal(formatDuration(ns), text)
  })
})

describe('formatRFC3339Local', () => {
  it("prints as Go's time.Unix(0, ns).Format(time.RFC3339) in the process's time zone", () => {
    // Go 1.x's output for each zone (the export header of influx_inspect shows these), local mean
    // time of 1677 included.
    const want: Record<string, string> = {
      'America/New_York':
        '1677-09-20T19:16:41-04:56 2262-04-11T19:47:16-04:00 2026-11-26T08:01:00-05:00',
      'Asia/Kolkata':
        '1677-09-21T06:06:11+05:53 2262-04-12T05:17:16+05:30 2026-11-26T18:31:00+05:30',
      UTC: '1677-09-21T00:12:43Z 2262-04-11T23:47:16Z 2026-11-26T13:01:00Z',
      'Europe/London': '1677-09-21T00:11:28-00:01 2262-04-12T00:47:16+01:00 2026-11-26T13:01:00Z',
    }
    const module = new URL('./inspect-time.js', import.meta.url).href
    for (const [tz, line] of Object.entries(want)) {
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(module)}); console.log([-(2n ** 63n), 2n ** 63n - 1n, 1795698060000000000n].map(m.formatRFC3339Local).join(' '))`,
        ],
        { env: { ...process.env, TZ: tz }, encoding: 'utf8' },
      )
      assert.equal(r.stdout.trim(), line, `${tz}: ${r.stderr}`)
    }
  })
})

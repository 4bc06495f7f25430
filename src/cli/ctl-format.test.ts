import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatGoDuration, parseRFC3339Nano } from './ctl-format.js'

describe('formatGoDuration', () => {
  it('writes durations as Go prints them', () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [999n, '999ns'],
      [1500n, '1.5µs'],
      [903_539_567n, '903.539567ms'],
      [33_000_000n, '33ms'],
      [1_293_710_883n, '1.293710883s'],
      [62_500_000_000n, '1m2.5s'],
      [3_600_000_000_000n, '1h0m0s'],
    ]
    for (const [ns, want] of cases) assert.equal(formatGoDuration(ns), want)
  })
})

describe('parseRFC3339Nano', () => {
  it('reads UTC and offset times to the nanosecond', () => {
    assert.equal(parseRFC3339Nano('1970-01-01T00:00:01Z'), 1_000_000_000n)
    assert.equal(parseRFC3339Nano('1970-01-01T00:00:00.000000123Z'), 123n)
    assert.equal(parseRFC3339Nano('1970-01-01T01:00:00+01:00'), 0n)
  })
  it('refuses what is not RFC3339', () => {
    assert.equal(parseRFC3339Nano('2022-01-01T012:00:00Z'), undefined)
    assert.equal(parseRFC3339Nano('yesterday'), undefined)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatGoDuration } from './ctl-format.js'

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

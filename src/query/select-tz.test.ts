import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { windowStartIn, zoneOffsetSeconds } from './select-tz.js'

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n
const DAY = 86_400_000_000_000n

describe('time zones', () => {
  it('reads UTC offsets of a zone in winter and summer, including half hours', () => {
    assert.equal(zoneOffsetSeconds('Europe/Paris', ns('2021-01-10T12:00:00Z')), 3600)
    assert.equal(zoneOffsetSeconds('Europe/Paris', ns('2021-07-10T12:00:00Z')), 7200)
    assert.equal(zoneOffsetSeconds('Asia/Kolkata', ns('2021-07-10T12:00:00Z')), 19800)
    assert.equal(zoneOffsetSeconds(null, ns('2021-07-10T12:00:00Z')), 0)
  })

  it('aligns daily windows to local midnight', () => {
    const iv = { durationNs: DAY, offsetNs: 0n }
    assert.equal(
      windowStartIn(ns('2021-03-05T10:00:00Z'), iv, 'Europe/Paris'),
      ns('2021-03-04T23:00:00Z'),
    )
    assert.equal(
      windowStartIn(ns('2021-03-05T23:30:00Z'), iv, 'Europe/Paris'),
      ns('2021-03-05T23:00:00Z'),
    )
    assert.equal(windowStartIn(ns('2021-03-05T10:00:00Z'), iv, null), ns('2021-03-05T00:00:00Z'))
  })
})

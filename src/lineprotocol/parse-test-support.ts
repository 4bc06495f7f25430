// Helpers shared by the line protocol parser tests.
import assert from 'node:assert/strict'
import { parsePoints } from './index.js'
import type { ParseOptions, ParseResult, Point } from './index.js'

const enc = new TextEncoder()

/** The time the tests give points without a timestamp. */
export const TEST_NOW = 1_234_567_890_123_456_789n

/** InfluxDB's reason for a timestamp outside the int64 range it accepts. */
export const RANGE = 'time outside range -9223372036854775806 - 9223372036854775806'

/** Parses `text` with a fixed "now". */
export function parse(text: string, opts: ParseOptions = {}): ParseResult {
  return parsePoints(enc.encode(text), { now: TEST_NOW, ...opts })
}

/** The single reason a one-line body fails with. */
export function reasonOf(text: string, opts: ParseOptions = {}): string {
  const r = parse(text, opts)
  assert.equal(r.points.length, 0, `expected ${JSON.stringify(text)} to fail`)
  assert.equal(r.errors.length, 1)
  return r.errors[0]?.reason ?? ''
}

/** The single point a one-line body parses to (failing on any error). */
export function onlyPoint(text: string, opts: ParseOptions = {}): Point {
  const r = parse(text, opts)
  assert.deepEqual(
    r.errors.map((e) => e.reason),
    [],
  )
  assert.equal(r.points.length, 1)
  const p = r.points[0]
  assert.ok(p !== undefined)
  return p
}

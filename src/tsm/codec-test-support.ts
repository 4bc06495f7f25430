// Helpers shared by the codec tests (not used by the codecs): hex conversion, an error matcher for
// TSMCodecError, and array comparisons that name the first differing index. node:assert's deepEqual
// builds a diff of the whole array when it fails, which for thousands of values takes minutes; these
// fail fast with a short message instead.

import assert from 'node:assert/strict'
import type { Values } from '../lineprotocol/index.js'
import { TSMCodecError } from './codec-errors.js'

/** Lower-case hex of `b`. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex')
}

/** The bytes of a hex string; whitespace is ignored. */
export function bytes(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'))
}

/**
 * A predicate for assert.throws: a TSMCodecError (ERR_TSM_CORRUPT_BLOCK) from `codec`, at `offset`
 * and with a reason matching `reason` when those are given.
 */
export function corrupt(codec: string, offset?: number, reason?: RegExp): (e: unknown) => boolean {
  return (e: unknown) =>
    e instanceof TSMCodecError &&
    e.code === 'ERR_TSM_CORRUPT_BLOCK' &&
    e.fields.codec === codec &&
    (offset === undefined || e.offset === offset) &&
    (reason === undefined || reason.test(e.reason))
}

/** Asserts equal length and Object.is-equal elements, naming the first difference. */
export function sameValues<T>(actual: ArrayLike<T>, expected: ArrayLike<T>, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length`)
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(`${what}[${i}]: got ${String(actual[i])}, want ${String(expected[i])}`)
    }
  }
}

/** Asserts two blocks' values are equal: kind, times and values (floats compared by bits). */
export function sameBlock(actual: Values, expected: Values): void {
  assert.equal(actual.kind, expected.kind)
  sameValues(actual.times, expected.times, 'times')
  if (actual.values instanceof Float64Array && expected.values instanceof Float64Array) {
    sameValues(floatBits(actual.values), floatBits(expected.values))
  } else {
    sameValues<unknown>(actual.values, expected.values)
  }
}

/** The raw bits of each float, so −0, +0 and every payload compare exactly. */
export function floatBits(a: Float64Array): BigUint64Array {
  return new BigUint64Array(a.buffer, a.byteOffset, a.length)
}

/**
 * fast-check parameters for properties over large arrays: shrinking a failure among thousands of
 * values can take minutes, so a run stops after 15 s and reports the smallest failure found so far.
 */
export const LARGE_PROPERTY = { interruptAfterTimeLimit: 15_000 } as const

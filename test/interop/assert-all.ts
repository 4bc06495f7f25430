// Compares several labelled (actual, expected) pairs and fails once with every difference, so a
// broken interop case shows all the statements it gets wrong, not only the first.

import assert from 'node:assert/strict'

/** One labelled comparison: `[label, actual, expected]`. */
export type Comparison = readonly [label: string, actual: unknown, expected: unknown]

/**
 * Runs `assert.deepStrictEqual` on every pair and throws one AssertionError that lists the
 * labels and diffs of all pairs that differ (none: returns normally).
 */
export function assertAllDeepEqual(comparisons: readonly Comparison[]): void {
  const failures: string[] = []
  for (const [label, actual, expected] of comparisons) {
    try {
      assert.deepStrictEqual(actual, expected)
    } catch (err) {
      if (!(err instanceof assert.AssertionError)) throw err
      failures.push(`--- ${label}\n${err.message}`)
    }
  }
  if (failures.length > 0) {
    throw new assert.AssertionError({
      message: `${failures.length} of ${comparisons.length} answers differ:\n${failures.join('\n')}`,
    })
  }
}

// The union of one key's values across the replicas of a shard, and what each replica lacks of
// it: the heart of an anti-entropy repair.
//
// Rule for one timestamp held with different values by several replicas: the value most replicas
// hold wins; on a tie, the greatest value wins (numbers by value, booleans true > false, strings by
// UTF-16 code units). The rule depends only on the values, never on which node answered first or
// on file layout, so every node that repairs the shard picks the same value and repairs converge.
// Points are only added or overwritten, never deleted: a point any replica holds ends up on all.

import { valueAt } from '../engine/index.js'
import type { Values } from '../lineprotocol/index.js'

type Scalar = number | bigint | boolean | string

function same(a: Scalar, b: Scalar): boolean {
  // Object.is tells 0 from -0 and treats NaN as equal to itself, like comparing the stored bits.
  return Object.is(a, b)
}

function greater(a: Scalar, b: Scalar): boolean {
  return a > b
}

/** Builds a Values of `kind` from parallel arrays. */
function build(kind: Values['kind'], times: bigint[], values: Scalar[]): Values {
  const t = BigInt64Array.from(times)
  switch (kind) {
    case 'float':
      return { kind, times: t, values: Float64Array.from(values as number[]) }
    case 'integer':
      return { kind, times: t, values: BigInt64Array.from(values as bigint[]) }
    case 'unsigned':
      return { kind, times: t, values: BigUint64Array.from(values as bigint[]) }
    case 'boolean':
      return { kind, times: t, values: Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0)) }
    case 'string':
      return { kind, times: t, values: values as string[] }
    default: {
      const never: never = kind
      return never
    }
  }
}

/** The outcome of merging one key across replicas. */
export interface KeyMerge {
  /** Every replica's points together, one value per time (the rule above), ascending. */
  readonly union: Values
  /** Per replica (same order as the input): the points it must be written to hold `union`. */
  readonly missing: readonly (Values | undefined)[]
}

/**
 * Merges one key's values held by several replicas (`undefined`: the replica lacks the key).
 * Each Values must be ascending by time with unique times. Returns undefined when no replica holds
 * a value. Throws when the replicas disagree on the field's type (that conflict is not repaired).
 */
export function mergeReplicas(replicas: readonly (Values | undefined)[]): KeyMerge | undefined {
  const present = replicas.filter((v): v is Values => v !== undefined && v.times.length > 0)
  const first = present[0]
  if (first === undefined) return undefined
  const kind = first.kind
  for (const v of present)
    if (v.kind !== kind)
      throw new TypeError(`the replicas hold the key as ${kind} and as ${v.kind}`)
  const n = replicas.length
  const pos = new Array<number>(n).fill(0)
  const unionTimes: bigint[] = []
  const unionValues: Scalar[] = []
  const missTimes: bigint[][] = replicas.map(() => [])
  const missValues: Scalar[][] = replicas.map(() => [])
  const held: (Scalar | undefined)[] = new Array<Scalar | undefined>(n)
  for (;;) {
    // The smallest time not yet consumed by any replica.
    let t: bigint | undefined
    for (let r = 0; r < n; r++) {
      const v = replicas[r]
      const i = pos[r] ?? 0
      if (v === undefined || i >= v.times.length) continue
      const ti = v.times[i] ?? 0n
      if (t === undefined || ti < t) t = ti
    }
    if (t === undefined) break
    for (let r = 0; r < n; r++) {
      const v = replicas[r]
      const i = pos[r] ?? 0
      held[r] = undefined
      if (v !== undefined && i < v.times.length && v.times[i] === t) {
        held[r] = valueAt(v, i)
        pos[r] = i + 1
      }
    }
    const chosen = choose(held)
    unionTimes.push(t)
    unionValues.push(chosen)
    for (let r = 0; r < n; r++) {
      const h = held[r]
      if (h === undefined || !same(h, chosen)) {
        missTimes[r]?.push(t)
        missValues[r]?.push(chosen)
      }
    }
  }
  return {
    union: build(kind, unionTimes, unionValues),
    missing: missTimes.map((times, r) =>
      times.length === 0 ? undefined : build(kind, times, missValues[r] ?? []),
    ),
  }
}

/** The majority value among `held` (undefined entries skipped); ties go to the greatest. */
function choose(held: readonly (Scalar | undefined)[]): Scalar {
  let best: Scalar | undefined
  let bestVotes = 0
  for (let i = 0; i < held.length; i++) {
    const a = held[i]
    if (a === undefined) continue
    let votes = 0
    for (const b of held) if (b !== undefined && same(a, b)) votes++
    if (best === undefined || votes > bestVotes || (votes === bestVotes && greater(a, best))) {
      best = a
      bestVotes = votes
    }
  }
  if (best === undefined) throw new Error('no replica holds the time')
  return best
}

// Unit tests of goSort: it sorts, and it leaves equal elements in exactly the order Go 1.19's
// sort.Sort leaves them. The golden hashes come from running sort.Sort (go1.19.8, the version
// that built influxd 1.6.7) over the same generated inputs: a Less on `v` only, then the FNV-1a
// hash of the resulting `id` order.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { goSort } from './go-sort.js'

interface Item {
  readonly v: number
  readonly id: number
}

/** The Go generator's inputs: kind 0 LCG values mod `mod`, 1 decreasing, 2 sawtooth, 3 interleaved. */
function gen(n: number, mod: number, kind: number): Item[] {
  const out: Item[] = []
  let s = (12345 + n * 7 + mod) >>> 0
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const v =
      kind === 0
        ? (s >>> 8) % mod
        : kind === 1
          ? n - k
          : kind === 2
            ? k % mod
            : k % 2 === 0
              ? k
              : n - k
    out.push({ v, id: k })
  }
  return out
}

function fnv(items: readonly Item[]): number {
  let h = 2166136261
  for (const it of items) h = Math.imul(h ^ it.id, 16777619) >>> 0
  return h
}

const GOLDEN: readonly [number, number, number, number][] = [
  [13, 3, 0, 0x7e56302b],
  [20, 2, 0, 0x08b40053],
  [49, 5, 0, 0xb10751e5],
  [50, 5, 0, 0x63927602],
  [64, 4, 0, 0xa30fd41f],
  [100, 7, 0, 0x1830d15b],
  [300, 10, 0, 0x8ef52f4f],
  [1000, 3, 0, 0x3aaacd2f],
  [1000, 1000000, 0, 0xdda67a73],
  [200, 0, 1, 0xfb03f0d5],
  [500, 9, 2, 0x506279d7],
  [400, 0, 3, 0x9ad43d45],
  [5000, 50, 0, 0xbcd413a9],
]

const byV = (a: Item, b: Item): boolean => a.v < b.v

describe('goSort (Go 1.19 sort.Sort)', () => {
  for (const [n, mod, kind, hash] of GOLDEN) {
    it(`orders ${n} elements (generator ${kind}, mod ${mod}) with ties exactly as Go does`, () => {
      const a = gen(n, mod, kind)
      goSort(a, byV)
      assert.equal(fnv(a).toString(16), hash.toString(16))
    })
  }

  it('sorts any array of numbers ascending and keeps its elements', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 400 }), (xs) => {
        const a = xs.map((v, id) => ({ v, id }))
        goSort(a, byV)
        for (let k = 1; k < a.length; k++) assert.ok((a[k - 1]?.v ?? 0) <= (a[k]?.v ?? 0))
        assert.deepEqual(
          a.map((x) => x.id).sort((x, y) => x - y),
          xs.map((_, id) => id),
        )
      }),
    )
  })

  it('is stable for 12 elements or fewer (insertion sort), as Go is', () => {
    const a = gen(12, 2, 0)
    goSort(a, byV)
    for (let k = 1; k < a.length; k++) {
      const p = a[k - 1]
      const q = a[k]
      assert.ok(p !== undefined && q !== undefined)
      if (p.v === q.v) assert.ok(p.id < q.id)
    }
  })
})

// Merges a tag set's point lists (per shard, per series; each ascending by time) into one list in
// time order, keeping the lists' order among equal times: exactly what a stable sort of their
// concatenation gives (the order the library's reducers rely on for ties). Bottom-up merging of
// the lists as runs, on an index permutation with the times as int64 halves in typed arrays: a
// few numeric comparisons per point per level, no comparator calls, no BigInt comparisons.

import type { InputPoint } from './functions/index.js'

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const LO = LITTLE_ENDIAN ? 0 : 1
const HI = LITTLE_ENDIAN ? 1 : 0

/** Lists whose times are already known as an int64 array (cursorPoints registers them). */
const knownTimes = new WeakMap<readonly InputPoint[], BigInt64Array>()

/** Records the times of `list` (ascending, one per point) so that mergeByTime need not read them from the points. */
export function registerTimes(list: readonly InputPoint[], times: BigInt64Array): void {
  if (times.length === list.length) knownTimes.set(list, times)
}

/**
 * The times of `list` as int64 halves: `hi` (signed) and `lo` (unsigned), so that comparing two
 * times is two number comparisons instead of a BigInt comparison.
 */
export function timeHalves(list: readonly InputPoint[]): { hi: Int32Array; lo: Uint32Array } {
  const n = list.length
  let times = knownTimes.get(list)
  if (times === undefined) {
    times = new BigInt64Array(n)
    for (let i = 0; i < n; i++) times[i] = (list[i] as InputPoint).time
  }
  const halves = new Uint32Array(times.buffer, times.byteOffset, 2 * n)
  const lo = new Uint32Array(n)
  const hi = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    lo[i] = halves[2 * i + LO] as number
    hi[i] = (halves[2 * i + HI] as number) | 0
  }
  return { hi, lo }
}

function ascending(list: readonly InputPoint[]): boolean {
  if (knownTimes.has(list)) return true
  for (let i = 1; i < list.length; i++)
    if ((list[i - 1] as InputPoint).time > (list[i] as InputPoint).time) return false
  return true
}

/** The points of `lists` (in order) stably sorted by time. */
export function mergeByTime(lists: readonly (readonly InputPoint[])[]): InputPoint[] {
  const live = lists.filter((l) => l.length > 0)
  if (live.length === 0) return []
  if (live.length === 1) return [...(live[0] as readonly InputPoint[])]
  if (!live.every(ascending))
    return live.flat().sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
  // (Array.prototype.flat is several times slower than these loops on millions of points.)
  let n = 0
  for (const l of live) n += l.length
  const times = new BigInt64Array(n)
  let at = 0
  for (const l of live) {
    const known = knownTimes.get(l)
    if (known !== undefined) {
      times.set(known, at)
      at += known.length
    } else for (let i = 0; i < l.length; i++) times[at++] = (l[i] as InputPoint).time
  }
  const halves = new Uint32Array(times.buffer)
  const lo = new Uint32Array(n)
  const hi = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    lo[i] = halves[2 * i + LO] as number
    hi[i] = (halves[2 * i + HI] as number) | 0
  }
  // Run boundaries: the lists.
  let bounds: number[] = [0]
  for (const l of live) bounds.push((bounds[bounds.length - 1] as number) + l.length)
  let perm = new Uint32Array(n)
  for (let i = 0; i < n; i++) perm[i] = i
  let tmp = new Uint32Array(n)
  while (bounds.length > 2) {
    const next: number[] = [0]
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const a0 = bounds[r] as number
      const a1 = bounds[r + 1] as number
      const b1 = r + 2 < bounds.length ? (bounds[r + 2] as number) : a1
      let i = a0
      let j = a1
      let o = a0
      while (i < a1 && j < b1) {
        const x = perm[i] as number
        const y = perm[j] as number
        const xh = hi[x] as number
        const yh = hi[y] as number
        // Take from the right run only when strictly earlier (stability).
        if (yh < xh || (yh === xh && (lo[y] as number) < (lo[x] as number))) {
          tmp[o++] = y
          j++
        } else {
          tmp[o++] = x
          i++
        }
      }
      while (i < a1) tmp[o++] = perm[i++] as number
      while (j < b1) tmp[o++] = perm[j++] as number
      next.push(b1)
    }
    bounds = next
    const t = perm
    perm = tmp
    tmp = t
  }
  // From a merged index back to its list and position.
  const listOf = new Uint32Array(n)
  const starts: number[] = []
  at = 0
  for (let k = 0; k < live.length; k++) {
    starts.push(at)
    const len = (live[k] as readonly InputPoint[]).length
    listOf.fill(k, at, at + len)
    at += len
  }
  const out: InputPoint[] = []
  for (let i = 0; i < n; i++) {
    const x = perm[i] as number
    const k = listOf[x] as number
    out.push((live[k] as readonly InputPoint[])[x - (starts[k] as number)] as InputPoint)
  }
  return out
}

// count, sum, mean, min, max, first and last of one series of one shard straight from a key
// cursor: each chunk of typed values is cut into windows by binary search on its times, and each
// window is reduced in a plain loop over the typed array: no point objects, no BigInt per value.
// The results are the Partials select-partial.ts's seriesPartials gives for the same points in
// the same read order (sums add in read order from 0; integers sum exactly and wrap as int64;
// min/max keep the earlier point on ties; first/last the earliest/latest), so combining them per
// shard and across shards stays bit-for-bit InfluxDB's.

import { type KeyCursor, valueAt } from '../engine/index.js'
import type { Values } from '../lineprotocol/index.js'
import type { OutputPoint, ValueType } from './functions/index.js'
import type { Partial } from './select-partial.js'

/** The calls this module reduces. */
export type FastCall = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'first' | 'last'

const FAST: ReadonlySet<string> = new Set(['count', 'sum', 'mean', 'min', 'max', 'first', 'last'])

/** Whether `name` over `type` has a fast reduction. */
export function isFastCall(name: string, type: ValueType): name is FastCall {
  if (!FAST.has(name)) return false
  if (
    (name === 'sum' || name === 'mean') &&
    type !== 'float' &&
    type !== 'integer' &&
    type !== 'unsigned'
  )
    return false
  if ((name === 'min' || name === 'max') && type === 'string') return false
  return true
}

const NO_AUX: readonly never[] = Object.freeze([])
/** Integer sums are moved from the two float halves into a BigInt before they could lose precision. */
const FLUSH_EVERY = 1 << 20
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The running reduction of one window. */
class WindowState {
  n = 0
  fsum = 0
  hiSum = 0
  loSum = 0
  pending = 0
  big = 0n
  /** The selected point: its chunk and index. */
  best: Values | undefined
  bestAt = 0
  bestF = 0
  bestHi = 0
  bestLo = 0

  reset(): void {
    this.n = 0
    this.fsum = 0
    this.hiSum = 0
    this.loSum = 0
    this.pending = 0
    this.big = 0n
    this.best = undefined
  }
}

/** 32-bit halves of an int64/uint64 column (hi signed for int64, unsigned for uint64). */
function halves(v: Values): { hi: Int32Array | Uint32Array; lo: Uint32Array } | undefined {
  if (v.kind !== 'integer' && v.kind !== 'unsigned') return undefined
  const a = v.values
  if (!LITTLE_ENDIAN) return undefined
  const lo = new Uint32Array(a.buffer, a.byteOffset, a.length * 2)
  const hi = v.kind === 'integer' ? new Int32Array(a.buffer, a.byteOffset, a.length * 2) : lo
  return { hi, lo }
}

/**
 * Reduces one series' values from `cursor` (in the cursor's order) into one Partial per window.
 * `windowOf` maps a time to its window. Also reports the earliest and latest time seen.
 */
export async function fastSeriesPartials(
  call: FastCall,
  type: ValueType,
  cursor: KeyCursor,
  windowOf: (t: bigint) => bigint,
  addPoints: ((n: number) => void) | undefined,
): Promise<{ partials: Partial[]; lo: bigint | undefined; hi: bigint | undefined }> {
  const asc = cursor.ascending
  const out: Partial[] = []
  const st = new WindowState()
  let window: bigint | undefined
  let lo: bigint | undefined
  let hi: bigint | undefined
  const finish = (): void => {
    if (window === undefined || st.n === 0) return
    let point: OutputPoint
    switch (call) {
      case 'count':
        point = { time: window, value: BigInt(st.n), aux: NO_AUX }
        break
      case 'sum':
      case 'mean': {
        if (type === 'float') {
          point = { time: window, value: call === 'mean' ? st.fsum / st.n : st.fsum, aux: NO_AUX }
        } else {
          const total = st.big + BigInt(st.hiSum) * 4294967296n + BigInt(st.loSum)
          const wrapped = type === 'unsigned' ? BigInt.asUintN(64, total) : BigInt.asIntN(64, total)
          point = {
            time: window,
            value: call === 'mean' ? Number(wrapped) / st.n : wrapped,
            aux: NO_AUX,
          }
        }
        break
      }
      default: {
        const b = st.best
        if (b === undefined) return
        point = { time: b.times[st.bestAt] ?? 0n, value: valueAt(b, st.bestAt), aux: NO_AUX }
      }
    }
    out.push({ window, point, count: st.n })
    st.reset()
  }
  try {
    for (;;) {
      const v = await cursor.next()
      if (v === undefined) break
      const times = v.times
      const n = times.length
      if (n === 0) continue
      addPoints?.(n)
      const t0 = times[0] ?? 0n
      const t1 = times[n - 1] ?? 0n
      const first = asc ? t0 : t1
      const last = asc ? t1 : t0
      if (lo === undefined || first < lo) lo = first
      if (hi === undefined || last > hi) hi = last
      const h =
        call === 'sum' || call === 'mean' || call === 'min' || call === 'max'
          ? halves(v)
          : undefined
      let i = 0
      while (i < n) {
        const w = windowOf(times[i] ?? 0n)
        if (w !== window) {
          finish()
          window = w
        }
        // The run of this window in the chunk: window(t) is monotonic in the cursor's order.
        let a = i + 1
        let b = n
        if (windowOf(t1) === w) a = n
        else {
          while (a < b) {
            const m = (a + b) >>> 1
            if (windowOf(times[m] ?? 0n) === w) a = m + 1
            else b = m
          }
        }
        reduceRun(call, type, v, h, i, a, asc, st)
        i = a
      }
    }
    finish()
  } finally {
    await cursor.close()
  }
  return { partials: out, lo, hi }
}

/** Adds values [from, to) of chunk `v` (whose index order is the read order) to the window's state. */
function reduceRun(
  call: FastCall,
  type: ValueType,
  v: Values,
  h: { hi: Int32Array | Uint32Array; lo: Uint32Array } | undefined,
  from: number,
  to: number,
  asc: boolean,
  st: WindowState,
): void {
  const count = to - from
  switch (call) {
    case 'count':
      st.n += count
      return
    case 'first':
    case 'last': {
      // Times are unique within a series: first is the earliest point, last the latest.
      const earliest = asc ? from : to - 1
      const latest = asc ? to - 1 : from
      const at = call === 'first' ? earliest : latest
      const t = v.times[at] ?? 0n
      const cur = st.best === undefined ? undefined : (st.best.times[st.bestAt] ?? 0n)
      if (cur === undefined || (call === 'first' ? t < cur : t > cur)) {
        st.best = v
        st.bestAt = at
      }
      st.n += count
      return
    }
    case 'sum':
    case 'mean': {
      if (type === 'float' && v.kind === 'float') {
        const a = v.values
        let s = st.fsum
        for (let i = from; i < to; i++) s += a[i] as number
        st.fsum = s
        st.n += count
        return
      }
      if (h !== undefined) {
        let hs = st.hiSum
        let ls = st.loSum
        for (let i = from; i < to; i++) {
          hs += h.hi[2 * i + 1] as number
          ls += h.lo[2 * i] as number
          if (++st.pending >= FLUSH_EVERY) {
            st.big += BigInt(hs) * 4294967296n + BigInt(ls)
            hs = 0
            ls = 0
            st.pending = 0
          }
        }
        st.hiSum = hs
        st.loSum = ls
        st.n += count
        return
      }
      // Big-endian machines: BigInt sums.
      const a = v.values as BigInt64Array
      for (let i = from; i < to; i++) st.big += a[i] ?? 0n
      st.n += count
      return
    }
    case 'min':
    case 'max': {
      const isMax = call === 'max'
      // The chunk is in read order; a later-read point wins a tie only when reading backwards
      // (it is then the earlier point).
      const step = 1
      const start = from
      const end = to
      if (v.kind === 'float' || v.kind === 'boolean') {
        const a = v.values
        let bestF = st.best === undefined ? Number.NaN : st.bestF
        let bestAt = -1
        for (let i = start; i !== end; i += step) {
          const x = a[i] as number
          if (bestAt < 0 && st.best === undefined) {
            bestF = x
            bestAt = i
            continue
          }
          if (isMax ? x > bestF || (!asc && x === bestF) : x < bestF || (!asc && x === bestF)) {
            bestF = x
            bestAt = i
          }
        }
        if (bestAt >= 0) {
          st.best = v
          st.bestAt = bestAt
          st.bestF = bestF
        }
        st.n += count
        return
      }
      if (h !== undefined) {
        let bh = st.bestHi
        let bl = st.bestLo
        let bestAt = -1
        for (let i = start; i !== end; i += step) {
          const xh = h.hi[2 * i + 1] as number
          const xl = h.lo[2 * i] as number
          if (bestAt < 0 && st.best === undefined) {
            bh = xh
            bl = xl
            bestAt = i
            continue
          }
          const c = xh !== bh ? xh - bh : xl - bl
          if (isMax ? c > 0 || (!asc && c === 0) : c < 0 || (!asc && c === 0)) {
            bh = xh
            bl = xl
            bestAt = i
          }
        }
        if (bestAt >= 0) {
          st.best = v
          st.bestAt = bestAt
          st.bestHi = bh
          st.bestLo = bl
        }
        st.n += count
        return
      }
      const a = v.values as BigInt64Array
      for (let i = start; i !== end; i += step) {
        const x = a[i] ?? 0n
        const cur =
          st.best === undefined ? undefined : ((st.best.values as BigInt64Array)[st.bestAt] ?? 0n)
        if (
          cur === undefined ||
          (isMax ? x > cur || (!asc && x === cur) : x < cur || (!asc && x === cur))
        ) {
          st.best = v
          st.bestAt = i
        }
      }
      st.n += count
      return
    }
  }
}

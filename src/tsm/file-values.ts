// Columnar operations on `Values` that the TSM writer and reader need: slicing a series into
// blocks, checking time order, concatenating decoded blocks, removing tombstoned time ranges and
// resolving overlapping blocks (later block wins on equal timestamps). Time comparisons in the
// hot loops read the int64 timestamps as two 32-bit halves, which avoids allocating a BigInt per
// value.

import type { FieldType, Values } from '../lineprotocol/index.js'

/** An inclusive time range in nanoseconds. */
export interface TimeRange {
  readonly min: bigint
  readonly max: bigint
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Empty values of a kind. */
export function emptyValues(kind: FieldType): Values {
  const times = new BigInt64Array(0)
  switch (kind) {
    case 'float':
      return { kind, times, values: new Float64Array(0) }
    case 'integer':
      return { kind, times, values: new BigInt64Array(0) }
    case 'unsigned':
      return { kind, times, values: new BigUint64Array(0) }
    case 'boolean':
      return { kind, times, values: new Uint8Array(0) }
    case 'string':
      return { kind, times, values: [] }
    default: {
      const never: never = kind
      throw new TypeError(`unknown field type ${String(never)}`)
    }
  }
}

/** Values `start` … `end − 1` of `v`; typed arrays are views, strings are copied. */
export function sliceValues(v: Values, start: number, end: number): Values {
  const times = v.times.subarray(start, end)
  switch (v.kind) {
    case 'float':
      return { kind: v.kind, times, values: v.values.subarray(start, end) }
    case 'integer':
      return { kind: v.kind, times, values: v.values.subarray(start, end) }
    case 'unsigned':
      return { kind: v.kind, times, values: v.values.subarray(start, end) }
    case 'boolean':
      return { kind: v.kind, times, values: v.values.subarray(start, end) }
    case 'string':
      return { kind: v.kind, times, values: v.values.slice(start, end) }
    default: {
      const never: never = v
      throw new TypeError(`unknown values ${String(never)}`)
    }
  }
}

/**
 * The first index i ≥ 1 with times[i] ≤ times[i−1], or −1 when `times` strictly increases.
 */
export function firstUnorderedIndex(times: BigInt64Array): number {
  const n = times.length
  if (n < 2) return -1
  if (LITTLE_ENDIAN) {
    const u = new Uint32Array(times.buffer, times.byteOffset, n * 2)
    const s = new Int32Array(times.buffer, times.byteOffset, n * 2)
    let prevHi = s[1] ?? 0
    let prevLo = u[0] ?? 0
    for (let i = 1; i < n; i++) {
      const hi = s[2 * i + 1] ?? 0
      const lo = u[2 * i] ?? 0
      if (hi < prevHi || (hi === prevHi && lo <= prevLo)) return i
      prevHi = hi
      prevLo = lo
    }
    return -1
  }
  for (let i = 1; i < n; i++) {
    if ((times[i] ?? 0n) <= (times[i - 1] ?? 0n)) return i
  }
  return -1
}

type ValuesOf<K extends FieldType> = Extract<Values, { readonly kind: K }>

function partsOf<K extends FieldType>(parts: readonly Values[], kind: K): ValuesOf<K>[] {
  const out = parts.filter((p): p is ValuesOf<K> => p.kind === kind)
  if (out.length !== parts.length) {
    throw new TypeError(`cannot concatenate values of mixed kinds into ${kind}`)
  }
  return out
}

function join<A extends { readonly length: number; set(a: A, offset: number): void }>(
  out: A,
  arrays: readonly A[],
): A {
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}

/** Concatenates values of one kind in the order given (throws TypeError on mixed kinds). */
export function concatValues(kind: FieldType, parts: readonly Values[]): Values {
  const only = parts[0]
  if (parts.length === 1 && only !== undefined && only.kind === kind) return only
  let total = 0
  for (const p of parts) total += p.times.length
  const times = join(
    new BigInt64Array(total),
    parts.map((p) => p.times),
  )
  switch (kind) {
    case 'float':
      return {
        kind,
        times,
        values: join(
          new Float64Array(total),
          partsOf(parts, kind).map((p) => p.values),
        ),
      }
    case 'integer':
      return {
        kind,
        times,
        values: join(
          new BigInt64Array(total),
          partsOf(parts, kind).map((p) => p.values),
        ),
      }
    case 'unsigned':
      return {
        kind,
        times,
        values: join(
          new BigUint64Array(total),
          partsOf(parts, kind).map((p) => p.values),
        ),
      }
    case 'boolean':
      return {
        kind,
        times,
        values: join(
          new Uint8Array(total),
          partsOf(parts, kind).map((p) => p.values),
        ),
      }
    case 'string': {
      const values: string[] = []
      for (const p of partsOf(parts, kind)) for (const s of p.values) values.push(s)
      return { kind, times, values }
    }
    default: {
      const never: never = kind
      throw new TypeError(`unknown field type ${String(never)}`)
    }
  }
}

/** The values of `v` at positions `idx[0 … count−1]`, in that order. */
export function gatherValues(v: Values, idx: Uint32Array, count: number): Values {
  const times = new BigInt64Array(count)
  for (let i = 0; i < count; i++) times[i] = v.times[idx[i] ?? 0] ?? 0n
  switch (v.kind) {
    case 'float': {
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) out[i] = v.values[idx[i] ?? 0] ?? 0
      return { kind: v.kind, times, values: out }
    }
    case 'integer': {
      const out = new BigInt64Array(count)
      for (let i = 0; i < count; i++) out[i] = v.values[idx[i] ?? 0] ?? 0n
      return { kind: v.kind, times, values: out }
    }
    case 'unsigned': {
      const out = new BigUint64Array(count)
      for (let i = 0; i < count; i++) out[i] = v.values[idx[i] ?? 0] ?? 0n
      return { kind: v.kind, times, values: out }
    }
    case 'boolean': {
      const out = new Uint8Array(count)
      for (let i = 0; i < count; i++) out[i] = v.values[idx[i] ?? 0] ?? 0
      return { kind: v.kind, times, values: out }
    }
    case 'string': {
      const out = new Array<string>(count)
      for (let i = 0; i < count; i++) out[i] = v.values[idx[i] ?? 0] ?? ''
      return { kind: v.kind, times, values: out }
    }
    default: {
      const never: never = v
      throw new TypeError(`unknown values ${String(never)}`)
    }
  }
}

/** The first index whose time is ≥ t (times sorted ascending). */
function lowerBound(times: BigInt64Array, t: bigint): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((times[mid] ?? 0n) < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `v` (sorted by time) without the points whose time lies in any of `ranges`. */
export function excludeTimeRanges(v: Values, ranges: readonly TimeRange[]): Values {
  const n = v.times.length
  let keep: Uint8Array | undefined
  let removed = 0
  for (const r of ranges) {
    for (let i = lowerBound(v.times, r.min); i < n && (v.times[i] ?? 0n) <= r.max; i++) {
      keep ??= new Uint8Array(n).fill(1)
      if (keep[i] === 1) {
        keep[i] = 0
        removed++
      }
    }
  }
  if (keep === undefined) return v
  const idx = new Uint32Array(n - removed)
  let c = 0
  for (let i = 0; i < n; i++) if (keep[i] === 1) idx[c++] = i
  return gatherValues(v, idx, c)
}

/**
 * Sorts `v` by time, keeping for each timestamp only its last occurrence (later blocks win, as
 * in influxd). Returns `v` itself when it is already strictly increasing.
 */
export function sortLastWins(v: Values): Values {
  if (firstUnorderedIndex(v.times) === -1) return v
  const n = v.times.length
  const order = Array.from({ length: n }, (_, i) => i)
  const t = v.times
  // Array.prototype.sort is stable, so equal times keep their original (file) order.
  order.sort((a, b) => {
    const ta = t[a] ?? 0n
    const tb = t[b] ?? 0n
    return ta < tb ? -1 : ta > tb ? 1 : 0
  })
  const idx = new Uint32Array(n)
  let c = 0
  for (let i = 0; i < n; i++) {
    const cur = order[i] ?? 0
    const next = order[i + 1]
    if (next !== undefined && t[next] === t[cur]) continue
    idx[c++] = cur
  }
  return gatherValues(v, idx, c)
}

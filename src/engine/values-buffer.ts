// A growable, columnar buffer of timestamped values of one field type, and the operations the
// cache, the read path and compaction share on `Values`: sort with last-write-wins de-duplication,
// k-way merge with precedence, and time-range filtering.

import type { FieldType, Values } from '../lineprotocol/index.js'

type Column = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | string[]

function newColumn(kind: FieldType, capacity: number): Column {
  switch (kind) {
    case 'float':
      return new Float64Array(capacity)
    case 'integer':
      return new BigInt64Array(capacity)
    case 'unsigned':
      return new BigUint64Array(capacity)
    case 'boolean':
      return new Uint8Array(capacity)
    case 'string':
      return []
    default: {
      const never: never = kind
      throw new Error(`unknown field type ${String(never)}`)
    }
  }
}

/** Builds a `Values` of `kind` from parallel arrays (no copy of typed arrays). */
export function makeValues(kind: FieldType, times: BigInt64Array, column: Column): Values {
  return { kind, times, values: column } as Values
}

/** An empty `Values` of `kind`. */
export function emptyValues(kind: FieldType): Values {
  return makeValues(kind, new BigInt64Array(0), newColumn(kind, 0))
}

/**
 * An append-only columnar buffer of one field type. Tracks whether appends arrived in strictly
 * ascending time order, so that the common case needs no sort when read. Not thread-safe (nothing
 * in Node is); owned by one cache entry or one builder.
 */
export class ValuesBuffer {
  readonly kind: FieldType
  #times: BigInt64Array
  #column: Column
  #length = 0
  #ordered = true
  #stringBytes = 0

  constructor(kind: FieldType, capacity = 8) {
    this.kind = kind
    this.#times = new BigInt64Array(capacity)
    this.#column = newColumn(kind, capacity)
  }

  get length(): number {
    return this.#length
  }

  /** True when every append so far had a strictly greater time than the one before. */
  get ordered(): boolean {
    return this.#ordered
  }

  /** An estimate of the memory the values take, in bytes (used for the cache size limit). */
  get sizeBytes(): number {
    const per = this.kind === 'boolean' ? 9 : this.kind === 'string' ? 8 + 16 : 16
    return this.#length * per + this.#stringBytes
  }

  #grow(extra: number): void {
    const want = this.#length + extra
    if (want <= this.#times.length) return
    let cap = Math.max(8, this.#times.length * 2)
    while (cap < want) cap *= 2
    const times = new BigInt64Array(cap)
    times.set(this.#times.subarray(0, this.#length))
    this.#times = times
    const col = this.#column
    if (Array.isArray(col)) return
    const next = newColumn(this.kind, cap) as typeof col
    next.set(col.subarray(0, this.#length) as never)
    this.#column = next
  }

  /** The time of the last value appended (undefined when empty). */
  get lastTime(): bigint | undefined {
    return this.#length === 0 ? undefined : this.#times[this.#length - 1]
  }

  /** Appends one value; `value` must match the buffer's kind. */
  push(time: bigint, value: number | bigint | boolean | string): void {
    this.#grow(1)
    const i = this.#length
    if (i > 0 && this.#ordered && (this.#times[i - 1] ?? 0n) >= time) this.#ordered = false
    this.#times[i] = time
    const col = this.#column
    if (Array.isArray(col)) {
      const s = value as string
      col.push(s)
      this.#stringBytes += s.length
    } else if (col instanceof Uint8Array) {
      col[i] = value === true ? 1 : 0
    } else if (col instanceof Float64Array) {
      col[i] = value as number
    } else {
      col[i] = value as bigint
    }
    this.#length = i + 1
  }

  /** Appends all of `v` (which must be of this buffer's kind). */
  append(v: Values): void {
    const n = v.times.length
    if (n === 0) return
    this.#grow(n)
    const i = this.#length
    const first = v.times[0] ?? 0n
    if (i > 0 && this.#ordered && (this.#times[i - 1] ?? 0n) >= first) this.#ordered = false
    if (this.#ordered && !isStrictlyAscending(v.times)) this.#ordered = false
    this.#times.set(v.times, i)
    const col = this.#column
    if (Array.isArray(col)) {
      for (const s of v.values as readonly string[]) {
        col.push(s)
        this.#stringBytes += s.length
      }
    } else {
      ;(col as Float64Array).set(v.values as Float64Array, i)
    }
    this.#length = i + n
  }

  /** The buffered values as written (a copy; unsorted if appends were out of order). */
  raw(): Values {
    const col = this.#column
    const column = Array.isArray(col) ? col.slice(0, this.#length) : col.slice(0, this.#length)
    return makeValues(this.kind, this.#times.slice(0, this.#length), column)
  }

  /** The values sorted by time, of equal times the last written kept (a copy). */
  sorted(): Values {
    const raw = this.raw()
    return this.#ordered ? raw : sortDedup(raw)
  }
}

function isStrictlyAscending(times: BigInt64Array): boolean {
  for (let i = 1; i < times.length; i++) {
    if ((times[i - 1] ?? 0n) >= (times[i] ?? 0n)) return false
  }
  return true
}

/** Picks the elements at `idx` from `v` into a new `Values`. */
export function pick(v: Values, idx: ArrayLike<number>): Values {
  const n = idx.length
  const times = new BigInt64Array(n)
  for (let i = 0; i < n; i++) times[i] = v.times[idx[i] ?? 0] ?? 0n
  if (v.kind === 'string') {
    const out: string[] = new Array<string>(n)
    for (let i = 0; i < n; i++) out[i] = v.values[idx[i] ?? 0] ?? ''
    return { kind: 'string', times, values: out }
  }
  // Typed columns: index-wise copy; the element type matches because source and target share a kind.
  const src = v.values as unknown as ArrayLike<unknown>
  const col = newColumn(v.kind, n) as unknown as unknown[]
  for (let i = 0; i < n; i++) col[i] = src[idx[i] ?? 0]
  return makeValues(v.kind, times, col as unknown as Column)
}

/**
 * Sorts `v` by time (stable) and keeps, for each timestamp, the value written last — InfluxDB's
 * `Values.Deduplicate`. Returns `v` itself when it is already strictly ascending.
 */
export function sortDedup(v: Values): Values {
  if (isStrictlyAscending(v.times)) return v
  const n = v.times.length
  const order = Array.from({ length: n }, (_, i) => i)
  const t = v.times
  order.sort((a, b) => {
    const ta = t[a] ?? 0n
    const tb = t[b] ?? 0n
    return ta < tb ? -1 : ta > tb ? 1 : a - b
  })
  const keep: number[] = []
  for (let i = 0; i < n; i++) {
    const cur = order[i] ?? 0
    const next = order[i + 1]
    if (next !== undefined && t[next] === t[cur]) continue // a later write of the same time wins
    keep.push(cur)
  }
  return pick(v, keep)
}

/**
 * Merges value sets of one key ordered from oldest to newest; on equal timestamps the newer set
 * wins. Every input must be sorted and de-duplicated; so is the result.
 */
export function mergeValues(kind: FieldType, sets: readonly Values[]): Values {
  const nonEmpty = sets.filter((s) => s.times.length > 0)
  if (nonEmpty.length === 0) return emptyValues(kind)
  if (nonEmpty.length === 1) return nonEmpty[0] as Values
  let acc = nonEmpty[0] as Values
  for (let i = 1; i < nonEmpty.length; i++) acc = mergeTwo(acc, nonEmpty[i] as Values)
  return acc
}

function mergeTwo(older: Values, newer: Values): Values {
  const a = older.times
  const b = newer.times
  // Fast path: no overlap in time.
  if ((a[a.length - 1] ?? 0n) < (b[0] ?? 0n)) return concat(older, newer)
  if ((b[b.length - 1] ?? 0n) < (a[0] ?? 0n)) return concat(newer, older)
  const buf = new ValuesBuffer(older.kind, a.length + b.length)
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const ta = i < a.length ? (a[i] ?? 0n) : undefined
    const tb = j < b.length ? (b[j] ?? 0n) : undefined
    if (tb === undefined || (ta !== undefined && ta < tb)) {
      buf.push(ta ?? 0n, valueAt(older, i))
      i++
    } else {
      if (ta === tb) i++ // the newer value replaces the older one
      buf.push(tb, valueAt(newer, j))
      j++
    }
  }
  return buf.raw()
}

/** The value at index `i` of `v` as a scalar. */
export function valueAt(v: Values, i: number): number | bigint | boolean | string {
  switch (v.kind) {
    case 'float':
      return v.values[i] ?? 0
    case 'integer':
      return v.values[i] ?? 0n
    case 'unsigned':
      return v.values[i] ?? 0n
    case 'boolean':
      return v.values[i] === 1
    case 'string':
      return v.values[i] ?? ''
    default: {
      const never: never = v
      throw new Error(`unknown values kind ${String(never)}`)
    }
  }
}

/** `first` followed by `second` (same kind). */
export function concat(first: Values, second: Values): Values {
  const buf = new ValuesBuffer(first.kind, first.times.length + second.times.length)
  buf.append(first)
  buf.append(second)
  return buf.raw()
}

/** The values with `min <= time <= max` (inclusive, as InfluxDB's ranges are). */
export function filterTimeRange(v: Values, min: bigint, max: bigint): Values {
  const t = v.times
  if (t.length === 0 || ((t[0] ?? 0n) >= min && (t[t.length - 1] ?? 0n) <= max)) return v
  const idx: number[] = []
  for (let i = 0; i < t.length; i++) {
    const x = t[i] ?? 0n
    if (x >= min && x <= max) idx.push(i)
  }
  return pick(v, idx)
}

/** The values outside `[min, max]` (what is left after a delete of that range). */
export function excludeTimeRange(v: Values, min: bigint, max: bigint): Values {
  const t = v.times
  const idx: number[] = []
  for (let i = 0; i < t.length; i++) {
    const x = t[i] ?? 0n
    if (x < min || x > max) idx.push(i)
  }
  return idx.length === t.length ? v : pick(v, idx)
}

/** A slice [start, end) of `v`. */
export function sliceValues(v: Values, start: number, end: number): Values {
  return makeValues(v.kind, v.times.slice(start, end), v.values.slice(start, end) as Column)
}

// The rows of one series of one shard, streamed: a key cursor per field (cache and TSM blocks
// merged by the engine, only the blocks overlapping the range read), joined on time chunk by
// chunk (a row per time at least one field has a value), kept or dropped by the WHERE condition
// when it names fields. Memory holds a chunk per field, never the series.

import type { Expr } from '../influxql/index.js'
import type { KeyCursor, Shard } from '../engine/index.js'
import { joinTSMKey, valueAt } from '../engine/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import type { InputPoint } from './functions/index.js'
import type { QueryCell } from './result.js'
import { evalExpr, MISSING } from './select-eval.js'
import { registerTimes } from './select-merge.js'
import { cellOf, type SeriesRows } from './select-series-data.js'

/**
 * Values per field read at a time. Small, so that the chunks of a tag set's many series waiting
 * in the merge stay young garbage rather than being promoted to V8's old space.
 */
export const ROW_CHUNK = 256

/** One field's cursor and its current chunk. */
interface FieldState {
  readonly cursor: KeyCursor
  chunk: Values | undefined
  pos: number
  done: boolean
}

/** Opens a cursor on every field of `names` (undefined for a field the shard does not hold). */
export function fieldCursors(
  shard: Shard,
  key: string,
  names: readonly string[],
  minNs: bigint,
  maxNs: bigint,
  ascending: boolean,
  chunkSize = ROW_CHUNK,
): KeyCursor[] {
  return names.map((f) => shard.cursor(joinTSMKey(key, f), minNs, maxNs, { ascending, chunkSize }))
}

/**
 * The rows of series `key` in `shard` for fields `names` in [minNs, maxNs], in chunks of at most
 * ROW_CHUNK rows, in time order (descending when `ascending` is false); `filter` (the WHERE
 * condition) is evaluated per row when given. The cursors are closed when the generator ends.
 */
export async function* seriesRowChunks(
  shard: Shard,
  key: string,
  tags: ReadonlyMap<string, string>,
  names: readonly string[],
  minNs: bigint,
  maxNs: bigint,
  filter: Expr | null,
  schemaTagKeys: ReadonlySet<string>,
  ascending: boolean,
): AsyncGenerator<SeriesRows> {
  const states: FieldState[] = fieldCursors(shard, key, names, minNs, maxNs, ascending).map(
    (cursor) => ({ cursor, chunk: undefined, pos: 0, done: false }),
  )
  const k = states.length
  const index = new Map<string, number>(names.map((n, i) => [n, i]))
  const tagKeys = new Set(tags.keys())
  // Each field's type as its chunks say (the condition compares unsigned fields as uint64).
  const kinds: (FieldType | undefined)[] = states.map(() => undefined)
  const typeOf = (name: string): FieldType | undefined => {
    const c = index.get(name)
    return c === undefined ? undefined : kinds[c]
  }
  try {
    for (;;) {
      // Every live field has a chunk with values left.
      for (let f = 0; f < k; f++) {
        const s = states[f] as FieldState
        while (!s.done && (s.chunk === undefined || s.pos >= s.chunk.times.length)) {
          s.chunk = await s.cursor.next()
          s.pos = 0
          if (s.chunk === undefined) s.done = true
          else kinds[f] = s.chunk.kind
        }
      }
      // Rows up to the earliest chunk end are complete: no field has a later value at those times.
      let limit: bigint | undefined
      for (const s of states) {
        if (s.done || s.chunk === undefined) continue
        const last = s.chunk.times[s.chunk.times.length - 1] ?? 0n
        if (limit === undefined || (ascending ? last < limit : last > limit)) limit = last
      }
      if (limit === undefined) return
      const times: bigint[] = []
      const cols: QueryCell[][] = states.map(() => [])
      const only = k === 1 ? states[0] : undefined
      if (only !== undefined && only.chunk !== undefined) {
        const c = only.chunk
        const col = cols[0] as QueryCell[]
        for (let i = only.pos; i < c.times.length; i++) {
          times.push(c.times[i] ?? 0n)
          col.push(cellOf(c, i))
        }
        only.pos = c.times.length
      } else {
        for (;;) {
          let t: bigint | undefined
          for (const s of states) {
            if (s.chunk === undefined || s.pos >= s.chunk.times.length) continue
            const tf = s.chunk.times[s.pos] ?? 0n
            if (t === undefined || (ascending ? tf < t : tf > t)) t = tf
          }
          if (t === undefined || (ascending ? t > limit : t < limit)) break
          times.push(t)
          for (let f = 0; f < k; f++) {
            const s = states[f] as FieldState
            const col = cols[f] as QueryCell[]
            if (s.chunk !== undefined && s.pos < s.chunk.times.length && s.chunk.times[s.pos] === t)
              col.push(cellOf(s.chunk, s.pos++))
            else col.push(null)
          }
        }
      }
      if (filter === null) {
        if (times.length > 0) yield { tags, times, cols }
        continue
      }
      const keepTimes: bigint[] = []
      const keepCols: QueryCell[][] = cols.map(() => [])
      let row = 0
      const lookup = (name: string): QueryCell | typeof MISSING => {
        const c = index.get(name)
        if (c !== undefined) return cols[c]?.[row] ?? MISSING
        if (tagKeys.has(name) || schemaTagKeys.has(name)) return tags.get(name) ?? ''
        return null
      }
      for (row = 0; row < times.length; row++) {
        if (evalExpr(filter, lookup, typeOf) !== true) continue
        keepTimes.push(times[row] ?? 0n)
        for (let c = 0; c < cols.length; c++) keepCols[c]?.push(cols[c]?.[row] ?? null)
      }
      if (keepTimes.length > 0) yield { tags, times: keepTimes, cols: keepCols }
    }
  } finally {
    for (const s of states) await s.cursor.close()
  }
}

const NO_AUX: readonly QueryCell[] = Object.freeze([])

/** A field's points of one series from `cursor` (ascending), as the library's input points. */
export async function cursorPoints(
  cursor: KeyCursor,
  tags: Readonly<Record<string, string>>,
  addPoints: ((n: number) => void) | undefined,
): Promise<InputPoint[]> {
  const out: InputPoint[] = []
  const chunks: BigInt64Array[] = []
  try {
    for (;;) {
      const v = await cursor.next()
      if (v === undefined) break
      const n = v.times.length
      addPoints?.(n)
      chunks.push(v.times)
      for (let i = 0; i < n; i++)
        out.push({ time: v.times[i] ?? 0n, value: valueAt(v, i), aux: NO_AUX, tags })
    }
  } finally {
    await cursor.close()
  }
  const times = chunks.length === 1 ? (chunks[0] as BigInt64Array) : new BigInt64Array(out.length)
  if (chunks.length > 1) {
    let at = 0
    for (const c of chunks) {
      times.set(c, at)
      at += c.length
    }
  }
  registerTimes(out, times)
  return out
}

/**
 * One series' rows one at a time, for the raw merge: `advance()` moves to the next row (false at
 * the end; a Promise only when a cursor must read its next chunk), then `time` and `cell(k)` (field
 * `names[k]`, null when absent at that time) describe it.
 */
export interface RowSource {
  readonly tags: ReadonlyMap<string, string>
  readonly time: bigint
  cell(k: number): QueryCell
  advance(): boolean | Promise<boolean>
  close(): Promise<void>
}

/**
 * Rows joined straight from the fields' cursors, without a condition: the values stay in the
 * cursors' typed chunks (off the JS heap) until a cell is asked for, so a tag set's many series
 * waiting in the merge hold no per-row objects.
 */
export class TypedRowSource implements RowSource {
  readonly tags: ReadonlyMap<string, string>
  time = 0n
  readonly #ascending: boolean
  readonly #cursors: KeyCursor[]
  readonly #chunks: (Values | undefined)[]
  readonly #pos: number[]
  readonly #done: boolean[]
  /** Per field: its index in its chunk at the current row, or −1. */
  readonly #at: number[]

  constructor(
    shard: Shard,
    key: string,
    tags: ReadonlyMap<string, string>,
    names: readonly string[],
    minNs: bigint,
    maxNs: bigint,
    ascending: boolean,
  ) {
    this.tags = tags
    this.#ascending = ascending
    this.#cursors = fieldCursors(shard, key, names, minNs, maxNs, ascending)
    this.#chunks = names.map(() => undefined)
    this.#pos = names.map(() => 0)
    this.#done = names.map(() => false)
    this.#at = names.map(() => -1)
  }

  cell(k: number): QueryCell {
    const i = this.#at[k] ?? -1
    const c = this.#chunks[k]
    return i < 0 || c === undefined ? null : cellOf(c, i)
  }

  advance(): boolean | Promise<boolean> {
    const n = this.#cursors.length
    for (let k = 0; k < n; k++) {
      if ((this.#at[k] ?? -1) >= 0) this.#pos[k] = (this.#pos[k] ?? 0) + 1
      this.#at[k] = -1
    }
    for (let k = 0; k < n; k++) {
      const c = this.#chunks[k]
      if (!(this.#done[k] ?? true) && (c === undefined || (this.#pos[k] ?? 0) >= c.times.length))
        return this.#refill()
    }
    return this.#pick()
  }

  async #refill(): Promise<boolean> {
    const n = this.#cursors.length
    for (let k = 0; k < n; k++) {
      for (;;) {
        const c = this.#chunks[k]
        if ((this.#done[k] ?? true) || (c !== undefined && (this.#pos[k] ?? 0) < c.times.length))
          break
        const next = await (this.#cursors[k] as KeyCursor).next()
        this.#chunks[k] = next
        this.#pos[k] = 0
        if (next === undefined) this.#done[k] = true
      }
    }
    return this.#pick()
  }

  /** Sets the current row to the earliest (latest, descending) head among the fields. */
  #pick(): boolean {
    const n = this.#cursors.length
    let t: bigint | undefined
    for (let k = 0; k < n; k++) {
      const c = this.#chunks[k]
      if ((this.#done[k] ?? true) || c === undefined) continue
      const tk = c.times[this.#pos[k] ?? 0] ?? 0n
      if (t === undefined || (this.#ascending ? tk < t : tk > t)) t = tk
    }
    if (t === undefined) return false
    this.time = t
    for (let k = 0; k < n; k++) {
      const c = this.#chunks[k]
      if ((this.#done[k] ?? true) || c === undefined) continue
      const p = this.#pos[k] ?? 0
      if (c.times[p] === t) this.#at[k] = p
    }
    return true
  }

  async close(): Promise<void> {
    for (const c of this.#cursors) await c.close()
  }
}

/** Rows from chunks of joined rows (a condition to evaluate, or a subquery's rows). */
export class ChunkRowSource implements RowSource {
  readonly tags: ReadonlyMap<string, string>
  time = 0n
  readonly #it: AsyncGenerator<SeriesRows>
  #rows: SeriesRows | undefined
  #i = -1

  constructor(tags: ReadonlyMap<string, string>, it: AsyncGenerator<SeriesRows>) {
    this.tags = tags
    this.#it = it
  }

  cell(k: number): QueryCell {
    return this.#rows?.cols[k]?.[this.#i] ?? null
  }

  advance(): boolean | Promise<boolean> {
    this.#i++
    const rows = this.#rows
    if (rows !== undefined && this.#i < rows.times.length) {
      this.time = rows.times[this.#i] ?? 0n
      return true
    }
    return this.#next()
  }

  async #next(): Promise<boolean> {
    for (;;) {
      const r = await this.#it.next()
      if (r.done === true) {
        this.#rows = undefined
        return false
      }
      if (r.value.times.length === 0) continue
      this.#rows = r.value
      this.#i = 0
      this.time = r.value.times[0] ?? 0n
      return true
    }
  }

  async close(): Promise<void> {
    await this.#it.return(undefined)
  }
}

// A read-only view of one database's series index, as InfluxDB 1.6's in-memory ("inmem") index
// presents it: one index per database shared by all of its shards, so measurements, series, tag
// keys and tag values are the union over the shards given (any retention policy). Sorting is by
// UTF-8 bytes, as Go sorts strings; series keys compare measurement first, then tag by tag.

import type { MeasurementIndex, Shard, Tag } from '../engine/index.js'
import { escapeMeasurement, escapeTag } from '../lineprotocol/index.js'

/** Compares strings by their UTF-8 bytes (code point order), as Go's string comparison does. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // A surrogate (U+D800–U+DFFF) stands for a code point above U+FFFF: it sorts after U+E000–U+FFFF.
    const sx = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x
    const sy = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y
    return sx < sy ? -1 : 1
  }
  return a.length - b.length
}

const SURROGATE = /[\uD800-\uDFFF]/

/** Sorts strings in place by UTF-8 bytes and returns the array. */
export function sortStrings(a: string[]): string[] {
  // Without surrogates, UTF-16 code unit order (the default sort) is code point order.
  return a.some((s) => SURROGATE.test(s)) ? a.sort(compareStrings) : a.sort()
}

/**
 * Sorts items by their tags as compareTags orders them. Builds one string key per item whose
 * plain comparison gives the same order (NUL after each key and value), falling back to
 * compareTags when a surrogate pair could make UTF-16 order differ.
 */
export function sortByTags<T>(items: T[], tagsOf: (item: T) => readonly Tag[]): T[] {
  const keys: string[] = new Array<string>(items.length)
  let plain = true
  for (let i = 0; i < items.length; i++) {
    let k = ''
    for (const t of tagsOf(items[i] as T)) k += `${t.key}\u0000${t.value}\u0000`
    if (plain && (SURROGATE.test(k) || k.includes('\u0000\u0000\u0000'))) plain = false
    keys[i] = k
  }
  if (!plain) return items.sort((a, b) => compareTags(tagsOf(a), tagsOf(b)))
  const order = Array.from(keys.keys())
  order.sort((a, b) => {
    const x = keys[a] ?? ''
    const y = keys[b] ?? ''
    return x < y ? -1 : x > y ? 1 : 0
  })
  return order.map((i) => items[i] as T)
}

/** Compares two tag lists as InfluxDB's CompareSeriesKeys does: key, then value, then length. */
export function compareTags(a: readonly Tag[], b: readonly Tag[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined || y === undefined) break
    const k = compareStrings(x.key, y.key)
    if (k !== 0) return k
    const v = compareStrings(x.value, y.value)
    if (v !== 0) return v
  }
  return a.length - b.length
}

/** A series key as InfluxDB prints it (models.MakeKey): escaped measurement and tags. */
export function makeSeriesKey(measurement: string, tags: readonly Tag[]): string {
  let key = escapeMeasurement(measurement)
  for (const t of tags) key += `,${escapeTag(t.key)}=${escapeTag(t.value)}`
  return key
}

/** One measurement across several shards. Series are identified by their stored series key. */
export class MeasurementView {
  readonly name: string
  readonly #parts: readonly MeasurementIndex[]
  #series: Map<string, readonly Tag[]> | undefined

  constructor(name: string, parts: readonly MeasurementIndex[]) {
    this.name = name
    this.#parts = parts
  }

  /** Series key → tags, for every series of the measurement. */
  series(): ReadonlyMap<string, readonly Tag[]> {
    if (this.#series !== undefined) return this.#series
    const first = this.#parts[0]
    if (this.#parts.length === 1 && first !== undefined) {
      this.#series = first.series as Map<string, readonly Tag[]>
      return this.#series
    }
    const out = new Map<string, readonly Tag[]>()
    for (const p of this.#parts) for (const [k, tags] of p.series) if (!out.has(k)) out.set(k, tags)
    this.#series = out
    return out
  }

  /** Every series key of the measurement. */
  allSeries(): Set<string> {
    return new Set(this.series().keys())
  }

  /** Whether any series carries the tag key. */
  hasTagKey(key: string): boolean {
    return this.#parts.some((p) => p.tagValues.has(key))
  }

  /** The tag keys, sorted. */
  tagKeys(): string[] {
    const keys = new Set<string>()
    for (const p of this.#parts) for (const k of p.tagValues.keys()) keys.add(k)
    return sortStrings([...keys])
  }

  /** The values of one tag key, sorted. */
  tagValues(key: string): string[] {
    const values = new Set<string>()
    for (const p of this.#parts) for (const v of p.tagValues.get(key)?.keys() ?? []) values.add(v)
    return sortStrings([...values])
  }

  /** The series carrying `key=value`. */
  seriesWithTagValue(key: string, value: string): Set<string> {
    const out = new Set<string>()
    for (const p of this.#parts) for (const s of p.tagValues.get(key)?.get(value) ?? []) out.add(s)
    return out
  }

  /** The series carrying the tag key with any value. */
  seriesWithTagKey(key: string): Set<string> {
    const out = new Set<string>()
    for (const p of this.#parts) {
      for (const keys of p.tagValues.get(key)?.values() ?? []) for (const s of keys) out.add(s)
    }
    return out
  }

  /** Whether a field of this name exists in any of the shards. */
  hasField(field: string): boolean {
    return this.#parts.some((p) => p.fields.has(field))
  }
}

/** The measurements of a set of shards, merged. Built per statement; not updated afterwards. */
export class DatabaseIndex {
  readonly #byName = new Map<string, MeasurementIndex[]>()
  #names: string[] | undefined

  /** A view over the given shards' indexes. */
  constructor(shards: readonly Shard[]) {
    for (const sh of shards) {
      for (const [name, m] of sh.index.measurements) {
        if (m.series.size === 0) continue
        const list = this.#byName.get(name)
        if (list === undefined) this.#byName.set(name, [m])
        else list.push(m)
      }
    }
  }

  /** The measurement names, sorted. */
  measurementNames(): readonly string[] {
    this.#names ??= sortStrings([...this.#byName.keys()])
    return this.#names
  }

  /** One measurement, or undefined when no shard has a series of it. */
  measurement(name: string): MeasurementView | undefined {
    const parts = this.#byName.get(name)
    return parts === undefined ? undefined : new MeasurementView(name, parts)
  }

  /** The number of distinct series over all measurements. */
  seriesCount(): number {
    let n = 0
    for (const name of this.#byName.keys()) n += this.measurement(name)?.series().size ?? 0
    return n
  }
}

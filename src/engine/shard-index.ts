// The in-memory index of one shard: measurements, series, tag keys and values, and field types.
// Rebuilt on open from the TSM keys and the cache (so it always agrees with the data), kept up to
// date by writes and deletes. Field types are per shard: the first type written wins.

import type { FieldType } from '../lineprotocol/index.js'
import { parseSeriesKey, type Tag } from './series-key.js'

/** What the index knows of one measurement. */
export class MeasurementIndex {
  readonly name: string
  readonly fields = new Map<string, FieldType>()
  /** Series key → its tags (un-escaped, sorted as in the key). */
  readonly series = new Map<string, readonly Tag[]>()
  /** Tag key → tag value → series keys carrying it. */
  readonly tagValues = new Map<string, Map<string, Set<string>>>()

  constructor(name: string) {
    this.name = name
  }

  addSeries(seriesKey: string, tags: readonly Tag[]): void {
    if (this.series.has(seriesKey)) return
    this.series.set(seriesKey, tags)
    for (const t of tags) {
      let values = this.tagValues.get(t.key)
      if (values === undefined) this.tagValues.set(t.key, (values = new Map()))
      let keys = values.get(t.value)
      if (keys === undefined) values.set(t.value, (keys = new Set()))
      keys.add(seriesKey)
    }
  }

  removeSeries(seriesKey: string): void {
    const tags = this.series.get(seriesKey)
    if (tags === undefined) return
    this.series.delete(seriesKey)
    for (const t of tags) {
      const values = this.tagValues.get(t.key)
      const keys = values?.get(t.value)
      keys?.delete(seriesKey)
      if (keys?.size === 0) values?.delete(t.value)
      if (values?.size === 0) this.tagValues.delete(t.key)
    }
  }
}

/** The index of one shard. Not safe for concurrent mutation (single-threaded by construction). */
export class ShardIndex {
  readonly measurements = new Map<string, MeasurementIndex>()
  /** Series key → measurement name, for every series in the shard. */
  readonly #seriesMeasurement = new Map<string, string>()

  /** The number of series in the shard. */
  get seriesCount(): number {
    return this.#seriesMeasurement.size
  }

  /** The measurement a series belongs to, if indexed. */
  measurementOfSeries(seriesKey: string): string | undefined {
    return this.#seriesMeasurement.get(seriesKey)
  }

  /** True when the series key is indexed. */
  hasSeries(seriesKey: string): boolean {
    return this.#seriesMeasurement.has(seriesKey)
  }

  /** The type of `field` on `measurement`, if known. */
  fieldType(measurement: string, field: string): FieldType | undefined {
    return this.measurements.get(measurement)?.fields.get(field)
  }

  #measurement(name: string): MeasurementIndex {
    let m = this.measurements.get(name)
    if (m === undefined) this.measurements.set(name, (m = new MeasurementIndex(name)))
    return m
  }

  /**
   * Records a field type. Returns the type already recorded when it differs (a conflict; nothing
   * changes), else undefined.
   */
  setFieldType(measurement: string, field: string, type: FieldType): FieldType | undefined {
    const m = this.#measurement(measurement)
    const existing = m.fields.get(field)
    if (existing !== undefined && existing !== type) return existing
    if (existing === undefined) m.fields.set(field, type)
    return undefined
  }

  /** Adds a series given its parts (from a parsed point). */
  addSeries(seriesKey: string, measurement: string, tags: readonly Tag[]): void {
    if (this.#seriesMeasurement.has(seriesKey)) return
    this.#seriesMeasurement.set(seriesKey, measurement)
    this.#measurement(measurement).addSeries(seriesKey, tags)
  }

  /** Adds a series given only its key (when rebuilding from TSM keys). */
  addSeriesKey(seriesKey: string): string {
    const known = this.#seriesMeasurement.get(seriesKey)
    if (known !== undefined) return known
    const { measurement, tags } = parseSeriesKey(seriesKey)
    this.addSeries(seriesKey, measurement, tags)
    return measurement
  }

  /** Removes a series; a measurement left without series disappears with its fields. */
  removeSeries(seriesKey: string): void {
    const name = this.#seriesMeasurement.get(seriesKey)
    if (name === undefined) return
    this.#seriesMeasurement.delete(seriesKey)
    const m = this.measurements.get(name)
    m?.removeSeries(seriesKey)
    if (m !== undefined && m.series.size === 0) this.measurements.delete(name)
  }

  /** Every series key of the shard. */
  seriesKeys(): IterableIterator<string> {
    return this.#seriesMeasurement.keys()
  }

  /** The field types as fields.idx stores them: measurement → field → type. */
  fieldSet(): Map<string, Map<string, FieldType>> {
    const out = new Map<string, Map<string, FieldType>>()
    for (const [name, m] of this.measurements)
      if (m.fields.size > 0) out.set(name, new Map(m.fields))
    return out
  }
}

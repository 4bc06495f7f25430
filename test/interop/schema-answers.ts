// Builds influxd 1.6's answers to the schema statements (SHOW MEASUREMENTS, SHOW SERIES, SHOW
// FIELD KEYS, SHOW TAG KEYS, SHOW TAG VALUES) of one database from a union of shard indexes, in
// the shape `parseJSONBigInt` returns: names, keys and values sorted by their UTF-8 bytes, a
// field listed once per distinct type it has across the shards (field types are per shard).

import type { FieldType, Tag } from '../../src/lineprotocol/index.js'
import type { JSONObject, JSONValue } from '../helpers/json-bigint.js'
import { compareUTF8 } from './influx-answers.js'

interface MeasurementSchema {
  /** Series key as stored (escaped) → its un-escaped tags. */
  readonly series: Map<string, readonly Tag[]>
  readonly fields: Map<string, Set<FieldType>>
}

/** The schema of one database: measurements with their series, tags and field types. */
export class SchemaModel {
  readonly #measurements = new Map<string, MeasurementSchema>()

  #measurement(name: string): MeasurementSchema {
    let m = this.#measurements.get(name)
    if (m === undefined)
      this.#measurements.set(name, (m = { series: new Map(), fields: new Map() }))
    return m
  }

  /** Records a series of `measurement`. */
  addSeries(measurement: string, seriesKey: string, tags: readonly Tag[]): void {
    this.#measurement(measurement).series.set(seriesKey, tags)
  }

  /** Records that `field` of `measurement` has `type` (in some shard). */
  addField(measurement: string, field: string, type: FieldType): void {
    const fields = this.#measurement(measurement).fields
    let types = fields.get(field)
    if (types === undefined) fields.set(field, (types = new Set()))
    types.add(type)
  }

  /** Forgets a series (a DROP SERIES); a measurement left without series disappears. */
  dropSeries(measurement: string, seriesKey: string): void {
    const m = this.#measurements.get(measurement)
    if (m === undefined) return
    m.series.delete(seriesKey)
    if (m.series.size === 0) this.#measurements.delete(measurement)
  }

  #names(): string[] {
    return [...this.#measurements.keys()].sort(compareUTF8)
  }

  #each(): [string, MeasurementSchema][] {
    return this.#names().map((n) => [
      n,
      this.#measurements.get(n) ?? { series: new Map(), fields: new Map() },
    ])
  }

  /** The `series` array of `SHOW MEASUREMENTS`, or undefined when there are none. */
  showMeasurements(): JSONObject[] | undefined {
    const names = this.#names()
    if (names.length === 0) return undefined
    return [{ name: 'measurements', columns: ['name'], values: names.map((n) => [n]) }]
  }

  /** The `series` array of `SHOW SERIES` (keys as stored, escaped), or undefined when none. */
  showSeries(): JSONObject[] | undefined {
    const keys: JSONValue[] = []
    for (const [, m] of this.#each()) {
      for (const k of [...m.series.keys()].sort(compareUTF8)) keys.push([k])
    }
    return keys.length === 0 ? undefined : [{ columns: ['key'], values: keys }]
  }

  /** The `series` array of `SHOW FIELD KEYS`: per measurement (fieldKey, fieldType) rows. */
  showFieldKeys(): JSONObject[] | undefined {
    const out: JSONObject[] = []
    for (const [name, m] of this.#each()) {
      const rows: JSONValue[] = []
      for (const f of [...m.fields.keys()].sort(compareUTF8)) {
        for (const t of [...(m.fields.get(f) ?? [])].sort()) rows.push([f, t])
      }
      if (rows.length > 0) out.push({ name, columns: ['fieldKey', 'fieldType'], values: rows })
    }
    return out.length === 0 ? undefined : out
  }

  /** The `series` array of `SHOW TAG KEYS`: per measurement with tags, its tag keys. */
  showTagKeys(): JSONObject[] | undefined {
    const out: JSONObject[] = []
    for (const [name, m] of this.#each()) {
      const keys = new Set<string>()
      for (const tags of m.series.values()) for (const t of tags) keys.add(t.key)
      if (keys.size > 0)
        out.push({ name, columns: ['tagKey'], values: [...keys].sort(compareUTF8).map((k) => [k]) })
    }
    return out.length === 0 ? undefined : out
  }

  /** The `series` array of `SHOW TAG VALUES WITH KEY =~ /.*\/`: per measurement (key, value) rows. */
  showTagValues(): JSONObject[] | undefined {
    const out: JSONObject[] = []
    for (const [name, m] of this.#each()) {
      const pairs = new Map<string, [string, string]>()
      for (const tags of m.series.values())
        for (const t of tags) pairs.set(`${t.key}\0${t.value}`, [t.key, t.value])
      if (pairs.size === 0) continue
      const rows = [...pairs.values()].sort(
        (a, b) => compareUTF8(a[0], b[0]) || compareUTF8(a[1], b[1]),
      )
      out.push({ name, columns: ['key', 'value'], values: rows })
    }
    return out.length === 0 ? undefined : out
  }
}

/** Wraps a statement's `series` array as influxd does: `{statement_id, series?}`. */
export function statementResult(statementID: number, series: JSONObject[] | undefined): JSONObject {
  return series === undefined
    ? { statement_id: statementID }
    : { statement_id: statementID, series }
}

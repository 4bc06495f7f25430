// Raw SELECTs (no function calls): per measurement, the selected series are grouped into tag sets
// by the GROUP BY tags; each tag set's rows (one per time a series has at least one selected
// field) are merged across series and shards in time order, then OFFSET/LIMIT cut them. Tags in
// the select list take the row's series' value. A row whose selected fields are all null is not
// emitted, as InfluxDB's cursors skip it.

import type { Values } from '../lineprotocol/index.js'
import type { QueryCell, QueryRow } from './result.js'
import type { MeasurementSchema, MeasurementSource, SelectedSeries } from './select-source.js'
import { readField, schemaOf, selectedSeries } from './select-source.js'
import type { RefItem, SelectPlan } from './select-plan.js'
import { columnNames } from './select-plan.js'
import { groupKeyOf, groupTags, type TagSetGroup, sliceGroups } from './select-group.js'
import { dimensionsOf } from './select-group.js'

/** One output row before the time becomes a cell. */
interface RawRow {
  readonly timeNs: bigint
  readonly cells: QueryCell[]
}

/** The cell of value `i` of `v`, typed as the HTTP layer renders it. */
export function cellOf(v: Values, i: number): QueryCell {
  switch (v.kind) {
    case 'float':
      return v.values[i] ?? null
    case 'integer':
      return v.values[i] ?? null
    case 'unsigned':
      return v.values[i] ?? null
    case 'boolean':
      return v.values[i] === 1
    case 'string':
      return v.values[i] ?? null
  }
}

/** The references of a raw plan with wildcards expanded over all measurements' schemas. */
export function expandRefs(plan: SelectPlan, schemas: readonly MeasurementSchema[], dimensionKeys: ReadonlySet<string>): RefItem[] {
  const out: RefItem[] = []
  for (const item of plan.items) {
    if (item.kind === 'ref') out.push(item)
    if (item.kind !== 'wildcard') continue
    const names = new Map<string, 'field' | 'tag'>()
    for (const s of schemas) {
      if (item.type !== 'tag') for (const f of s.fields.keys()) names.set(f, 'field')
      if (item.type !== 'field') for (const t of s.tagKeys) if (!dimensionKeys.has(t) && !names.has(t)) names.set(t, 'tag')
    }
    for (const name of [...names.keys()].sort()) out.push({ kind: 'ref', column: name, name, type: names.get(name) ?? 'field' })
  }
  return out
}

async function seriesRows(
  source: MeasurementSource,
  shardIndex: number,
  series: SelectedSeries,
  refs: readonly RefItem[],
  schema: MeasurementSchema,
  minNs: bigint,
  maxNs: bigint,
): Promise<RawRow[]> {
  const shard = source.shards[shardIndex]
  if (shard === undefined) return []
  const isField = refs.map((r) => r.type === 'field' || (r.type === 'any' && (schema.fields.has(r.name) || !schema.tagKeys.includes(r.name))))
  const fieldNames = [...new Set(refs.filter((_, i) => isField[i]).map((r) => r.name))]
  const read = await Promise.all(fieldNames.map((f) => readField(shard, series.key, f, minNs, maxNs)))
  const byName = new Map<string, Values | undefined>(fieldNames.map((f, i) => [f, read[i]]))
  // Walk every field's values in time order at once (a k-way merge on times).
  const cursors = fieldNames.map(() => 0)
  const rows: RawRow[] = []
  for (;;) {
    let t: bigint | undefined
    for (let k = 0; k < fieldNames.length; k++) {
      const v = read[k]
      const c = cursors[k] ?? 0
      if (v === undefined || c >= v.times.length) continue
      const tk = v.times[c] ?? 0n
      if (t === undefined || tk < t) t = tk
    }
    if (t === undefined) break
    const at = new Map<string, number>()
    for (let k = 0; k < fieldNames.length; k++) {
      const v = read[k]
      const c = cursors[k] ?? 0
      if (v !== undefined && c < v.times.length && v.times[c] === t) {
        at.set(fieldNames[k] ?? '', c)
        cursors[k] = c + 1
      }
    }
    const cells = refs.map((r, i): QueryCell => {
      if (!isField[i]) return series.tags.get(r.name) ?? null
      const idx = at.get(r.name)
      const v = byName.get(r.name)
      return idx === undefined || v === undefined ? null : cellOf(v, idx)
    })
    rows.push({ timeNs: t, cells })
  }
  return rows
}

/** Runs a raw plan over the measurements; returns the result rows in InfluxDB's order. */
export async function runRaw(plan: SelectPlan, sources: readonly MeasurementSource[], minNs: bigint, maxNs: bigint, limit: number, offset: number, sLimit: number, sOffset: number): Promise<QueryRow[]> {
  const schemas = sources.map(schemaOf)
  const out: QueryRow[] = []
  for (let m = 0; m < sources.length; m++) {
    const source = sources[m]
    const schema = schemas[m]
    if (source === undefined || schema === undefined) continue
    const dims = dimensionsOf(plan.dimensions, schemas)
    const refs = expandRefs(plan, schemas, new Set(dims))
    const anyField = refs.some((r) => r.type === 'field' || (r.type === 'any' && !schema.tagKeys.includes(r.name)))
    if (!anyField) continue
    const groups = new Map<string, TagSetGroup<RawRow>>()
    for (let s = 0; s < source.shards.length; s++) {
      const shard = source.shards[s]
      if (shard === undefined) continue
      for (const series of selectedSeries(shard, source.name, plan.condition)) {
        const rows = await seriesRows(source, s, series, refs, schema, minNs, maxNs)
        if (rows.length === 0) continue
        const key = groupKeyOf(dims, series.tags)
        let g = groups.get(key)
        if (g === undefined) groups.set(key, (g = { key, tags: groupTags(dims, series.tags), items: [] }))
        for (const r of rows) g.items.push(r)
      }
    }
    const columns = columnNames(refs.map((r) => r.column))
    for (const g of sliceGroups(groups, sLimit, sOffset, plan.ascending)) {
      const rows = g.items.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0))
      if (!plan.ascending) rows.reverse()
      const cut = rows.slice(offset, limit > 0 ? offset + limit : undefined)
      if (cut.length === 0) continue
      out.push({
        name: source.name,
        ...(dims.length > 0 && { tags: g.tags }),
        columns,
        values: cut.map((r) => [{ kind: 'time', ns: r.timeNs }, ...r.cells]),
      })
    }
  }
  return out
}

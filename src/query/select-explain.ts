// EXPLAIN SELECT: the iterators InfluxDB 1.6 would create, one node per call (or one for the raw
// fields) per measurement, each with its expression, auxiliary fields, and cost: the shards and
// series it reads and how many values. Tidemark's engine has no per-block cost accounting yet, so
// every value read is counted under CACHED VALUES and files and blocks are 0 (what influxd shows
// while all data is still in its cache).

import type { Expr } from '../influxql/index.js'
import { formatExpr } from '../influxql/index.js'
import type { FieldType } from '../lineprotocol/index.js'
import type { QueryRow } from './result.js'
import { MERGEABLE } from './select-partial.js'
import type { SelectPlan } from './select-plan.js'
import type { MeasurementSource } from './select-source.js'
import { higherFieldType, readField, schemaOf, selectedSeries } from './select-source.js'

/** One iterator of the plan. */
interface PlanNode {
  readonly expr: string
  readonly aux: readonly string[]
  readonly field: string | null
  readonly auxFields: readonly string[]
  readonly source: MeasurementSource
}

function typedRef(
  name: string,
  fields: ReadonlyMap<string, FieldType>,
  tagKeys: readonly string[],
): string {
  const t = fields.get(name) ?? (tagKeys.includes(name) ? 'tag' : undefined)
  const ref: Expr = { kind: 'VarRef', name, dataType: t ?? 'unknown' }
  return formatExpr(ref)
}

/** The QUERY PLAN rows of `plan` over `sources`, reading [minNs, maxNs] to count values. */
export async function explainPlan(
  plan: SelectPlan,
  sources: readonly MeasurementSource[],
  minNs: bigint,
  maxNs: bigint,
): Promise<QueryRow> {
  const nodes: PlanNode[] = []
  // Types come from every measurement of the statement (InfluxDB rewrites the fields once).
  const allFields = new Map<string, FieldType>()
  const allTags = new Set<string>()
  for (const source of sources) {
    const schema = schemaOf(source)
    for (const [f, t] of schema.fields) allFields.set(f, higherFieldType(allFields.get(f), t))
    for (const k of schema.tagKeys) allTags.add(k)
  }
  const tagList = [...allTags]
  const auxNames = [...new Set(plan.fields.aux.map((a) => a.name))].sort()
  for (const call of plan.mode === 'raw' ? [null] : plan.fields.calls) {
    for (const source of sources) {
      const schema = schemaOf(source)
      const names = plan.fields.hasWildcard
        ? [...new Set([...auxNames, ...schema.fields.keys(), ...schema.tagKeys])].sort()
        : auxNames
      const aux = names.map((n) => typedRef(n, allFields, tagList))
      const auxFields = names.filter((n) => schema.fields.has(n))
      if (call === null) {
        nodes.push({ expr: '<nil>', aux, field: null, auxFields, source })
        continue
      }
      const field = typedRef(call.field, allFields, tagList)
      const agg = call.aggregate
      const pushed = agg !== null && agg.ofDistinct !== true && MERGEABLE.has(agg.name)
      nodes.push({
        expr: pushed ? `${agg.name}(${field})` : field,
        aux,
        field: call.field,
        auxFields,
        source,
      })
    }
  }
  const lines: string[] = []
  for (const node of nodes) {
    if (lines.length > 0) lines.push('')
    // InfluxDB 1.6's in-memory index is per database: every shard reports the measurement's
    // series of the whole database, and values are counted for them all.
    const keys = new Map<string, ReadonlyMap<string, string>>()
    for (const shard of node.source.databaseShards)
      for (const s of selectedSeries(shard, node.source.name, plan.condition))
        keys.set(s.key, s.tags)
    const series = keys.size * node.source.shards.length
    let values = 0
    for (const shard of node.source.shards) {
      for (const key of keys.keys()) {
        for (const f of node.field === null ? node.auxFields : [node.field, ...node.auxFields]) {
          const v = await readField(shard, key, f, minNs, maxNs)
          values += v?.times.length ?? 0
        }
      }
    }
    lines.push(`EXPRESSION: ${node.expr}`)
    if (node.aux.length > 0) lines.push(`AUXILIARY FIELDS: ${node.aux.join(', ')}`)
    lines.push(
      `NUMBER OF SHARDS: ${node.source.shards.length}`,
      `NUMBER OF SERIES: ${series}`,
      `CACHED VALUES: ${values}`,
      'NUMBER OF FILES: 0',
      'NUMBER OF BLOCKS: 0',
      'SIZE OF BLOCKS: 0',
    )
  }
  return { columns: ['QUERY PLAN'], values: lines.map((l) => [l]) }
}

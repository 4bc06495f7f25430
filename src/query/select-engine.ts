// Runs a compiled SELECT over measurements, tag set by tag set, as InfluxDB 1.6's cursors do:
// per measurement (by name) the selected series are grouped by the GROUP BY tags, the tag sets
// are ordered (reversed for ORDER BY time DESC) and cut by SLIMIT/SOFFSET, and each tag set's
// rows are produced and yielded before the next one is read. Raw queries join the tag set's
// series rows on time; aggregate queries run every call slot (select-calls.ts) and merge their
// outputs by time, a point of each call per row (missing → null), InfluxDB's multi-scanner
// cursor. The select list is then evaluated per row (math, arithmetic, aux columns).

import { mapInOrder } from '../util/index.js'
import { MIN_TIME_NS } from './condition.js'
import type { InputPoint, OutputPoint, ValueType } from './functions/index.js'
import type { QueryCell, QueryRow } from './result.js'
import {
  FILL_WINDOW_BUDGET,
  type CallContext,
  type CallInput,
  callOutputType,
  heads,
  partialHelpers,
  runCall,
  shardPartials,
  windowSpan,
} from './select-calls.js'
import {
  combine,
  firstLastPartial,
  MERGEABLE,
  type Partial,
  parallelMerge,
} from './select-partial.js'
import { fastSeriesPartials, isFastCall } from './select-fast-partials.js'
import { mergeByTime } from './select-merge.js'
import { goFeed } from './select-go-merge.js'
import { cursorPoints } from './select-series-cursor.js'
import type { CallPlan } from './select-fields.js'
import { groupKeyOf, groupTags } from './select-group.js'
import type { FunctionLibrary, SelectPlan } from './select-plan.js'
import type { SeriesRows } from './select-series-data.js'
import {
  measurementTyping,
  type MeasurementTyping,
  type SlotTypes,
  statementFieldTypes,
  typedCondition,
  withFieldTypes,
} from './select-typing.js'
import type { EngineSeries, EngineSource } from './select-engine-source.js'
import { checkTypes } from './select-types.js'
import { conditionRefs } from './select-series-data.js'
import { windowStartIn } from './select-tz.js'
import {
  dimensionsOf,
  type Expanded,
  evalField,
  expand,
  timeCell,
  toCell,
} from './select-columns.js'
import { rawBlocks, rawValues } from './select-raw.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
/** Values a cursor hands an aggregate at a time. */
const CURSOR_CHUNK = 4096
/** Series read at once by the fast aggregate path (their reads overlap each other's decoding). */
const SERIES_AT_ONCE = 4
const NO_AUX: readonly QueryCell[] = Object.freeze([])

/** What the engine reads and how. */
export interface EngineInput {
  readonly plan: SelectPlan
  readonly sources: readonly EngineSource[]
  readonly minNs: bigint
  /** The range end (now() for GROUP BY time without an upper bound). */
  readonly maxNs: bigint
  readonly lib: FunctionLibrary
  readonly signal?: AbortSignal
  /** max-select-point: told how many points are read. */
  readonly limits?: { addPoints(n: number): void }
}

/** One tag set: its series in every shard. */
interface TagSet {
  readonly key: string
  readonly tags: Readonly<Record<string, string>>
  readonly members: EngineSeries[]
}

/** Runs the plan; yields one row (series) per tag set with values, in InfluxDB's order. */
export async function* runEngine(input: EngineInput): AsyncGenerator<QueryRow> {
  const { plan, sources, lib } = input
  // The statement gives each field one type; a store measurement's shards holding it as another
  // type convert their values or read nothing (InfluxDB's RewriteFields and cursors).
  const fieldTypes = statementFieldTypes(sources.map((s) => s.schema))
  const schemas = sources.map((s) => (s.direct ? s.schema : withFieldTypes(s.schema, fieldTypes)))
  const dims = dimensionsOf(plan, schemas)
  const ex = expand(plan, schemas, new Set(dims))
  checkTypes(
    ex.fields.flatMap((f) => (f.source === null ? [] : [f.source])),
    (name) =>
      fieldTypes.get(name) ?? (schemas.some((s) => s.tagKeys.includes(name)) ? 'tag' : undefined),
    input.lib,
  )
  const iv = plan.interval
  const extraNs = iv === null ? 0n : iv.durationNs * BigInt(plan.extraIntervals)
  const readMin = plan.ascending ? input.minNs - extraNs : input.minNs
  const readMax = plan.ascending ? input.maxNs : input.maxNs + extraNs
  for (let m = 0; m < sources.length; m++) {
    const source = sources[m]
    const schema = schemas[m]
    if (source === undefined || schema === undefined) continue
    const isField = ex.aux.map(
      (r) =>
        r.type === 'field' ||
        (r.type === 'any' && (schema.fields.has(r.name) || !schema.tagKeys.includes(r.name))),
    )
    const typing = measurementTyping(
      ex.fields,
      ex.aux,
      plan.fields.calls,
      isField,
      schema,
      source.direct,
      (c, t) => callOutputType(lib, c, t),
    )
    if (plan.mode === 'raw' && !isField.some((f) => f)) continue
    if (plan.mode === 'aggregate' && !plan.fields.calls.some((c) => schema.fields.has(c.field)))
      continue
    const condNames = [...conditionRefs(plan.condition)]
    const schemaTagSet = new Set(schema.tagKeys)
    const condFields = condNames.filter((n) => schema.fields.has(n))
    const names: string[] = []
    const add = (n: string): number => {
      let i = names.indexOf(n)
      if (i < 0) i = names.push(n) - 1
      return i
    }
    const auxCol = ex.aux.map((r, k) => (isField[k] ? add(r.name) : -1))
    const callCol = plan.fields.calls.map((c) => (schema.fields.has(c.field) ? add(c.field) : -1))
    for (const n of condFields) add(n)
    // A condition naming anything but tags is checked per point (unknown names never match).
    const filter = source.direct
      ? plan.condition
      : condNames.some((n) => !schema.tagKeys.includes(n) || schema.fields.has(n))
        ? typedCondition(plan.condition, schema)
        : null
    const groups = new Map<string, TagSet>()
    for (const series of source.series(source.direct ? null : plan.condition)) {
      const key = groupKeyOf(dims, series.tags)
      let g = groups.get(key)
      if (g === undefined)
        groups.set(key, (g = { key, tags: groupTags(dims, series.tags), members: [] }))
      g.members.push(series)
    }
    const ordered = [...groups.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    )
    // InfluxDB cuts SLIMIT/SOFFSET from the tag sets in ascending order, also for ORDER BY time
    // DESC, and then emits the ones it kept in reverse: their rows wait in `deferred`.
    const deferred: QueryRow[][] | undefined =
      !plan.ascending && (plan.sLimit > 0 || plan.sOffset > 0) ? [] : undefined
    if (!plan.ascending && deferred === undefined) ordered.reverse()
    const rowOf = (tags: Readonly<Record<string, string>>, values: QueryCell[][]): QueryRow => ({
      name: source.name,
      ...(dims.length > 0 && { tags }),
      columns: ex.columns,
      values,
      ...(typing.unsignedColumns !== undefined && { unsigned: typing.unsignedColumns }),
    })
    let skipped = 0
    let emitted = 0
    for (const g of ordered) {
      const kept: QueryRow[] = []
      deferred?.push(kept)
      if (plan.sLimit > 0 && emitted >= plan.sLimit) break
      if (input.signal?.aborted === true) return
      if (plan.mode === 'raw' && !source.direct) {
        let found = false
        for await (const values of rawBlocks(
          plan,
          ex,
          source,
          g.members,
          { names, filter, tagKeys: schemaTagSet },
          auxCol,
          input,
          typing,
        )) {
          if (!found) {
            found = true
            if (skipped < plan.sOffset) {
              skipped++
              break
            }
            emitted++
          }
          const row = rowOf(g.tags, values)
          if (deferred === undefined) yield row
          else kept.push(row)
        }
        continue
      }
      const members = [...g.members].sort(
        (a, b) => a.shardIndex - b.shardIndex || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      )
      const readRows = async (list: readonly EngineSeries[]): Promise<SeriesRows[]> => {
        const out: SeriesRows[] = []
        for (const mem of list) {
          if (input.signal?.aborted === true) return out
          const r = await mem.read(names, readMin, readMax, filter, schemaTagSet)
          input.limits?.addPoints(r.times.length)
          if (r.times.length > 0) out.push(r)
        }
        return out
      }
      let values: QueryCell[][]
      if (plan.mode === 'raw') {
        const rows = await readRows(members)
        if (rows.length === 0) continue
        values = rawValues(plan, ex, rows, auxCol, input, source.direct, typing, {
          skip: plan.offset,
          left: plan.limit > 0 ? plan.limit : Number.POSITIVE_INFINITY,
        })
      } else {
        // Cursors hand the calls raw values: not for casts, which convert each value.
        const cursors =
          !source.direct &&
          filter === null &&
          ex.aux.length === 0 &&
          typing.calls.every((c) => c?.convert === undefined)
        values = await aggregateValues(
          plan,
          ex,
          {
            members,
            readRows,
            sourceLevels: source.fromRegex ? 2 : 1,
            direct: source.direct,
            cursors,
          },
          auxCol,
          callCol,
          typing,
          input,
        )
      }
      if (values.length === 0) continue
      if (skipped < plan.sOffset) {
        skipped++
        continue
      }
      emitted++
      const row = rowOf(g.tags, values)
      if (deferred === undefined) yield row
      else kept.push(row)
    }
    if (deferred !== undefined) for (const rows of deferred.reverse()) yield* rows
  }
}

/** One tag set's series and how to read them. */
interface TagSetData {
  /** In shard order, then series key order. */
  readonly members: readonly EngineSeries[]
  readonly readRows: (members: readonly EngineSeries[]) => Promise<SeriesRows[]>
  readonly sourceLevels: number
  readonly direct: boolean
  /** Calls may read their field through cursors (no per-point condition, no aux columns). */
  readonly cursors: boolean
}

/** What one call collected over the shards of a tag set. */
interface CallAccumulator {
  readonly byShard: InputPoint[][][]
  readonly partials: Partial[][]
  lo: bigint | undefined
  hi: bigint | undefined
}

/**
 * An aggregate tag set: its shards are read one at a time; calls InfluxDB pushes down keep only
 * each shard's partial results, so memory holds windows rather than points. Then every call's
 * output points are merged by time into rows.
 */
async function aggregateValues(
  plan: SelectPlan,
  ex: Expanded,
  data: TagSetData,
  auxCol: readonly number[],
  callCol: readonly number[],
  typing: MeasurementTyping,
  input: EngineInput,
): Promise<QueryCell[][]> {
  const calls = plan.fields.calls
  const iv = plan.interval
  const bounded = plan.range.minNs !== undefined && plan.range.minNs > MIN_TIME_NS
  const rangeStartNs = bounded ? input.minNs : 0n
  const extraNs = iv === null ? 0n : iv.durationNs * BigInt(plan.extraIntervals)
  /** The call's points of one shard's rows, per series. */
  const pointsOf = (rows: readonly SeriesRows[], c: number, withExtra: boolean): InputPoint[][] => {
    const col = callCol[c] ?? -1
    const out: InputPoint[][] = []
    const lo = withExtra && plan.ascending ? input.minNs - extraNs : input.minNs
    const hi = withExtra && !plan.ascending ? input.maxNs + extraNs : input.maxNs
    // InfluxDB widens the range in int64: below the smallest time it wraps around and reads nothing.
    if (lo < INT64_MIN || hi > INT64_MAX) return out
    for (const r of rows) {
      const values = col < 0 ? undefined : r.cols[col]
      if (values === undefined) continue
      const tags = Object.fromEntries(r.tags)
      const pts: InputPoint[] = []
      const convert = typing.calls[c]?.convert
      for (let i = 0; i < r.times.length; i++) {
        const read = values[i]
        const v = convert === undefined || read === undefined ? read : convert(read)
        const t = r.times[i] ?? 0n
        if (
          v === null ||
          v === undefined ||
          typeof v === 'object' ||
          (!data.direct && (t < lo || t > hi))
        )
          continue
        const aux =
          ex.aux.length === 0
            ? NO_AUX
            : ex.aux.map((a, k) => {
                if ((auxCol[k] ?? -1) < 0) return r.tags.get(a.name) ?? null
                const cell = r.cols[auxCol[k] ?? 0]?.[i] ?? null
                const convert = typing.auxConvert[k]
                return convert === undefined ? cell : convert(cell)
              })
        pts.push({ time: t, value: v, aux, tags })
      }
      if (pts.length > 0) out.push(pts)
    }
    return out
  }
  // InfluxDB's aux fields are sorted by name; equal times in a sorted merge compare by them.
  const auxOrder = ex.aux
    .map((a, k) => ({ name: a.name, k }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.k - b.k))
    .map((a) => a.k)
  const budget = { windows: FILL_WINDOW_BUDGET }
  const baseCtx = (withExtra: boolean): CallContext => ({
    budget,
    lib: input.lib,
    interval: iv,
    zone: plan.location,
    selectorTime: plan.fields.selector && iv === null,
    rangeStartNs,
    rangeEndNs: input.maxNs,
    fill: {
      fill: plan.fill,
      fillValue: plan.fillValue,
      ascending: plan.ascending,
      firstWindow:
        iv !== null && bounded
          ? windowStartIn(
              withExtra && plan.ascending ? input.minNs - extraNs : input.minNs,
              iv,
              plan.location,
            )
          : undefined,
      lastWindow:
        iv !== null
          ? windowStartIn(
              withExtra && !plan.ascending ? input.maxNs + extraNs : input.maxNs,
              iv,
              plan.location,
            )
          : 0n,
    },
    limit: plan.limit,
    offset: plan.offset,
    auxOrder,
  })
  const accs: CallAccumulator[] = calls.map(() => ({
    byShard: [],
    partials: [],
    lo: undefined,
    hi: undefined,
  }))
  const types = calls.map((_c, k) => typing.calls[k]?.type)
  const pushDown = calls.map(
    (c) =>
      !data.direct &&
      c.aggregate !== null &&
      c.aggregate.ofDistinct !== true &&
      MERGEABLE.has(c.aggregate.name),
  )
  // count/sum/mean/min/max/first/last reduce typed chunks from cursors, without point objects.
  const fast = calls.map((c, k) => {
    const type = types[k]
    return (
      data.cursors &&
      pushDown[k] === true &&
      type !== undefined &&
      c.aggregate !== null &&
      isFastCall(c.aggregate.name, type)
    )
  })
  const needRows = calls.some((_c, k) => fast[k] !== true)
  const limits = input.limits
  const addPoints = limits === undefined ? undefined : (n: number): void => limits.addPoints(n)
  let from = 0
  while (from < data.members.length) {
    const shardIndex = data.members[from]?.shardIndex
    let to = from
    while (to < data.members.length && data.members[to]?.shardIndex === shardIndex) to++
    const list = data.members.slice(from, to)
    from = to
    for (let k = 0; k < calls.length; k++) {
      const call = calls[k]
      const acc = accs[k]
      const type = types[k]
      const name = call?.aggregate?.name ?? ''
      if (
        fast[k] !== true ||
        call === undefined ||
        acc === undefined ||
        type === undefined ||
        !isFastCall(name, type)
      )
        continue
      if (input.signal?.aborted === true) break
      const withExtra = call.transforms.length > 0
      const lo = withExtra && plan.ascending ? input.minNs - extraNs : input.minNs
      const hi = withExtra && !plan.ascending ? input.maxNs + extraNs : input.maxNs
      if (lo < INT64_MIN || hi > INT64_MAX) continue
      const { windowOf, pctx } = partialHelpers(call, baseCtx(withExtra))
      const lists: Partial[][] = []
      // A few series at once: one's block reads overlap another's decoding; combined in order.
      const read = await mapInOrder(list, SERIES_AT_ONCE, async (mem) => {
        const cursor = mem.cursor(call.field, lo, hi, {
          ascending: plan.ascending,
          chunkSize: CURSOR_CHUNK,
          timesOnly: name === 'count',
        })
        return cursor === undefined
          ? undefined
          : await fastSeriesPartials(name, type, cursor, windowOf, addPoints)
      })
      for (const r of read) {
        if (r === undefined || r.partials.length === 0) continue
        lists.push(r.partials)
        if (r.lo !== undefined && (acc.lo === undefined || r.lo < acc.lo)) acc.lo = r.lo
        if (r.hi !== undefined && (acc.hi === undefined || r.hi > acc.hi)) acc.hi = r.hi
      }
      if (lists.length === 0) continue
      acc.partials.push(
        (name === 'first' || name === 'last') && iv === null
          ? firstLastPartial(input.lib, name, type, heads(lists), auxOrder, pctx)
          : combine(
              input.lib,
              name,
              type,
              parallelMerge(plan.ascending ? lists : lists.reverse(), plan.ascending),
              pctx,
            ),
      )
    }
    if (!needRows) continue
    const consume = (
      k: number,
      call: CallPlan,
      acc: CallAccumulator,
      type: ValueType,
      series: InputPoint[][],
    ): void => {
      if (series.length === 0) return
      for (const pts of series) {
        const first = pts[0]?.time
        const last = pts[pts.length - 1]?.time
        if (first !== undefined && (acc.lo === undefined || first < acc.lo)) acc.lo = first
        if (last !== undefined && (acc.hi === undefined || last > acc.hi)) acc.hi = last
      }
      if (pushDown[k] === true)
        acc.partials.push(shardPartials(call, type, series, baseCtx(call.transforms.length > 0)))
      else acc.byShard.push(series)
    }
    if (data.cursors) {
      // Each call reads its own field through cursors: no joined rows.
      for (let k = 0; k < calls.length; k++) {
        const call = calls[k]
        const acc = accs[k]
        const type = types[k]
        if (call === undefined || acc === undefined || type === undefined || fast[k] === true)
          continue
        const withExtra = call.transforms.length > 0
        const lo = withExtra && plan.ascending ? input.minNs - extraNs : input.minNs
        const hi = withExtra && !plan.ascending ? input.maxNs + extraNs : input.maxNs
        if (lo < INT64_MIN || hi > INT64_MAX) continue
        const series: InputPoint[][] = []
        for (const mem of list) {
          if (input.signal?.aborted === true) break
          const cursor = mem.cursor(call.field, lo, hi, {
            ascending: true,
            chunkSize: CURSOR_CHUNK,
          })
          if (cursor === undefined) continue
          const pts = await cursorPoints(cursor, Object.fromEntries(mem.tags), addPoints)
          if (pts.length > 0) series.push(pts)
        }
        consume(k, call, acc, type, series)
      }
      continue
    }
    const rows = await data.readRows(list)
    if (rows.length === 0) continue
    for (let k = 0; k < calls.length; k++) {
      const call = calls[k]
      const acc = accs[k]
      const type = types[k]
      if (call === undefined || acc === undefined || type === undefined || fast[k] === true)
        continue
      consume(k, call, acc, type, pointsOf(rows, k, call.transforms.length > 0))
    }
  }
  const inputs = accs.map((acc, k): CallInput => {
    let merged: InputPoint[] | undefined
    let fed: readonly InputPoint[] | undefined
    return {
      byShard: acc.byShard,
      shardPartials: pushDown[k] === true ? acc.partials : null,
      span: acc.lo !== undefined && acc.hi !== undefined ? [acc.lo, acc.hi] : null,
      sourceLevels: data.sourceLevels,
      direct: data.direct,
      merged: () => {
        if (merged === undefined) {
          merged = mergeByTime(acc.byShard.flat(1))
        }
        return merged
      },
      feed: () => {
        fed ??= goFeed(acc.byShard, plan.ascending, auxOrder)
        return fed
      },
    }
  })
  let lo: bigint | undefined
  let hi: bigint | undefined
  for (const pts of inputs) {
    const span = windowSpan(pts, baseCtx(false))
    if (span === undefined) continue
    if (lo === undefined || span[0] < lo) lo = span[0]
    if (hi === undefined || span[1] > hi) hi = span[1]
  }
  const streams: OutputPoint[][] = calls.map((c, k) => {
    const pts = inputs[k]
    const type = types[k]
    if (
      pts === undefined ||
      type === undefined ||
      (pts.span === null && (iv === null || lo === undefined))
    )
      return []
    return runCall(c, type, pts, baseCtx(c.transforms.length > 0), [lo ?? 0n, hi ?? 0n])
  })
  return mergeStreams(plan, ex, streams, typing.slots)
}

/** Merges the calls' outputs by time (a point of each per row) and evaluates the select list. */
function mergeStreams(
  plan: SelectPlan,
  ex: Expanded,
  streams: readonly OutputPoint[][],
  types: SlotTypes,
): QueryCell[][] {
  const pos = streams.map(() => 0)
  const out: QueryCell[][] = []
  const slots: (QueryCell | undefined)[] = streams.map(() => undefined)
  for (;;) {
    let t: bigint | undefined
    for (let s = 0; s < streams.length; s++) {
      const p = streams[s]?.[pos[s] ?? 0]
      if (p === undefined) continue
      if (t === undefined || (plan.ascending ? p.time < t : p.time > t)) t = p.time
    }
    if (t === undefined) break
    let aux: readonly QueryCell[] = []
    for (let s = 0; s < streams.length; s++) {
      const p = streams[s]?.[pos[s] ?? 0]
      if (p !== undefined && p.time === t) {
        slots[s] = p.value
        if (p.aux.length > 0) aux = p.aux
        pos[s] = (pos[s] ?? 0) + 1
      } else slots[s] = null
    }
    const row: QueryCell[] = [timeCell(t, plan.location)]
    for (const f of ex.fields) row.push(toCell(evalField(f.expr, slots, aux, types)))
    out.push(row)
  }
  return out
}

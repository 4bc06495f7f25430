// One call slot over one tag set: the call's points are cut into windows (GROUP BY time, or the
// whole range) and reduced by the library's aggregate — per series and shard first for the calls
// InfluxDB pushes down (select-partial.ts), over the merged points otherwise — stamped with the
// window start unless the call is a lone selector (InfluxDB's interval iterator), filled, passed
// through the transformations (derivative(mean(x)) …) and cut by OFFSET/LIMIT. Without an
// aggregate the transformations read the raw points.

import { StatementError } from './errors.js'
import {
  isWholeTagSet,
  type InputPoint,
  type OutputPoint,
  type ReducerContext,
  type ValueType,
  type WindowedReducerContext,
} from './functions/index.js'
import type { QueryCell } from './result.js'
import type { CallPlan } from './select-fields.js'
import {
  combine,
  firstLastPartial,
  goMerge,
  MERGEABLE,
  type Partial,
  parallelMerge,
  seriesPartials,
} from './select-partial.js'
import type { FunctionLibrary, TimeInterval } from './select-plan.js'
import { windowStartIn, zoneOffsetSeconds } from './select-tz.js'
import { type FillSpec, fillCall, zoneStepper } from './select-window.js'
export { FILL_WINDOW_BUDGET } from './select-window.js'

/**
 * The calls whose points InfluxDB moves to the window start (its interval iterator) unless the
 * call is a lone selector without GROUP BY time; the others (top, bottom, sample, integral …)
 * keep the times their function gives.
 */
const STAMPED: ReadonlySet<string> = new Set([
  'count',
  'min',
  'max',
  'sum',
  'first',
  'last',
  'mean',
  'median',
  'mode',
  'stddev',
  'spread',
  'percentile',
  'distinct',
])

/** top()/bottom() with tag arguments, which InfluxDB computes over per-tag maxima (minima). */
function byTags(call: CallPlan): boolean {
  const agg = call.aggregate
  return agg !== null && (agg.name === 'top' || agg.name === 'bottom') && agg.args.length > 2
}

/** Every series' points one list after another (loops: Array.prototype.flat is slower). */
function concatenated(byShard: readonly (readonly (readonly InputPoint[])[])[]): InputPoint[] {
  const out: InputPoint[] = []
  for (const series of byShard) for (const list of series) for (const p of list) out.push(p)
  return out
}

/**
 * top()/bottom() with neither tag arguments nor aux fields: they order points by value, then
 * time, so points that tie are equal in both and print alike — whichever the feed order keeps,
 * the answer is the same, and the cheaper time-ordered merge serves instead of influxd's heap.
 */
function orderFree(call: CallPlan, points: CallInput): boolean {
  const agg = call.aggregate
  if (agg === null || (agg.name !== 'top' && agg.name !== 'bottom') || agg.args.length > 2)
    return false
  const first = points.byShard[0]?.[0]?.[0]
  return first === undefined || first.aux.length === 0
}

/** What a call needs to know of the query. */
export interface CallContext {
  /** What is left of the statement's FILL_WINDOW_BUDGET (select-window.ts), shared by every call and tag set. */
  readonly budget: { windows: number }
  readonly lib: FunctionLibrary
  readonly interval: TimeInterval | null
  readonly zone: string | null
  readonly selectorTime: boolean
  /** The time of rows without GROUP BY time: the range start (0 when unbounded). */
  readonly rangeStartNs: bigint
  readonly rangeEndNs: bigint
  /** The first window transformations read (extra intervals before the range). */
  readonly fill: FillSpec
  readonly limit: number
  readonly offset: number
  /** The aux positions in InfluxDB's aux field order (by name), for ties in sorted merges. */
  readonly auxOrder: readonly number[]
}

/** The type of a call's output for its field's type, checking every function on the way. */
export function callOutputType(lib: FunctionLibrary, call: CallPlan, input: ValueType): ValueType {
  let t = input
  if (call.aggregate !== null) {
    const fn = lib.aggregate(call.aggregate.name)
    if (fn === undefined) throw new StatementError(`undefined function ${call.aggregate.name}()`)
    t = fn.outputType(t)
  }
  for (const tr of call.transforms) {
    const tf = lib.transform(tr.name)
    if (tf === undefined) throw new StatementError(`undefined function ${tr.name}()`)
    t = tf.outputType(t)
  }
  return t
}

function sampleOf(t: ValueType, fn: string): QueryCell {
  if (fn === 'count') return 0n
  switch (t) {
    case 'integer':
    case 'unsigned':
      return 0n
    case 'string':
      return ''
    case 'boolean':
      return false
    default:
      return 0
  }
}

/** The points of one call for one tag set. */
export interface CallInput {
  /** All points of the tag set in time order (ascending), series merged. */
  readonly merged: () => readonly InputPoint[]
  /**
   * The points in the order InfluxDB feeds them to a call it does not push down, in read
   * direction (select-go-merge.ts). Store measurements only; a subquery's come from `merged`.
   */
  readonly feed: () => readonly InputPoint[]
  /** The points per shard, per series (series in key order), each ascending. */
  readonly byShard: readonly (readonly (readonly InputPoint[])[])[]
  /** Combining levels above the shards: the sources' merge, and one more for a regex source. */
  readonly sourceLevels: number
  /** A subquery's points: one pass over all of them, then the sources' levels. */
  readonly direct: boolean
  /** Each shard's partial results, computed as the shards were read (then `byShard` is empty). */
  readonly shardPartials: readonly (readonly Partial[])[] | null
  /** The earliest and latest point time. */
  readonly span: readonly [bigint, bigint] | null
}

/** The window of a time and the reducer context of a window, for the partial levels. */
export function partialHelpers(
  call: CallPlan,
  ctx: CallContext,
): { windowOf: (t: bigint) => bigint; pctx: (w: bigint) => ReducerContext } {
  const iv = ctx.interval
  const intervalNs = iv === null ? 0n : iv.durationNs
  const args = call.aggregate?.args.slice(1) ?? []
  return {
    windowOf: (t) => (iv === null ? ctx.rangeStartNs : windowStartIn(t, iv, ctx.zone)),
    pctx: (w) => ({
      windowStart: w,
      windowEnd: iv === null ? ctx.rangeEndNs + 1n : w + intervalNs,
      intervalNs,
      selectorTime: true,
      args,
    }),
  }
}

/**
 * A shard's partial results for a call InfluxDB pushes down: each series reduced on its own
 * (`series` in key order, each ascending), merged as InfluxDB's parallel merge does, reduced again.
 */
export function shardPartials(
  call: CallPlan,
  input: ValueType,
  series: readonly (readonly InputPoint[])[],
  ctx: CallContext,
): Partial[] {
  const name = call.aggregate?.name ?? ''
  const { windowOf, pctx } = partialHelpers(call, ctx)
  const asc = ctx.fill.ascending
  const lists = series.map((pts) =>
    seriesPartials(ctx.lib, name, input, asc ? pts : [...pts].reverse(), windowOf, pctx),
  )
  if ((name === 'first' || name === 'last') && ctx.interval === null)
    return firstLastPartial(ctx.lib, name, input, heads(lists), ctx.auxOrder, pctx)
  // ORDER BY time DESC reverses the series of a tag set (query.TagSet.Reverse) and reads them backwards.
  return combine(ctx.lib, name, input, parallelMerge(asc ? lists : [...lists].reverse(), asc), pctx)
}

/** Each series' only partial (a call without GROUP BY time), series in order. */
export function heads(lists: readonly (readonly Partial[])[]): Partial[] {
  const out: Partial[] = []
  for (const l of lists) if (l[0] !== undefined) out.push(l[0])
  return out
}

/** Reduces the call's points into windows; returns window start → output points. */
function reduceWindows(
  call: CallPlan,
  input: ValueType,
  points: CallInput,
  ctx: CallContext,
): Map<bigint, OutputPoint[]> {
  const agg = call.aggregate
  const out = new Map<bigint, OutputPoint[]>()
  if (agg === null) return out
  const fn = ctx.lib.aggregate(agg.name)
  if (fn === undefined) throw new StatementError(`undefined function ${agg.name}()`)
  const iv = ctx.interval
  const args = agg.args.slice(1)
  const stamp = STAMPED.has(agg.name) && (!ctx.selectorTime || agg.name === 'distinct')
  const intervalNs = iv === null ? 0n : iv.durationNs
  const windowOf = (t: bigint): bigint =>
    iv === null ? ctx.rangeStartNs : windowStartIn(t, iv, ctx.zone)
  const endOf = (ws: bigint): bigint => (iv === null ? ctx.rangeEndNs + 1n : ws + intervalNs)
  const put = (ws: bigint, emitted: readonly OutputPoint[]): void => {
    if (emitted.length > 0)
      out.set(
        ws,
        stamp ? emitted.map((p) => (p.time === ws ? p : { ...p, time: ws })) : [...emitted],
      )
  }
  if (MERGEABLE.has(agg.name) && agg.ofDistinct !== true) {
    const asc = ctx.fill.ascending
    const pctx = (w: bigint): ReducerContext => ({
      windowStart: w,
      windowEnd: endOf(w),
      intervalNs,
      selectorTime: true,
      args,
    })
    if (points.direct) {
      let level = seriesPartials(
        ctx.lib,
        agg.name,
        input,
        asc ? points.merged() : [...points.merged()].reverse(),
        windowOf,
        pctx,
      )
      for (let k = 0; k < points.sourceLevels; k++)
        level = combine(ctx.lib, agg.name, input, level, pctx)
      for (const p of level) {
        const list = out.get(p.window)
        if (list === undefined) out.set(p.window, [p.point])
        else list.push(p.point)
      }
      for (const [w, pts] of out) put(w, pts)
      return out
    }
    const shards =
      points.shardPartials ??
      points.byShard.map((series) => shardPartials(call, input, series, ctx))
    let level = combine(ctx.lib, agg.name, input, goMerge(shards, asc), pctx)
    for (let k = 0; k < points.sourceLevels; k++)
      level = combine(ctx.lib, agg.name, input, level, pctx)
    const byWindow = new Map<bigint, OutputPoint[]>()
    for (const p of level) {
      let list = byWindow.get(p.window)
      if (list === undefined) byWindow.set(p.window, (list = []))
      list.push(p.point)
    }
    for (const [w, pts] of byWindow) put(w, pts)
    return out
  }
  // InfluxDB's feed order (read direction) for a store measurement; a subquery's points, and
  // top/bottom by tags, are read in time order.
  const merged =
    orderFree(call, points) && iv === null
      ? concatenated(points.byShard) // one window, and no order to keep
      : points.direct || byTags(call) || orderFree(call, points)
        ? points.merged()
        : points.feed()
  if (isWholeTagSet(fn) && agg.ofDistinct !== true) {
    // integral(): one reducer streams the whole tag set across the windows (InfluxDB's stream
    // iterator). Without GROUP BY time influxd stamps a float integral at time 0 and an integer
    // one at the range start (0 when unbounded). With several tag sets influxd's answer is not
    // repeatable: every tag set's last window is emitted when the input ends, for the tag sets in
    // Go map order (random), so those windows trail the streamed ones, each as a row of its own,
    // in a different order from run to run. We emit each tag set's windows together, in tag set
    // order (influxd's answer too when only the last tag set has a last window left to emit).
    const wctx: WindowedReducerContext = {
      windowStart: iv === null && input === 'float' ? 0n : ctx.rangeStartNs,
      windowEnd: ctx.rangeEndNs + 1n,
      intervalNs,
      selectorTime: false,
      args,
      windowOf,
      descending: !ctx.fill.ascending,
    }
    const reducer = fn.newReducer(input, wctx)
    for (const p of merged) reducer.push(p)
    for (const p of reducer.emit()) {
      const list = out.get(p.time)
      if (list === undefined) out.set(p.time, [p])
      else list.push(p)
    }
    return out
  }
  let i = 0
  const n = merged.length
  while (i < n) {
    const first = merged[i]
    if (first === undefined) break
    const ws = windowOf(first.time)
    const we = endOf(ws)
    const rctx: ReducerContext = {
      windowStart: ws,
      windowEnd: we,
      intervalNs,
      selectorTime: ctx.selectorTime,
      args,
    }
    const distinct =
      agg.ofDistinct === true ? ctx.lib.aggregate('distinct')?.newReducer(input, rctx) : undefined
    const reducer = fn.newReducer(input, rctx)
    let j = i
    for (; j < n; j++) {
      const p = merged[j]
      if (p === undefined || (iv !== null && (p.time < ws || p.time >= we))) break
      ;(distinct ?? reducer).push(p)
    }
    if (distinct !== undefined)
      for (const d of distinct.emit())
        if (d.value !== null) reducer.push({ time: d.time, value: d.value, aux: [], tags: {} })
    put(ws, reducer.emit())
    i = j
  }
  return out
}

/** The filled windows of an aggregate call in output order, flattened. */
function filled(
  call: CallPlan,
  outType: ValueType,
  windows: Map<bigint, OutputPoint[]>,
  ctx: CallContext,
  span: readonly [bigint, bigint],
): OutputPoint[] {
  const iv = ctx.interval
  const order = [...windows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (!ctx.fill.ascending) order.reverse()
  // integral() is never filled: InfluxDB returns its stream iterator without a fill iterator.
  const fn = ctx.lib.aggregate(call.aggregate?.name ?? '')
  const stream = fn !== undefined && isWholeTagSet(fn)
  if (iv === null || ctx.fill.fill === 'none' || stream)
    return order.flatMap((w) => windows.get(w) ?? [])
  const found = new Map<bigint, QueryCell>()
  for (const [w, pts] of windows) {
    const v = pts[0]?.value
    found.set(w, v === undefined ? null : v)
  }
  const name = call.aggregate?.name ?? ''
  const out: OutputPoint[] = []
  const zone = ctx.zone
  const stepper =
    zone === null
      ? undefined
      : zoneStepper(
          iv,
          ctx.fill.ascending,
          (t) => BigInt(zoneOffsetSeconds(zone, t)) * 1_000_000_000n,
        )
  for (const [w, cell] of fillCall(
    found,
    name,
    iv,
    ctx.fill,
    span,
    sampleOf(outType, name),
    stepper,
    ctx.budget,
  )) {
    const real = windows.get(w)
    if (real !== undefined) out.push(...real)
    else
      out.push({ time: w, value: cell === null || typeof cell === 'object' ? null : cell, aux: [] })
  }
  return out
}

/** The earliest and latest window holding a point of `points` (for fills without a lower bound). */
export function windowSpan(points: CallInput, ctx: CallContext): [bigint, bigint] | undefined {
  const iv = ctx.interval
  if (iv === null || points.span === null) return undefined
  return [windowStartIn(points.span[0], iv, ctx.zone), windowStartIn(points.span[1], iv, ctx.zone)]
}

/**
 * The output points of `call` for one tag set from its `points` (ascending by time, already in
 * the call's time range), in output order and cut by OFFSET/LIMIT.
 */
export function runCall(
  call: CallPlan,
  input: ValueType,
  points: CallInput,
  ctx: CallContext,
  span: readonly [bigint, bigint],
): OutputPoint[] {
  let out: OutputPoint[]
  let t = input
  if (call.aggregate !== null) {
    const windows = reduceWindows(call, input, points, ctx)
    const fn = ctx.lib.aggregate(call.aggregate.name)
    t = fn === undefined ? input : fn.outputType(input)
    out = filled(call, t, windows, ctx, span)
  } else {
    const raw = points.direct ? points.merged() : points.feed()
    out = raw.map((p) => ({ time: p.time, value: p.value, aux: p.aux }))
    if (!ctx.fill.ascending && points.direct) out.reverse()
  }
  for (const tr of call.transforms) {
    const tf = ctx.lib.transform(tr.name)
    if (tf === undefined) throw new StatementError(`undefined function ${tr.name}()`)
    const transform = tf.newTransform(t, {
      intervalNs: ctx.interval?.durationNs ?? 0n,
      args: tr.args,
      ascending: ctx.fill.ascending,
    })
    t = tf.outputType(t)
    const next: OutputPoint[] = []
    for (const p of out) for (const q of transform.push(p)) next.push(q)
    for (const q of transform.flush()) next.push(q)
    out = next
  }
  if (ctx.offset > 0 || ctx.limit > 0)
    out = out.slice(ctx.offset, ctx.limit > 0 ? ctx.offset + ctx.limit : undefined)
  return out
}

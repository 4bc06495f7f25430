// top(field[, tag…], N) and bottom(field[, tag…], N): the N points with the largest (smallest)
// values of a window. Equal values prefer the earlier point. With tag arguments InfluxDB first
// reduces each distinct combination of those tags' values to its max (min) point — the earliest
// one on ties — and then picks N among those, so each combination appears at most once; the tag
// values are output columns (OutputPoint.tagValues). Points keep their own time and aux even with
// GROUP BY time, and come out in time order (then in rank order). Like InfluxDB, the N points are
// kept in a binary min-heap (Go's container/heap), ranked with Go's sort.Sort and then stably by
// time, so points equal in value and time (from different series) come out in influxd's order.

import type { Expr } from '../../influxql/index.js'
import { formatExpr } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { intArg } from './arguments.js'
import { compare, isNumeric, unsupportedType } from './common.js'
import { goSort } from './go-sort.js'
import type {
  AggregateFunction,
  InputPoint,
  OutputPoint,
  Reducer,
  ReducerContext,
  ValueType,
} from './types.js'

function validateTopBottom(name: string, args: readonly Expr[]): void {
  if (args.length < 2)
    throw new StatementError(
      `invalid number of arguments for ${name}, expected at least 2, got ${args.length}`,
    )
  const last = args[args.length - 1]
  if (last === undefined || last.kind !== 'IntegerLiteral') {
    throw new StatementError(
      `expected integer as last argument in ${name}(), found ${last === undefined ? '' : formatExpr(last)}`,
    )
  }
  if (last.value <= 0n)
    throw new StatementError(`limit (${last.value}) in ${name} function must be at least 1`)
  const first = args[0]
  if (first === undefined || first.kind !== 'VarRef') {
    throw new StatementError(
      `expected first argument to be a field in ${name}(), found ${first === undefined ? '' : formatExpr(first)}`,
    )
  }
  for (const a of args.slice(1, -1)) {
    if (a.kind !== 'VarRef')
      throw new StatementError(
        `only fields or tags are allowed in ${name}(), found ${formatExpr(a)}`,
      )
  }
}

/**
 * InfluxDB's statement-level check of top/bottom's N against the statement's LIMIT (0 = none):
 * `limit (N) in top function can not be larger than the LIMIT (L) in the select statement`.
 */
export function checkTopBottomLimit(
  name: string,
  args: readonly Expr[],
  statementLimit: number,
): void {
  const n = intArg(args, args.length - 1, 0n)
  if (statementLimit > 0 && n > BigInt(statementLimit)) {
    throw new StatementError(
      `limit (${n}) in ${name} function can not be larger than the LIMIT (${statementLimit}) in the select statement`,
    )
  }
}

class TopBottomReducer implements Reducer {
  readonly #sign: number
  readonly #n: number
  readonly #tagKeys: readonly string[]
  /** The best point per tag combination (only with tag arguments). */
  readonly #perTags = new Map<string, InputPoint>()
  /** The kept points as a min-heap under {@link TopBottomReducer.#worse} (root = worst kept). */
  readonly #heap: InputPoint[] = []

  constructor(top: boolean, ctx: ReducerContext) {
    this.#sign = top ? 1 : -1
    this.#n = Number(intArg(ctx.args, ctx.args.length - 1, 1n))
    this.#tagKeys = ctx.args.slice(0, -1).map((a) => (a.kind === 'VarRef' ? a.name : ''))
  }

  /** True when `a` ranks before `b`: better value, then the earlier time. */
  #before(a: InputPoint, b: InputPoint): boolean {
    const c = compare(a.value, b.value) * this.#sign
    return c > 0 || (c === 0 && a.time < b.time)
  }

  /** InfluxDB's heap order (its cmp): a worse value, or on equal values the later time. */
  readonly #worse = (a: InputPoint, b: InputPoint): boolean => {
    const c = compare(a.value, b.value) * this.#sign
    return c < 0 || (c === 0 && a.time > b.time)
  }

  push(p: InputPoint): void {
    if (this.#tagKeys.length === 0) return this.#keep(p)
    const key = JSON.stringify(this.#tagKeys.map((k) => p.tags[k] ?? ''))
    const cur = this.#perTags.get(key)
    if (cur === undefined || this.#before(p, cur)) this.#perTags.set(key, p)
  }

  /** Go's top/bottom AggregateFloat: push while not full, else replace the root when p is better. */
  #keep(p: InputPoint): void {
    const h = this.#heap
    if (h.length === this.#n) {
      const root = h[0]
      if (root === undefined || !this.#worse(root, p)) return
      h[0] = p
      // container/heap.Fix(h, 0): only down() can move the root.
      this.#down(0)
      return
    }
    h.push(p)
    this.#up(h.length - 1)
  }

  #up(j: number): void {
    const h = this.#heap
    while (j > 0) {
      const i = Math.trunc((j - 1) / 2)
      const a = h[j]
      const b = h[i]
      if (a === undefined || b === undefined || !this.#worse(a, b)) return
      h[i] = a
      h[j] = b
      j = i
    }
  }

  #down(i: number): void {
    const h = this.#heap
    const n = h.length
    for (;;) {
      const j1 = 2 * i + 1
      if (j1 >= n) return
      let j = j1
      const c1 = h[j1]
      const c2 = h[j1 + 1]
      if (c1 === undefined) return
      let child = c1
      if (c2 !== undefined && this.#worse(c2, c1)) {
        j = j1 + 1
        child = c2
      }
      const cur = h[i]
      if (cur === undefined || !this.#worse(child, cur)) return
      h[i] = child
      h[j] = cur
      i = j
    }
  }

  emit(): OutputPoint[] {
    for (const p of this.#perTags.values()) this.#keep(p)
    this.#perTags.clear()
    const ranked = this.#heap.slice()
    // sort.Sort(sort.Reverse(h)): best first, Go's unstable order for full ties.
    const worse = this.#worse
    goSort(ranked, (a, b) => worse(b, a))
    // sort.Stable by time (Array.prototype.sort is stable): equal times stay in rank order.
    ranked.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
    const keys = this.#tagKeys
    return ranked.map((p) => ({
      time: p.time,
      value: p.value,
      aux: p.aux,
      ...(keys.length > 0 && { tagValues: keys.map((k) => p.tags[k] ?? '') }),
    }))
  }
}

function topBottom(name: 'top' | 'bottom'): AggregateFunction {
  const outputType = (t: ValueType): ValueType => {
    if (!isNumeric(t)) throw unsupportedType(name, t)
    return t
  }
  return {
    name,
    kind: 'selector',
    validate: (args) => validateTopBottom(name, args),
    outputType,
    newReducer: (t, ctx) => {
      outputType(t)
      return new TopBottomReducer(name === 'top', ctx)
    },
  }
}

/** top(field[, tag…], N): selector; the input type. */
export const top = topBottom('top')

/** bottom(field[, tag…], N): selector; the input type. */
export const bottom = topBottom('bottom')

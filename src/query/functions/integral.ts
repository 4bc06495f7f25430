// integral(field[, unit]): the area under the field's curve by the trapezoidal rule, in value ×
// unit (default 1s). InfluxDB streams every point of a tag set through one reducer: when a point
// falls beyond the current GROUP BY time window, the curve is interpolated linearly at the
// window's end, that window is emitted (time = window start) and the next window starts from the
// interpolated point. For integer fields InfluxDB keeps the previous point's value (not the
// interpolated one) and uses the interpolated value in place of the new point's for the first
// trapezoid of the next window; this module reproduces both behaviours exactly. A window is not
// emitted when its last point lies exactly on the window's start. For ORDER BY time DESC InfluxDB
// runs the same code over descending points with the window's bounds swapped: areas come out
// negative, stamped with the window's end, and a point exactly on a window's start closes that
// window and opens it again (which emits an extra 0). No window is filled: influxd emits what the
// reducer emits.

import type { Expr } from '../../influxql/index.js'
import { formatDuration } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { checkArgRange, checkFieldArg, durationArg } from './arguments.js'
import { isNumeric, plain, toFloat, unsupportedType } from './common.js'
import type { WholeTagSetAggregate, WindowedReducerContext } from './extensions.js'
import type { InputPoint, OutputPoint, Reducer, ValueType } from './types.js'

const SECOND_NS = 1_000_000_000n

function validateIntegral(args: readonly Expr[]): void {
  checkArgRange('integral', args, 1, 2)
  const unit = args[1]
  if (unit !== undefined) {
    if (unit.kind !== 'DurationLiteral')
      throw new StatementError('second argument must be a duration')
    if (unit.value <= 0n)
      throw new StatementError(
        `duration argument must be positive, got ${formatDuration(unit.value)}`,
      )
  }
  checkFieldArg('integral', args[0])
}

class IntegralReducer implements Reducer {
  readonly #ctx: WindowedReducerContext
  readonly #unit: number
  readonly #integer: boolean
  readonly #ascending: boolean
  readonly #out: OutputPoint[] = []
  #sum = 0
  #prevTime = 0n
  #prevValue = 0
  #hasPrev = false
  /** The window's bound the output is stamped with: its start, or its end for DESC (InfluxDB swaps them). */
  #start = 0n
  /** The bound a point must pass to close the window: the end, or the start for DESC. */
  #end = 0n

  constructor(ctx: WindowedReducerContext, integer: boolean) {
    this.#ctx = ctx
    this.#unit = Number(durationArg(ctx.args, 0, SECOND_NS))
    this.#integer = integer
    this.#ascending = ctx.descending !== true
  }

  /**
   * Sets the window of `t` as InfluxDB does: with GROUP BY time, [start, start + interval); an
   * integer integral without it takes the query range [range start (0 when unbounded), range end
   * + 1); a float one has no window. For DESC the two bounds trade places.
   */
  #windowOf(t: bigint): void {
    const iv = this.#ctx.intervalNs
    let lo: bigint
    let hi: bigint
    if (iv !== 0n) {
      lo = this.#ctx.windowOf?.(t) ?? floorDiv(t, iv) * iv
      hi = lo + iv
    } else if (this.#integer) {
      lo = this.#ctx.windowStart
      hi = this.#ctx.windowEnd
    } else return
    if (this.#ascending) {
      this.#start = lo
      this.#end = hi
    } else {
      this.#start = hi
      this.#end = lo
    }
  }

  /** Whether `t` lies beyond the current window (past its end, or before its start for DESC). */
  #crosses(t: bigint): boolean {
    if (this.#ctx.intervalNs === 0n && !this.#integer) return false
    return this.#ascending ? t >= this.#end : t <= this.#end
  }

  push(p: InputPoint): void {
    let value = toFloat(p.value)
    if (!this.#hasPrev) {
      this.#hasPrev = true
      this.#prevTime = p.time
      this.#prevValue = value
      this.#windowOf(p.time)
      return
    }
    if (this.#prevTime === p.time) {
      this.#prevValue = value
      return
    }
    if (this.#crosses(p.time)) {
      if (this.#prevTime !== this.#end) {
        const atEnd = linear(this.#end, this.#prevTime, p.time, this.#prevValue, value)
        const elapsed = Number(this.#end - this.#prevTime) / this.#unit
        this.#sum += 0.5 * (atEnd + this.#prevValue) * elapsed
        if (this.#integer) value = atEnd
        else this.#prevValue = atEnd
        this.#prevTime = this.#end
      }
      this.#out.push(plain(this.#start, this.#sum))
      this.#windowOf(p.time)
      this.#sum = 0
    }
    const elapsed = Number(p.time - this.#prevTime) / this.#unit
    this.#sum += 0.5 * (value + this.#prevValue) * elapsed
    this.#prevTime = p.time
    this.#prevValue = toFloat(p.value)
  }

  emit(): OutputPoint[] {
    const out = this.#out.slice()
    if (this.#hasPrev && this.#prevTime !== this.#start) out.push(plain(this.#start, this.#sum))
    return out
  }
}

function linear(at: bigint, t0: bigint, t1: bigint, v0: number, v1: number): number {
  const m = (v1 - v0) / Number(t1 - t0)
  return m * Number(at - t0) + v0
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

function outputType(t: ValueType): ValueType {
  if (!isNumeric(t)) throw unsupportedType('integral', t)
  return 'float'
}

/** integral(field[, unit]): float; one reducer per tag set (see {@link WholeTagSetAggregate}). */
export const integral: WholeTagSetAggregate = {
  name: 'integral',
  kind: 'aggregate',
  wholeTagSet: true,
  validate: validateIntegral,
  outputType,
  newReducer: (t, ctx) => {
    outputType(t)
    return new IntegralReducer(ctx, t !== 'float')
  },
}

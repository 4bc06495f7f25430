// The transformations InfluxDB 1.6 streams over a tag set's time-ordered points — raw field
// values, or one aggregate value per GROUP BY time window: derivative, non_negative_derivative,
// difference, non_negative_difference, elapsed, moving_average and cumulative_sum. Null points
// (empty windows) are skipped, as InfluxDB's stream iterators skip nil points. Output times are
// the time of the point that completes the computation.
//
// Units: derivative's defaults to the GROUP BY interval when there is one, else 1s; elapsed's to
// 1ns. derivative and difference ignore a point whose time equals the previous one; elapsed does
// not (it reports 0).

import type { Expr } from '../../influxql/index.js'
import { formatDuration } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { checkArgCount, checkArgRange, checkFieldArg, goTypeName } from './arguments.js'
import { isNumeric, toFloat, unsupportedType, wrap } from './common.js'
import type { OutputPoint, Scalar, Transform, TransformFunction, ValueType } from './types.js'

const SECOND_NS = 1_000_000_000n

/** The literal arguments of a transform (whether or not the engine passed the field first). */
function literals(args: readonly Expr[]): Expr[] {
  return args.filter(
    (a) =>
      a.kind !== 'VarRef' &&
      a.kind !== 'Call' &&
      a.kind !== 'Distinct' &&
      a.kind !== 'Wildcard' &&
      a.kind !== 'RegexLiteral' &&
      a.kind !== 'BinaryExpr' &&
      a.kind !== 'ParenExpr',
  )
}

/** The rule every transform applies to its first argument (compile.go's nested-call check). */
function checkInner(name: string, arg: Expr | undefined, hasGroupByTime: boolean): void {
  if (arg?.kind === 'Call' || arg?.kind === 'Distinct') {
    if (!hasGroupByTime) throw new StatementError(`${name} aggregate requires a GROUP BY interval`)
    return
  }
  if (hasGroupByTime)
    throw new StatementError(`aggregate function required inside the call to ${name}`)
  checkFieldArg(name, arg)
}

function checkDurationArg(name: string, arg: Expr | undefined): void {
  if (arg === undefined) return
  if (arg.kind !== 'DurationLiteral')
    throw new StatementError(
      `second argument to ${name} must be a duration, got ${goTypeName(arg)}`,
    )
  if (arg.value <= 0n)
    throw new StatementError(`duration argument must be positive, got ${formatDuration(arg.value)}`)
}

function numericOut(label: string, out: (t: ValueType) => ValueType): (t: ValueType) => ValueType {
  return (t) => {
    if (!isNumeric(t)) throw unsupportedType(label, t)
    return out(t)
  }
}

/** A transform that emits at most one point per input point. */
class StepTransform implements Transform {
  readonly #step: (p: OutputPoint, value: Scalar) => OutputPoint | undefined
  constructor(step: (p: OutputPoint, value: Scalar) => OutputPoint | undefined) {
    this.#step = step
  }
  push(p: OutputPoint): OutputPoint[] {
    if (p.value === null) return []
    const out = this.#step(p, p.value)
    return out === undefined ? [] : [out]
  }
  flush(): OutputPoint[] {
    return []
  }
}

function point(time: bigint, value: Scalar): OutputPoint {
  return { time, value, aux: [] }
}

function derivative(name: string, nonNegative: boolean): TransformFunction {
  const outputType = numericOut('derivative', () => 'float')
  return {
    name,
    validate(args, hasGroupByTime) {
      checkArgRange(name, args, 1, 2)
      checkDurationArg(name, args[1])
      checkInner(name, args[0], hasGroupByTime)
    },
    outputType,
    newTransform(input, ctx) {
      outputType(input)
      const lit = literals(ctx.args)[0]
      const unitNs =
        lit?.kind === 'DurationLiteral'
          ? lit.value
          : ctx.intervalNs > 0n
            ? ctx.intervalNs
            : SECOND_NS
      const unit = Number(unitNs)
      let prevTime: bigint | undefined
      let prevValue: Scalar = 0
      return new StepTransform((p, v) => {
        if (prevTime === p.time) return undefined
        const t0 = prevTime
        const v0 = prevValue
        prevTime = p.time
        prevValue = v
        if (t0 === undefined) return undefined
        const diff = diffAsFloat(input, v, v0)
        let elapsed = Number(p.time - t0)
        if (!ctx.ascending) elapsed = -elapsed
        if (nonNegative && diff < 0) return undefined
        return point(p.time, diff / (elapsed / unit))
      })
    },
  }
}

/** curr − prev as float64 the way InfluxDB computes it per type (int64 wraps before converting). */
function diffAsFloat(t: ValueType, curr: Scalar, prev: Scalar): number {
  if (t === 'float') return toFloat(curr) - toFloat(prev)
  const c = curr as bigint
  const p = prev as bigint
  if (t === 'unsigned') return c > p ? Number(c - p) : -Number(p - c)
  return Number(BigInt.asIntN(64, c - p))
}

function difference(name: string, nonNegative: boolean): TransformFunction {
  const outputType = numericOut('difference', (t) => t)
  return {
    name,
    validate(args, hasGroupByTime) {
      checkArgCount(name, args, 1)
      checkInner(name, args[0], hasGroupByTime)
    },
    outputType,
    newTransform(input) {
      outputType(input)
      let prevTime: bigint | undefined
      let prevValue: Scalar = 0
      return new StepTransform((p, v) => {
        if (prevTime === p.time) return undefined
        const t0 = prevTime
        const v0 = prevValue
        prevTime = p.time
        prevValue = v
        if (t0 === undefined) return undefined
        if (input === 'float') {
          const d = toFloat(v) - toFloat(v0)
          return nonNegative && d < 0 ? undefined : point(p.time, d)
        }
        const c = v as bigint
        const o = v0 as bigint
        if (input === 'unsigned')
          return nonNegative && c < o ? undefined : point(p.time, wrap('unsigned', c - o))
        const d = wrap('integer', c - o)
        return nonNegative && d < 0n ? undefined : point(p.time, d)
      })
    },
  }
}

const elapsed: TransformFunction = {
  name: 'elapsed',
  validate(args, hasGroupByTime) {
    checkArgRange('elapsed', args, 1, 2)
    checkDurationArg('elapsed', args[1])
    checkInner('elapsed', args[0], hasGroupByTime)
  },
  outputType: () => 'integer',
  newTransform(_input, ctx) {
    const lit = literals(ctx.args)[0]
    const unit = lit?.kind === 'DurationLiteral' ? lit.value : 1n
    let prevTime: bigint | undefined
    return new StepTransform((p) => {
      const t0 = prevTime
      prevTime = p.time
      return t0 === undefined ? undefined : point(p.time, (p.time - t0) / unit)
    })
  },
}

const movingAverage: TransformFunction = {
  name: 'moving_average',
  validate(args, hasGroupByTime) {
    checkArgCount('moving_average', args, 2)
    const n = args[1]
    if (n?.kind !== 'IntegerLiteral')
      throw new StatementError(
        `second argument for moving_average must be an integer, got ${goTypeName(n)}`,
      )
    if (n.value <= 1n)
      throw new StatementError(`moving_average window must be greater than 1, got ${n.value}`)
    checkInner('moving_average', args[0], hasGroupByTime)
  },
  outputType: numericOut('moving average', () => 'float'),
  newTransform(input, ctx) {
    movingAverage.outputType(input)
    const lit = literals(ctx.args)[0]
    const n = lit?.kind === 'IntegerLiteral' ? Number(lit.value) : 2
    const buf: Scalar[] = []
    let pos = 0
    let floatSum = 0
    let intSum = 0n
    return new StepTransform((p, v) => {
      if (buf.length < n) buf.push(v)
      else {
        const old = buf[pos] ?? 0
        if (input === 'float') floatSum -= old as number
        else intSum -= old as bigint
        buf[pos] = v
      }
      if (input === 'float') floatSum += v as number
      else intSum = wrap(input, intSum + (v as bigint))
      pos = (pos + 1) % n
      if (buf.length < n) return undefined
      return point(p.time, input === 'float' ? floatSum / n : Number(intSum) / n)
    })
  },
}

const cumulativeSum: TransformFunction = {
  name: 'cumulative_sum',
  validate(args, hasGroupByTime) {
    checkArgCount('cumulative_sum', args, 1)
    checkInner('cumulative_sum', args[0], hasGroupByTime)
  },
  outputType: numericOut('cumulative sum', (t) => t),
  newTransform(input) {
    cumulativeSum.outputType(input)
    let floatSum = 0
    let intSum = 0n
    return new StepTransform((p, v) => {
      if (input === 'float') return point(p.time, (floatSum += v as number))
      intSum = wrap(input, intSum + (v as bigint))
      return point(p.time, intSum)
    })
  },
}

/** All transformations of this module by name. */
export const TRANSFORMS: readonly TransformFunction[] = [
  derivative('derivative', false),
  derivative('non_negative_derivative', true),
  difference('difference', false),
  difference('non_negative_difference', true),
  elapsed,
  movingAverage,
  cumulativeSum,
]

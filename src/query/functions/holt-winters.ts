// holt_winters(agg, N, S) and holt_winters_with_fit(agg, N, S): InfluxDB 1.6's damped Holt-Winters
// forecast over a tag set's GROUP BY time aggregates. The points are bucketed onto the interval
// grid (gaps become NaN and are skipped), initial level/trend/seasonals are guessed, and the
// parameters (alpha, beta, gamma, phi, l0, b0, seasonals) are fitted by Nelder-Mead from each of
// the 3^4 grid starts, keeping the lowest sum of squared errors. The forecast then runs N
// intervals past the last point. Like InfluxDB, the recursion feeds each step its own previous
// forecast (not the observed value), and the fit mutates its parameter vectors in place (the
// seasonal ring buffer and the [0, 1] clamp), which the optimizer sees; we reproduce both so the
// numbers agree bit for bit. Output times: the last point's time + i·interval, or for the
// _with_fit variant, the first point's time + i·interval.

import { StatementError } from '../errors.js'
import { checkArgCount } from './arguments.js'
import { IntPowers } from './go-float.js'
import { nelderMead } from './nelder-mead.js'
import type { OutputPoint, Transform, TransformFunction } from './types.js'
import { isNumeric, unsupportedType } from './common.js'

const WEIGHT = 0.5
const EPSILON = 1.0e-4
const GUESS_LOWER = 0.3
const GUESS_UPPER = 1.0
const GUESS_STEP = 0.4

/** The fitting state of one tag set: the bucketed series, its season and horizon. */
class HoltWintersModel {
  readonly #y: Float64Array
  readonly #m: number
  readonly #seasonal: boolean
  readonly #scratch: Float64Array
  readonly #powers = new IntPowers()

  constructor(y: Float64Array, m: number) {
    this.#y = y
    this.#m = m
    this.#seasonal = m >= 2
    this.#scratch = new Float64Array(y.length)
  }

  /** Fits the parameters and returns the fitted values followed by h forecasts. */
  run(h: number): Float64Array {
    const y = this.#y
    const m = this.#m
    let l0 = 0.0
    let b0 = 0.0
    const s: number[] = []
    if (this.#seasonal) {
      for (let i = 0; i < m; i++) {
        const yi = y[i] ?? Number.NaN
        if (!Number.isNaN(yi)) l0 += (1 / m) * yi
      }
      for (let i = 0; i < m && m + i < y.length; i++) {
        const a = y[i] ?? Number.NaN
        const b = y[m + i] ?? Number.NaN
        if (!Number.isNaN(a) && !Number.isNaN(b)) b0 += (1 / (m * m)) * (b - a)
      }
      for (let i = 0; i < m; i++) {
        const yi = y[i] ?? Number.NaN
        s.push(Number.isNaN(yi) ? 0 : yi / l0)
      }
    } else {
      l0 += WEIGHT * (y[0] ?? 0)
      const y1 = y[1] ?? Number.NaN
      if (!Number.isNaN(y1)) b0 = WEIGHT * (y1 - (y[0] ?? 0))
    }
    const start = new Float64Array(6 + s.length)
    start[4] = l0
    start[5] = b0
    start.set(s, 6)

    const sse = (p: Float64Array): number => this.#sse(p)
    let minSSE = Infinity
    let best: Float64Array | undefined
    for (let alpha = GUESS_LOWER; alpha < GUESS_UPPER; alpha += GUESS_STEP) {
      for (let beta = GUESS_LOWER; beta < GUESS_UPPER; beta += GUESS_STEP) {
        for (let gamma = GUESS_LOWER; gamma < GUESS_UPPER; gamma += GUESS_STEP) {
          for (let phi = GUESS_LOWER; phi < GUESS_UPPER; phi += GUESS_STEP) {
            start[0] = alpha
            start[1] = beta
            start[2] = gamma
            start[3] = phi
            const r = nelderMead(sse, start, EPSILON, 1)
            if (r.value < minSSE || best === undefined) {
              minSSE = r.value
              best = r.params
            }
          }
        }
      }
    }
    const out = new Float64Array(y.length + h)
    if (best !== undefined) this.#forecast(best, out)
    return out
  }

  #sse(params: Float64Array): number {
    const f = this.#scratch
    this.#forecast(params, f)
    const y = this.#y
    let sum = 0.0
    for (let i = 0; i < f.length; i++) {
      const yi = y[i] ?? Number.NaN
      if (Number.isNaN(yi)) continue
      const fi = f[i] ?? Number.NaN
      if (Number.isNaN(fi)) return Infinity
      const diff = fi - yi
      sum += diff * diff
    }
    return sum
  }

  /** Fills `out` with the model's values from t = 0; clamps params[0..3] and rotates the seasonals in params, as InfluxDB does. */
  #forecast(params: Float64Array, out: Float64Array): void {
    for (let k = 0; k < 4; k++) {
      const x = params[k] ?? 0
      if (x > 1) params[k] = 1
      if ((params[k] ?? 0) < 0) params[k] = 0
    }
    const alpha = params[0] ?? 0
    const beta = params[1] ?? 0
    const gamma = params[2] ?? 0
    const phi = params[3] ?? 0
    let yT = this.#y[0] ?? 0
    let phiH = phi
    const powers = this.#powers
    powers.reset(phi)
    let lT = params[4] ?? 0
    let bT = params[5] ?? 0
    const seasonal = this.#seasonal
    const m = seasonal ? params.length - 6 : 0
    let so = m - 1
    out[0] = yT
    let stm = 1.0
    let stmh = 1.0
    for (let t = 1; t < out.length; t++) {
      if (seasonal) {
        const hm = t % m
        stm = params[6 + ((t - m + so) % m)] ?? 0
        stmh = params[6 + ((t - m + hm + so) % m)] ?? 0
      }
      const lTp = lT
      const bTp = bT
      lT = alpha * (yT / stm) + (1 - alpha) * (lTp + phi * bTp)
      bT = beta * (lT - lTp) + (1 - beta) * phi * bTp
      const sT = gamma * (yT / (lTp + phi * bTp)) + (1 - gamma) * stm
      yT = (lT + phiH * bT) * stmh
      phiH += powers.pow(t)
      if (seasonal) {
        params[6 + ((t + so) % m)] = sT
        so++
      }
      out[t] = yT
    }
  }
}

/** InfluxDB's overflow-safe rounding of a time to the nearest interval boundary (ties down). */
function roundTime(t: bigint, interval: bigint): bigint {
  return t % interval > interval / 2n ? (t / interval + 1n) * interval : (t / interval) * interval
}

class HoltWintersTransform implements Transform {
  readonly #h: number
  readonly #m: number
  readonly #withFit: boolean
  readonly #interval: bigint
  readonly #times: bigint[] = []
  readonly #values: number[] = []

  constructor(h: number, m: number, withFit: boolean, interval: bigint) {
    this.#h = h
    this.#m = m
    this.#withFit = withFit
    this.#interval = interval
  }

  push(p: OutputPoint): OutputPoint[] {
    if (p.value === null) return []
    this.#times.push(p.time)
    this.#values.push(typeof p.value === 'number' ? p.value : Number(p.value))
    return []
  }

  flush(): OutputPoint[] {
    const times = this.#times
    const n = times.length
    const h = this.#h
    const interval = this.#interval
    const first = times[0]
    const last = times[n - 1]
    if (
      first === undefined ||
      last === undefined ||
      n < 2 ||
      (this.#m >= 2 && n < this.#m) ||
      h <= 0 ||
      interval <= 0n
    )
      return []
    const y = this.#bucket(first, last)
    if (y === undefined) return []
    const forecast = new HoltWintersModel(y, this.#m).run(h)
    const out: OutputPoint[] = []
    const from = this.#withFit ? 0 : y.length
    const base = this.#withFit ? first : last + interval
    for (let i = from; i < forecast.length; i++) {
      const v = forecast[i] ?? Number.NaN
      if (!Number.isNaN(v))
        out.push({ time: base + interval * BigInt(i - from), value: v, aux: [] })
    }
    return out
  }

  /** The values on the interval grid from the first point's bucket, NaN for missing buckets; undefined when all fall in one bucket. */
  #bucket(first: bigint, last: bigint): Float64Array | undefined {
    const interval = this.#interval
    const start = roundTime(first, interval)
    if ((roundTime(last, interval) - start) / interval <= 0n) return undefined
    const y: number[] = [this.#values[0] ?? 0]
    let t = start
    for (let k = 1; k < this.#times.length; k++) {
      const rounded = roundTime(this.#times[k] ?? 0n, interval)
      if (rounded <= t) continue
      t += interval
      while (rounded !== t) {
        y.push(Number.NaN)
        t += interval
      }
      y.push(this.#values[k] ?? 0)
    }
    return Float64Array.from(y)
  }
}

function holtWinters(name: string, withFit: boolean): TransformFunction {
  const outputType = (t: Parameters<TransformFunction['outputType']>[0]): 'float' => {
    if (!isNumeric(t) || t === 'unsigned') throw unsupportedType('elapsed', t)
    return 'float'
  }
  return {
    name,
    validate(args, hasGroupByTime) {
      checkArgCount(name, args, 3)
      const n = args[1]
      if (n?.kind !== 'IntegerLiteral')
        throw new StatementError(`expected integer argument as second arg in ${name}`)
      if (n.value <= 0n)
        throw new StatementError(`second arg to ${name} must be greater than 0, got ${n.value}`)
      const s = args[2]
      if (s?.kind !== 'IntegerLiteral')
        throw new StatementError(`expected integer argument as third arg in ${name}`)
      if (s.value < 0n)
        throw new StatementError(`third arg to ${name} cannot be negative, got ${s.value}`)
      if (args[0]?.kind !== 'Call')
        throw new StatementError(`must use aggregate function with ${name}`)
      if (!hasGroupByTime)
        throw new StatementError(`${name} aggregate requires a GROUP BY interval`)
    },
    outputType,
    newTransform(input, ctx) {
      outputType(input)
      const lits = ctx.args.filter((a) => a.kind === 'IntegerLiteral')
      const h = lits[0]?.kind === 'IntegerLiteral' ? Number(lits[0].value) : 0
      const m = lits[1]?.kind === 'IntegerLiteral' ? Number(lits[1].value) : 0
      return new HoltWintersTransform(h, m, withFit, ctx.intervalNs)
    },
  }
}

/** holt_winters(agg, N, S): N forecast points after the last aggregate. */
export const holtWintersFn: TransformFunction = holtWinters('holt_winters', false)

/** holt_winters_with_fit(agg, N, S): the fitted values from the first aggregate, then N forecasts. */
export const holtWintersWithFitFn: TransformFunction = holtWinters('holt_winters_with_fit', true)

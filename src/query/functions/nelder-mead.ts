// The Nelder-Mead simplex minimizer InfluxDB 1.6 uses to fit holt_winters() (after Michael F.
// Hutt's C implementation): a regular initial simplex around the start point, reflection 1,
// contraction 0.5, expansion 2, at most 1000 iterations, stopping when the standard deviation of
// the vertex values drops below epsilon. Every step and comparison follows InfluxDB's order so
// the fitted parameters agree to the last bit. The objective may modify the vector it is given
// (holt_winters clamps its parameters in place), exactly as in InfluxDB.

import { goSquare } from './go-float.js'

const MAX_ITERATIONS = 1000
const REFLECT = 1.0
const CONTRACT = 0.5
const EXPAND = 2.0

/** The minimum found and the vertex where it was found. */
export interface Minimum {
  readonly value: number
  readonly params: Float64Array
}

/** Minimizes `objective` from `start` with the given tolerance and initial simplex size. */
export function nelderMead(
  objective: (x: Float64Array) => number,
  start: Float64Array,
  epsilon: number,
  scale: number,
): Minimum {
  const n = start.length
  const v: Float64Array[] = []
  for (let i = 0; i <= n; i++) v.push(new Float64Array(n))
  const f = new Float64Array(n + 1)
  const vr = new Float64Array(n)
  const ve = new Float64Array(n)
  const vc = new Float64Array(n)
  const vm = new Float64Array(n)
  const vx = (i: number): Float64Array => v[i] ?? vm

  const pn = (scale * (Math.sqrt(n + 1) - 1 + n)) / (n * Math.SQRT2)
  const qn = (scale * (Math.sqrt(n + 1) - 1)) / (n * Math.SQRT2)
  vx(0).set(start)
  for (let i = 1; i <= n; i++) {
    const row = vx(i)
    for (let j = 0; j < n; j++) row[j] = (i - 1 === j ? pn : qn) + (start[j] ?? 0)
  }
  for (let j = 0; j <= n; j++) f[j] = objective(vx(j))
  const fa = (i: number): number => f[i] ?? 0

  for (let itr = 1; itr <= MAX_ITERATIONS; itr++) {
    let vg = 0
    let vs = 0
    for (let i = 0; i <= n; i++) {
      if (fa(i) > fa(vg)) vg = i
      if (fa(i) < fa(vs)) vs = i
    }
    let vh = vs
    for (let i = 0; i <= n; i++) if (fa(i) > fa(vh) && fa(i) < fa(vg)) vh = i

    const worst = vx(vg)
    for (let i = 0; i < n; i++) {
      let cent = 0.0
      for (let m = 0; m <= n; m++) if (m !== vg) cent += vx(m)[i] ?? 0
      vm[i] = cent / n
    }
    for (let i = 0; i < n; i++) vr[i] = (vm[i] ?? 0) + REFLECT * ((vm[i] ?? 0) - (worst[i] ?? 0))
    const fr = objective(vr)

    if (fr < fa(vh) && fr >= fa(vs)) {
      worst.set(vr)
      f[vg] = fr
    }
    if (fr < fa(vs)) {
      for (let i = 0; i < n; i++) ve[i] = (vm[i] ?? 0) + EXPAND * ((vr[i] ?? 0) - (vm[i] ?? 0))
      const fe = objective(ve)
      if (fe < fr) {
        worst.set(ve)
        f[vg] = fe
      } else {
        worst.set(vr)
        f[vg] = fr
      }
    }
    if (fr >= fa(vh)) {
      if (fr < fa(vg) && fr >= fa(vh)) {
        for (let i = 0; i < n; i++) vc[i] = (vm[i] ?? 0) + CONTRACT * ((vr[i] ?? 0) - (vm[i] ?? 0))
      } else {
        for (let i = 0; i < n; i++)
          vc[i] = (vm[i] ?? 0) - CONTRACT * ((vm[i] ?? 0) - (worst[i] ?? 0))
      }
      const fc = objective(vc)
      if (fc < fa(vg)) {
        worst.set(vc)
        f[vg] = fc
      } else {
        // Shrink every vertex halfway towards the best one.
        const best = vx(vs)
        for (let row = 0; row <= n; row++) {
          if (row === vs) continue
          const r = vx(row)
          for (let i = 0; i < n; i++) r[i] = (best[i] ?? 0) + ((r[i] ?? 0) - (best[i] ?? 0)) / 2.0
        }
        f[vg] = objective(vx(vg))
        f[vh] = objective(vx(vh))
      }
    }

    let fsum = 0.0
    for (let i = 0; i <= n; i++) fsum += fa(i)
    const favg = fsum / (n + 1)
    let s = 0.0
    for (let i = 0; i <= n; i++) s += goSquare(fa(i) - favg) / n
    s = Math.sqrt(s)
    if (s < epsilon) break
  }

  let vs = 0
  for (let i = 0; i <= n; i++) if (fa(i) < fa(vs)) vs = i
  const params = Float64Array.from(vx(vs))
  return { value: objective(vx(vs)), params }
}

// Go 1.19's math.Exp, Log, Log2, Log10 and Pow as influxd 1.6.7 (linux/amd64) computes them, bit
// for bit. On amd64 Exp and Log are assembly: Log is the FreeBSD/fdlibm e_log algorithm without its
// small-argument branches; Exp reduces by k = round(x·log2 e) with ln 2 split in two, evaluates a
// Taylor polynomial of x/16 and squares four times, using FMA instructions on CPUs that have them
// (we follow the FMA path: every x86-64 CPU since 2013). Log2 and Log10 build on Log; Pow squares
// the mantissa for the integer part of the exponent and uses Exp(yf·Log(x)) for the rest.

import { fma, frexp, goPowInt, timesIntPower } from './go-float.js'

const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer)
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0

const LOG2E = 1.4426950408889634
const LN2U = 0.69314718055966295651160180568695068359375
const LN2L = 0.28235290563031577122588448175013436025525412068e-12
const EXP_OVERFLOW = 7.09782712893384e2
const P1 = 1.6666666666666666667e-1
const P2 = 4.1666666666666666667e-2
const P3 = 8.3333333333333333333e-3
const P4 = 1.3888888888888888889e-3
const P5 = 1.984126984126984127e-4
const P6 = 2.4801587301587301587e-5

/** x86 CVTSD2SL: round to nearest even, out of int32 range gives the "integer indefinite" −2^31. */
function cvtsd2sl(x: number): number {
  let r = Math.round(x)
  if (r - x === 0.5 && r % 2 !== 0) r -= 1
  return r >= 2 ** 31 || r < -(2 ** 31) || Number.isNaN(r) ? -(2 ** 31) : r
}

/** A float64 from its biased exponent field (mantissa 0): 2^(e − 1023). */
function pow2Biased(e: number): number {
  U32[HI] = e << 20
  U32[1 - HI] = 0
  return F64[0] ?? 0
}

/** Go's math.Exp on amd64 with FMA. */
export function goExp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x
  if (x === -Infinity) return 0
  if (x > EXP_OVERFLOW) return Infinity
  let k = cvtsd2sl(LOG2E * x)
  let r = fma(-LN2U, k, x)
  r = fma(-LN2L, k, r)
  r *= 0.0625
  let p = fma(P6, r, P5)
  p = fma(p, r, P4)
  p = fma(p, r, P3)
  p = fma(p, r, P2)
  p = fma(p, r, P1)
  p = fma(p, r, 0.5)
  p = fma(p, r, 1.0)
  r *= p
  r *= r + 2.0
  r *= r + 2.0
  r *= r + 2.0
  r = fma(r, r + 2.0, 1.0)
  k += 0x3ff
  if (k <= 0) {
    if (k < -52) return 0
    r *= pow2Biased(k + 0x3fe)
    k = 1
  } else if (k >= 0x7ff) return Infinity
  return r * pow2Biased(k)
}

const HSQRT2 = 7.07106781186547524401e-1
const LN2_HI = 6.9314718036912381649e-1
const LN2_LO = 1.90821492927058770002e-10
const L1 = 6.66666666666673513e-1
const L2 = 3.999999999940941908e-1
const L3 = 2.857142874366239149e-1
const L4 = 2.222219843214978396e-1
const L5 = 1.818357216161805012e-1
const L6 = 1.531383769920937332e-1
const L7 = 1.479819860511658591e-1

/** Go's math.Log on amd64 (its assembly takes the exponent field as is, also for subnormals). */
export function goLog(x: number): number {
  if (x === 0) return -Infinity
  if (x < 0 || Number.isNaN(x)) return Number.NaN
  if (x === Infinity) return x
  F64[0] = x
  const hi = U32[HI] ?? 0
  let k = ((hi >>> 20) & 0x7ff) - 0x3fe
  U32[HI] = (hi & 0x000fffff) | 0x3fe00000
  let f1 = F64[0] ?? 0
  if (!(HSQRT2 < f1)) {
    k -= 1
    f1 *= 2
  }
  const f = f1 - 1
  const s = f / (2 + f)
  const s2 = s * s
  const s4 = s2 * s2
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)))
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6))
  const r = t1 + t2
  const hfsq = 0.5 * f * f
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f)
}

const FR = { frac: 0, exp: 0 }

/** Go's math.Log2: exact for powers of two, else Log(frac)/ln 2 + exp. */
export function goLog2(x: number): number {
  frexp(x, FR)
  if (FR.frac === 0.5) return FR.exp - 1
  return goLog(FR.frac) * LOG2E + FR.exp
}

/** Go's math.Log10: Log(x)·(1/ln 10). */
export function goLog10(x: number): number {
  return goLog(x) * Math.LOG10E
}

/** Go's math.Pow. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1
  if (y === 1) return x
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN
  if (Number.isInteger(y) && Math.abs(y) < 2 ** 63) return goPowInt(x, y)
  if (x === 0) return y < 0 ? Infinity : 0
  if (y === Infinity || y === -Infinity) {
    if (x === -1) return 1
    return Math.abs(x) < 1 === (y === Infinity) ? 0 : Infinity
  }
  if (x === Infinity) return y < 0 ? 0 : Infinity
  if (x === -Infinity) return goPow(-0, -y)
  if (y === 0.5) return Math.sqrt(x)
  if (y === -0.5) return 1 / Math.sqrt(x)
  let yi = Math.trunc(Math.abs(y))
  let yf = Math.abs(y) - yi
  if (yf !== 0 && x < 0) return Number.NaN
  if (yi >= 2 ** 63) return x === -1 ? 1 : Math.abs(x) < 1 === y > 0 ? 0 : Infinity
  if (yf > 0.5) {
    yf--
    yi++
  }
  return timesIntPower(goExp(yf * goLog(x)), x, yi, y < 0)
}

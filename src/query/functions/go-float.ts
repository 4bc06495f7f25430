// Float64 helpers that reproduce Go's math package bit for bit where JavaScript's built-ins give
// different last bits: Frexp, Ldexp, Pow to an integer power (Go squares the mantissa repeatedly,
// V8 does not) and a fused multiply-add (the FMA instruction Go's amd64 Exp uses). InfluxDB's
// holt_winters, its Nelder-Mead optimizer and the math functions (go-math.ts) rely on them.

const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer)
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
const SMALLEST_NORMAL = 2 ** -1022

/**
 * Go's math.Frexp: `frac` in [0.5, 1) (sign kept) and `exp` with x = frac·2^exp; 0, ±Inf and NaN
 * come back unchanged with exp 0. The result is written to `out` (no allocation).
 */
export function frexp(x: number, out: { frac: number; exp: number }): void {
  if (x === 0 || !Number.isFinite(x)) {
    out.frac = x
    out.exp = 0
    return
  }
  let e = 0
  if (Math.abs(x) < SMALLEST_NORMAL) {
    x *= 2 ** 52
    e = -52
  }
  F64[0] = x
  const hi = U32[HI] ?? 0
  e += ((hi >>> 20) & 0x7ff) - 1022
  U32[HI] = (hi & 0x800fffff) | (1022 << 20)
  out.frac = F64[0] ?? 0
  out.exp = e
}

/** 2^k for k in [-1000, 1000], at index k + 1000 (exact powers of two). */
const POW2 = new Float64Array(2001)
POW2[1000] = 1
for (let k = 1; k <= 1000; k++) {
  POW2[1000 + k] = (POW2[999 + k] ?? 0) * 2
  POW2[1000 - k] = (POW2[1001 - k] ?? 0) / 2
}

/** Go's math.Ldexp: frac·2^exp rounded once (to a subnormal, ±0 or ±Inf when out of range). */
export function ldexp(frac: number, exp: number): number {
  const af = Math.abs(frac)
  // Fast path: the product is a normal number, so scaling is exact.
  if (af >= 2 ** -20 && af <= 2 ** 20 && exp >= -1000 && exp <= 1000)
    return frac * (POW2[exp + 1000] ?? 0)
  if (frac === 0 || !Number.isFinite(frac)) return frac
  frexp(frac, LD)
  const m = LD.frac
  const e = LD.exp + exp
  if (e > 1024) return m < 0 ? -Infinity : Infinity
  if (e >= -1021) return e === 1024 ? m * 2 * 2 ** 1023 : m * 2 ** e
  if (e < -1074) return m < 0 ? -0 : 0
  // Subnormal: scale exactly into the normal range, then round once (as Go's m·2^-53).
  return m * 2 ** (e + 53) * 2 ** -53
}

const LD = { frac: 0, exp: 0 }
const FR = { frac: 0, exp: 0 }

function isOddInt(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y) < 2 ** 53 && Math.abs(y % 2) === 1
}

/** Go 1.19's math.Pow for an integer exponent `y` (the only kind InfluxDB passes here). */
export function goPowInt(x: number, y: number): number {
  if (y === 0 || x === 1) return 1
  if (y === 1) return x
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN
  if (x === 0) {
    if (y < 0) return isOddInt(y) ? (Object.is(x, -0) ? -Infinity : Infinity) : Infinity
    return isOddInt(y) ? x : 0
  }
  if (!Number.isFinite(x)) {
    if (x < 0) return goPowInt(1 / x, -y)
    return y < 0 ? 0 : Infinity
  }
  if (!Number.isInteger(y)) throw new RangeError(`goPowInt: non-integer exponent ${y}`)
  const yi = Math.abs(y)
  if (yi >= 2 ** 63) return x === -1 ? 1 : Math.abs(x) < 1 === y > 0 ? 0 : Infinity
  return timesIntPower(1, x, yi, y < 0)
}

/**
 * `a1 × x^yi` (inverted when `invert`), with Go's math.Pow bookkeeping: the mantissa and exponent
 * of x are squared separately, so the result is Go's to the last bit (pow and powInt share it).
 */
export function timesIntPower(a1: number, x: number, yi: number, invert: boolean): number {
  let ae = 0
  frexp(x, FR)
  let x1 = FR.frac
  let xe = FR.exp
  // yi < 2^63 but may exceed 2^32: walk its bits with division instead of shifts.
  for (let i = yi; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -4096 || xe > 4096) {
      ae += xe
      break
    }
    if (i % 2 === 1) {
      a1 *= x1
      ae += xe
    }
    x1 *= x1
    xe *= 2
    if (x1 < 0.5) {
      x1 += x1
      xe--
    }
  }
  if (invert) {
    a1 = 1 / a1
    ae = -ae
  }
  return ldexp(a1, ae)
}

/**
 * Go's math.Pow(x, n) for one x and many integer n ≥ 0 (holt_winters raises phi to 1, 2, 3 …):
 * the squarings of x's mantissa are computed once (lazily), and each power multiplies the ones its
 * bits select in Go's order, so every result equals goPowInt(x, n). Reusable through reset().
 */
export class IntPowers {
  #x = 0
  readonly #fracs = new Float64Array(64)
  readonly #exps = new Float64Array(64)
  #known = 0
  #simple = false

  /** Starts over with base `x`. */
  reset(x: number): void {
    this.#x = x
    this.#simple = x !== 1 && x !== 0 && Number.isFinite(x)
    this.#known = 0
    if (!this.#simple) return
    frexp(x, FR)
    this.#fracs[0] = FR.frac
    this.#exps[0] = FR.exp
    this.#known = 1
  }

  /** Makes squaring k known (Go's x1, xe before its k-th loop step). */
  #extend(k: number): void {
    const fracs = this.#fracs
    const exps = this.#exps
    while (this.#known <= k) {
      const j = this.#known
      let x1 = fracs[j - 1] ?? 0
      let xe = exps[j - 1] ?? 0
      // Past Go's overflow guard the squares are never used; keep xe (it ends the loop).
      if (xe >= -4096 && xe <= 4096) {
        x1 *= x1
        xe *= 2
        if (x1 < 0.5) {
          x1 += x1
          xe--
        }
      }
      fracs[j] = x1
      exps[j] = xe
      this.#known++
    }
  }

  /** x^n as Go's math.Pow computes it (n a non-negative safe integer below 2^63). */
  pow(n: number): number {
    if (!this.#simple || n <= 1) return goPowInt(this.#x, n)
    let a1 = 1
    let ae = 0
    for (let i = n, k = 0; i !== 0; i = Math.floor(i / 2), k++) {
      if (k >= this.#known) this.#extend(k)
      const xe = this.#exps[k] ?? 0
      if (xe < -4096 || xe > 4096) {
        ae += xe
        break
      }
      if (i % 2 === 1) {
        a1 *= this.#fracs[k] ?? 0
        ae += xe
      }
    }
    return ldexp(a1, ae)
  }
}

/** Go's math.Pow(x, 2): x·x rounded as Go's squaring path rounds it (they differ only near subnormals). */
export function goSquare(x: number): number {
  const ax = Math.abs(x)
  if (ax >= 2 ** -500 && ax <= 2 ** 500) return x * x
  return goPowInt(x, 2)
}

/** The float64 one unit in the last place from `x` towards `dir`'s sign (x finite, non-zero). */
function stepTowards(x: number, dir: number): number {
  F64[0] = x
  const lo = U32[1 - HI] ?? 0
  const hi = U32[HI] ?? 0
  if (dir > 0 === x > 0) {
    // Away from zero: add one to the 64-bit pattern.
    U32[1 - HI] = (lo + 1) >>> 0
    if (lo === 0xffffffff) U32[HI] = hi + 1
  } else {
    U32[1 - HI] = (lo - 1) >>> 0
    if (lo === 0) U32[HI] = hi - 1
  }
  return F64[0] ?? 0
}

/** a + b rounded to odd: exact sums unchanged, else the neighbour of the two with an odd last bit. */
function addRoundToOdd(a: number, b: number): number {
  const s = a + b
  const bb = s - a
  const err = a - (s - bb) + (b - bb)
  if (err === 0 || s === 0) return s
  F64[0] = s
  return ((U32[1 - HI] ?? 0) & 1) === 1 ? s : stepTowards(s, err)
}

const SPLITTER = 134217729 // 2^27 + 1

/**
 * a·b + c with a single rounding, as the x86 FMA instructions compute it (Boldo and Melquiond's
 * emulation: exact product and sum, then a round-to-odd step). Exact for finite operands whose
 * product neither overflows nor underflows, which holds for every use in this library.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b
  if (!Number.isFinite(p) || !Number.isFinite(c) || p === 0) return p + c
  let t = SPLITTER * a
  const ah = t - (t - a)
  const al = a - ah
  t = SPLITTER * b
  const bh = t - (t - b)
  const bl = b - bh
  const pe = ah * bh - p + ah * bl + al * bh + al * bl
  const th = c + p
  const bv = th - c
  const tl = c - (th - bv) + (p - bv)
  return th + addRoundToOdd(tl, pe)
}

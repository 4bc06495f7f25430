// Unit tests of the Go-compatible float functions: golden values computed by Go 1.19.8's math
// package on linux/amd64 (the toolchain and platform of influxd 1.6.7) for inputs where
// JavaScript's Math differs in the last bit, plus properties of the FMA emulation, Frexp/Ldexp
// and integer powers.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { fma, frexp, goPowInt, ldexp } from './go-float.js'
import { goExp, goLog, goLog10, goLog2, goPow } from './go-math.js'
import { goAcos, goAsin, goAtan, goAtan2, goCos, goSin, goTan } from './go-trig.js'

const FNS: Readonly<Record<string, (x: number, y: number) => number>> = {
  sin: goSin,
  cos: goCos,
  tan: goTan,
  asin: goAsin,
  acos: goAcos,
  atan: goAtan,
  atan2: goAtan2,
  exp: goExp,
  log: goLog,
  log2: goLog2,
  log10: goLog10,
  pow: goPow,
}

/** [function, x, y (atan2, pow), Go's result]. */
const GOLDEN: readonly [string, number, number, number][] = [
  ['sin', 1e300, 8.734801324956486, -0.8178819121159087],
  ['sin', 3.141592653589793, 408.9509251286312, 1.2246467991473515e-16],
  ['sin', -745.1, -0.8030236137590092, 0.5163138522331062],
  ['sin', -744, -607.991886233377, -0.5290315259540842],
  ['cos', 0.7071067811865476, -207.47585815418518, 0.7602445970756302],
  ['cos', 1.5707963267948966, 3.2344652546089634e215, 6.123233995736757e-17],
  ['cos', 709.78, 277.34624745652116, 0.975910604338776],
  ['cos', -708.4, 4.138648794699968, -0.029139259248474873],
  ['tan', 1, 536870912, 1.557407724654902],
  ['tan', -1, 1.5, -1.557407724654902],
  ['tan', 1e300, 8.734801324956486, 1.4214488238747243],
  ['tan', 3.141592653589793, 408.9509251286312, -1.2246467991473515e-16],
  ['asin', 0.7071067811865476, -207.47585815418518, 0.7853981633974483],
  ['asin', 0.66, 8.548617272108164, 0.7208187608700896],
  ['asin', -0.23110830011107686, 1.4022604821241423e50, -0.2332166678733573],
  ['asin', 0.002873552020816675, 0.2601981272252243, 0.0028735559754621354],
  ['acos', 0.5, 3, 1.0471975511965976],
  ['acos', 0.002873552020816675, 0.2601981272252243, 1.5679227708194343],
  ['acos', -0.6759275744509918, 667.892935755973, 2.3130189395897647],
  ['acos', 0.9469599227913144, 4.740971294876537e104, 0.3271565349778438],
  ['atan', -708.4, 4.138648794699968, -1.569384695886136],
  ['atan', -2.25, 49, -1.1525719972156674],
  ['atan', 4, 1.790865293433328, 1.3258176636680323],
  ['atan', -5.5, 1.0886265988117764e44, -1.3909428270024182],
  ['atan2', 0.7071067811865476, -207.47585815418518, 3.1381845267372714],
  ['atan2', -745.1, -0.8030236137590092, -1.571874065759934],
  ['atan2', 10000000000, -195.33777727704978, 1.5707963463286743],
  ['atan2', 3500000000000000, -0.8715024014657564, 1.5707963267948968],
  ['exp', 1.5, -656.7437877119703, 4.481689070338065],
  ['exp', -207.47585815418518, -8.475770698871763, 7.841148439565781e-91],
  ['exp', 0.32802189536901816, 1.1100973516112785e-24, 1.388219367531984],
  ['exp', -0.3196661267197318, 1.5987403828931106e176, 0.7263915193115799],
  ['log', 5e-324, -0.09848300055179238, -709.0895657128241],
  ['log', 1e-323, 0.7839055753183124, -709.0895657128241],
  ['log', 7.0522055704688995, 564.5844088729295, 1.9533404147728188],
  ['log', 4.115424013723946e-309, -0.018436147411023063, -708.9198594474157],
  ['log2', 1.5, -656.7437877119703, 0.5849625007211563],
  ['log2', 3, -54, 1.5849625007211563],
  ['log2', 0.9469599227913144, 4.740971294876537e104, -0.0786247255967825],
  ['log2', 0.9872060032194427, 1.0401217703027504e-165, -0.018576927315969445],
  ['log10', 5e-324, -0.09848300055179238, -307.9536855642528],
  ['log10', 3.141592653589793, 408.9509251286312, 0.49714987269413385],
  ['log10', 709.7827, 75, 2.85112540979588],
  ['log10', 3500000000000000, -0.8715024014657564, 15.544068044350274],
  ['pow', 0.7071067811865476, -207.47585815418518, 1.691329953359056e31],
  ['pow', 5e-324, -0.09848300055179238, 2.1291339515976112e30],
  ['pow', 3.141592653589793, 408.9509251286312, 2.0412695908087015e203],
  ['pow', 709.7827, 75, 6.829764591889706e213],
]

describe('Go math functions (bit for bit)', () => {
  for (const [name, x, y, want] of GOLDEN) {
    it(`${name}(${x}${name === 'atan2' || name === 'pow' ? `, ${y}` : ''}) is Go's ${want}`, () => {
      const fn = FNS[name]
      assert.ok(fn)
      assert.ok(Object.is(fn(x, y), want), `${fn(x, y)} !== ${want}`)
    })
  }

  it('keeps the special cases of Go (signed zeros, NaN, infinities)', () => {
    assert.ok(Object.is(goSin(-0), -0))
    assert.ok(Number.isNaN(goCos(Infinity)))
    assert.equal(goExp(-Infinity), 0)
    assert.equal(goExp(710), Infinity)
    assert.equal(goLog(0), -Infinity)
    assert.ok(Number.isNaN(goLog(-1)))
    assert.equal(goLog2(8), 3)
    assert.ok(Number.isNaN(goAsin(1.5)))
    assert.ok(Object.is(goAtan2(-0, 1), -0))
    assert.equal(goAtan2(1, -Infinity), Math.PI)
    assert.equal(goPow(-8, 1 / 3).toString(), 'NaN')
    assert.equal(goPow(0, -1), Infinity)
  })
})

describe('Go float helpers', () => {
  it('fused multiply-add returns the exact rounding error of a product', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e100, max: 1e100, noNaN: true }),
        fc.double({ min: -1e100, max: 1e100, noNaN: true }),
        (a, b) => {
          fc.pre(Math.abs(a * b) > 1e-200 && Math.abs(a * b) < 1e200)
          const p = a * b
          // Dekker's exact product error (valid in this range) equals fma(a, b, −p).
          const s = 134217729
          const ah = s * a - (s * a - a)
          const bh = s * b - (s * b - b)
          const err = ah * bh - p + ah * (b - bh) + (a - ah) * bh + (a - ah) * (b - bh)
          assert.equal(fma(a, b, -p), err)
        },
      ),
    )
  })

  it('fused multiply-add rounds once where a*b+c rounds twice', () => {
    const a = 1 + 2 ** -30
    // a² = 1 + 2^-29 + 2^-60: the separate product loses 2^-60, the fused one keeps it.
    assert.equal(fma(a, a, -1), 2 ** -29 + 2 ** -60)
    assert.equal(a * a - 1, 2 ** -29)
    assert.equal(fma(2, 3, 4), 10)
  })

  it('frexp and ldexp round-trip every finite double', () => {
    const out = { frac: 0, exp: 0 }
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        frexp(x, out)
        if (x !== 0) assert.ok(Math.abs(out.frac) >= 0.5 && Math.abs(out.frac) < 1)
        assert.ok(Object.is(ldexp(out.frac, out.exp), x))
      }),
    )
  })

  it('raises to integer powers by squaring, as Go does', () => {
    assert.equal(goPowInt(0.3, 7), 0.00021869999999999998)
    assert.equal(goPowInt(2, -3), 0.125)
    assert.equal(goPowInt(0.5, 1100), 0)
    assert.equal(goPowInt(-2, 3), -8)
  })
})

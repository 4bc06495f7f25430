// Go 1.19's math.Sin, Cos, Tan, Asin, Acos, Atan and Atan2 (pure Go on amd64), bit for bit: the
// Cephes polynomials with Cody-Waite reduction by π/4 split in three parts, and Payne-Hanek
// reduction (multiplying by 4/π's bits) for |x| ≥ 2^29. JavaScript's Math functions round
// differently in the last bit, which InfluxQL results would show.

const PI4A = 7.85398125648498535156e-1
const PI4B = 3.77489470793079817668e-8
const PI4C = 2.69515142907905952645e-15
const FOUR_OVER_PI = 1.2732395447351628
const REDUCE_THRESHOLD = 2 ** 29

const S0 = 1.5896230157654656806e-10
const S1 = -2.50507477628578072866e-8
const S2 = 2.75573136213857245213e-6
const S3 = -1.98412698295895385996e-4
const S4 = 8.33333333332211858878e-3
const S5 = -1.66666666666666307295e-1
const C0 = -1.135853652138768173e-11
const C1 = 2.08757008419747316778e-9
const C2 = -2.75573141792967388112e-7
const C3 = 2.48015872888517045348e-5
const C4 = -1.38888888888730564116e-3
const C5 = 4.16666666666665929218e-2

/** 4/π's bits (Go's mPi4) for Payne-Hanek reduction. */
const M_PI4: readonly bigint[] = [
  0x0000000000000001n,
  0x45f306dc9c882a53n,
  0xf84eafa3ea69bb81n,
  0xb6c52b3278872083n,
  0xfca2c757bd778ac3n,
  0x6e48dc74849ba5c0n,
  0x0c925dd413a32439n,
  0xfc3bd63962534e7dn,
  0xd1046bea5d768909n,
  0xd338e04d68befc82n,
  0x7323ac7306a673e9n,
  0x3908bf177bf25076n,
  0x3ff12fffbc0b301fn,
  0xde5e2316b414da3en,
  0xda6cfd9e4f96136en,
  0x9e8c7ecd3cbfd45an,
  0xea4f758fd7cbe2f6n,
  0x7a0e73ef14a525d4n,
  0xd7f6bf623f1aba10n,
  0xac06608df8f6d757n,
]

const M64 = (1n << 64n) - 1n
const DV = new DataView(new ArrayBuffer(8))

/** The octant j and the reduced argument z of x, as Go's trig reduction leaves them. */
interface Reduced {
  j: number
  z: number
}

const RED: Reduced = { j: 0, z: 0 }

/** Go's trigReduce (Payne-Hanek) for x ≥ 2^29; rare, so BigInt is fine here. */
function trigReduce(x: number, out: Reduced): void {
  DV.setFloat64(0, x)
  let ix = DV.getBigUint64(0)
  const exp = Number((ix >> 52n) & 0x7ffn) - 1023 - 52
  ix = (ix & ((1n << 52n) - 1n)) | (1n << 52n)
  const digit = Math.floor((exp + 61) / 64)
  const bitshift = BigInt((exp + 61) % 64)
  const m = (i: number): bigint => M_PI4[digit + i] ?? 0n
  const z0 = ((m(0) << bitshift) | (m(1) >> (64n - bitshift))) & M64
  const z1 = ((m(1) << bitshift) | (m(2) >> (64n - bitshift))) & M64
  const z2 = ((m(2) << bitshift) | (m(3) >> (64n - bitshift))) & M64
  const z2hi = (z2 * ix) >> 64n
  const z1full = z1 * ix
  const z1hi = z1full >> 64n
  const z1lo = z1full & M64
  const z0lo = (z0 * ix) & M64
  const loSum = z1lo + z2hi
  const lo = loSum & M64
  let hi = (z0lo + z1hi + (loSum >> 64n)) & M64
  let j = Number(hi >> 61n)
  hi = ((hi << 3n) | (lo >> 61n)) & M64
  const lz = hi === 0n ? 64 : 64 - hi.toString(2).length
  const e = BigInt(1023 - (lz + 1))
  const sh = BigInt(lz + 1)
  hi = ((hi << sh) | (lo >> (64n - sh))) & M64
  hi >>= 64n - 52n
  hi |= e << 52n
  DV.setBigUint64(0, hi & M64)
  let z = DV.getFloat64(0)
  if ((j & 1) === 1) {
    j = (j + 1) & 7
    z--
  }
  out.j = j
  out.z = z * (Math.PI / 4)
}

/** Octant and reduced argument of x ≥ 0 (finite); `wrap` applies Go's `j &= 7` (sin, cos). */
function reduce(x: number, wrap: boolean, out: Reduced): void {
  if (x >= REDUCE_THRESHOLD) {
    if (x < Math.PI / 4) {
      out.j = 0
      out.z = x
      return
    }
    trigReduce(x, out)
    return
  }
  let j = Math.trunc(x * FOUR_OVER_PI)
  let y = j
  if (j % 2 === 1) {
    j++
    y++
  }
  if (wrap) j %= 8
  out.j = j
  out.z = x - y * PI4A - y * PI4B - y * PI4C
}

function sinPoly(z: number, zz: number): number {
  return z + z * zz * (((((S0 * zz + S1) * zz + S2) * zz + S3) * zz + S4) * zz + S5)
}

function cosPoly(zz: number): number {
  return 1.0 - 0.5 * zz + zz * zz * (((((C0 * zz + C1) * zz + C2) * zz + C3) * zz + C4) * zz + C5)
}

/** Go's math.Cos. */
export function goCos(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN
  reduce(Math.abs(x), true, RED)
  let j = RED.j
  const z = RED.z
  let sign = false
  if (j > 3) {
    j -= 4
    sign = !sign
  }
  if (j > 1) sign = !sign
  const zz = z * z
  const y = j === 1 || j === 2 ? sinPoly(z, zz) : cosPoly(zz)
  return sign ? -y : y
}

/** Go's math.Sin. */
export function goSin(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x
  if (!Number.isFinite(x)) return Number.NaN
  let sign = false
  if (x < 0) {
    x = -x
    sign = true
  }
  reduce(x, true, RED)
  let j = RED.j
  const z = RED.z
  if (j > 3) {
    sign = !sign
    j -= 4
  }
  const zz = z * z
  const y = j === 1 || j === 2 ? cosPoly(zz) : sinPoly(z, zz)
  return sign ? -y : y
}

const TP0 = -1.30936939181383777646e4
const TP1 = 1.1535166483858741614e6
const TP2 = -1.79565251976484877988e7
const TQ1 = 1.36812963470692954678e4
const TQ2 = -1.32089234440210967447e6
const TQ3 = 2.50083801823357915839e7
const TQ4 = -5.38695755929454629881e7

/** Go's math.Tan. */
export function goTan(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x
  if (!Number.isFinite(x)) return Number.NaN
  let sign = false
  if (x < 0) {
    x = -x
    sign = true
  }
  reduce(x, false, RED)
  const z = RED.z
  const zz = z * z
  let y =
    zz > 1e-14
      ? z +
        z *
          ((zz * ((TP0 * zz + TP1) * zz + TP2)) / ((((zz + TQ1) * zz + TQ2) * zz + TQ3) * zz + TQ4))
      : z
  if ((RED.j & 2) === 2) y = -1 / y
  return sign ? -y : y
}

const AP0 = -8.750608600031904122785e-1
const AP1 = -1.615753718733365076637e1
const AP2 = -7.50085579231470466734e1
const AP3 = -1.22886668449013617341e2
const AP4 = -6.485021904942025371773e1
const AQ0 = 2.485846490142306297962e1
const AQ1 = 1.650270098316988542046e2
const AQ2 = 4.328810604912902668951e2
const AQ3 = 4.853903996359136964868e2
const AQ4 = 1.945506571482613964425e2
const MOREBITS = 6.12323399573676588613e-17
const TAN3PIO8 = 2.4142135623730950488

function xatan(x: number): number {
  let z = x * x
  z =
    (z * ((((AP0 * z + AP1) * z + AP2) * z + AP3) * z + AP4)) /
    (((((z + AQ0) * z + AQ1) * z + AQ2) * z + AQ3) * z + AQ4)
  return x * z + x
}

function satan(x: number): number {
  if (x <= 0.66) return xatan(x)
  if (x > TAN3PIO8) return Math.PI / 2 - xatan(1 / x) + MOREBITS
  return Math.PI / 4 + xatan((x - 1) / (x + 1)) + 0.5 * MOREBITS
}

/** Go's math.Atan. */
export function goAtan(x: number): number {
  if (x === 0) return x
  return x > 0 ? satan(x) : -satan(-x)
}

/** Go's math.Asin. */
export function goAsin(x: number): number {
  if (x === 0) return x
  let sign = false
  if (x < 0) {
    x = -x
    sign = true
  }
  if (x > 1) return Number.NaN
  let temp = Math.sqrt(1 - x * x)
  temp = x > 0.7 ? Math.PI / 2 - satan(temp / x) : satan(x / temp)
  return sign ? -temp : temp
}

/** Go's math.Acos: π/2 − Asin(x). */
export function goAcos(x: number): number {
  return Math.PI / 2 - goAsin(x)
}

/** Go's math.Atan2. */
export function goAtan2(y: number, x: number): number {
  if (Number.isNaN(y) || Number.isNaN(x)) return Number.NaN
  const negY = y < 0 || Object.is(y, -0)
  if (y === 0) return x >= 0 && !Object.is(x, -0) ? (negY ? -0 : 0) : negY ? -Math.PI : Math.PI
  if (x === 0) return negY ? -Math.PI / 2 : Math.PI / 2
  if (x === Infinity)
    return y === Infinity || y === -Infinity ? (negY ? -Math.PI / 4 : Math.PI / 4) : negY ? -0 : 0
  if (x === -Infinity) {
    const v = y === Infinity || y === -Infinity ? 2.356194490192345 : Math.PI
    return negY ? -v : v
  }
  if (y === Infinity || y === -Infinity) return negY ? -Math.PI / 2 : Math.PI / 2
  const q = goAtan(y / x)
  if (x < 0) return q <= 0 ? q + Math.PI : q - Math.PI
  return q
}

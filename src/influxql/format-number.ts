// The three ways InfluxQL prints a float64, each matching one Go formatting call exactly:
//
//  - formatFloatFixed3: strconv.FormatFloat(f, 'f', 3, 64), how a number literal prints
//    (`1.500`); the exact binary value is rounded to 3 decimals, ties to even;
//  - formatFloatPlain: strconv.FormatFloat(f, 'f', -1, 64), how a bound float parameter is
//    turned into a number token: the shortest digits that read back as f, never an exponent;
//  - formatFloatG: fmt's %v, how `fill(<number>)` prints: the shortest digits, as an exponent
//    (1e+06, 1.5e-07) when the decimal exponent is below -4 or at least 6.
//
// NaN prints as `NaN` and the infinities as `+Inf` / `-Inf` in all three.

function nonFinite(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  return v > 0 ? '+Inf' : '-Inf'
}

/** The shortest round-trip decimal digits of |v| (no leading zeros) and its decimal exponent. */
function shortestDigits(v: number): { digits: string; exp: number } {
  const e = Math.abs(v).toExponential()
  const at = e.indexOf('e')
  return { digits: e.slice(0, at).replace('.', ''), exp: Number(e.slice(at + 1)) }
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? '-' : ''
}

/** Go's FormatFloat(v, 'f', -1, 64): shortest round-trip digits in plain notation. */
export function formatFloatPlain(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v)
  if (v === 0) return sign(v) + '0'
  const { digits, exp } = shortestDigits(v)
  let out: string
  if (exp >= 0) {
    const whole = exp + 1
    out =
      digits.length <= whole
        ? digits + '0'.repeat(whole - digits.length)
        : digits.slice(0, whole) + '.' + digits.slice(whole)
  } else {
    out = '0.' + '0'.repeat(-exp - 1) + digits
  }
  return sign(v) + out
}

/** fmt's %v for a float64: shortest digits, exponent form outside [1e-4, 1e6). */
export function formatFloatG(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v)
  if (v === 0) return sign(v) + '0'
  const { digits, exp } = shortestDigits(v)
  if (exp >= -4 && exp < 6) return formatFloatPlain(v)
  const mag = Math.abs(exp)
  const mantissa = digits.length > 1 ? digits.slice(0, 1) + '.' + digits.slice(1) : digits
  return sign(v) + mantissa + (exp < 0 ? 'e-' : 'e+') + (mag < 10 ? '0' : '') + String(mag)
}

const scratch = new DataView(new ArrayBuffer(8))

/** Go's FormatFloat(v, 'f', 3, 64): the exact value rounded half-to-even to 3 decimals. */
export function formatFloatFixed3(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v)
  scratch.setFloat64(0, v)
  const hi = scratch.getUint32(0)
  const lo = scratch.getUint32(4)
  const biased = (hi >>> 20) & 0x7ff
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let exp2: number
  if (biased === 0) {
    exp2 = -1074
  } else {
    mantissa |= 1n << 52n
    exp2 = biased - 1075
  }
  // thousandths = round_half_even(mantissa * 2^exp2 * 1000)
  let thousandths: bigint
  if (exp2 >= 0) {
    thousandths = (mantissa << BigInt(exp2)) * 1000n
  } else {
    const num = mantissa * 1000n
    const den = 1n << BigInt(-exp2)
    thousandths = num / den
    const twice = (num % den) * 2n
    if (twice > den || (twice === den && (thousandths & 1n) === 1n)) thousandths++
  }
  const text = thousandths.toString().padStart(4, '0')
  return sign(v) + text.slice(0, -3) + '.' + text.slice(-3)
}

/**
 * Go's strconv.ParseFloat for the number texts InfluxQL produces (digits with an optional
 * fraction, and the NaN / ±Inf texts of bound parameters). Undefined when the value is out of
 * float64 range, where Go reports an error.
 */
export function parseFloat64(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return Number.NaN
    case '+Inf':
      return Number.POSITIVE_INFINITY
    case '-Inf':
      return Number.NEGATIVE_INFINITY
  }
  const v = Number(text)
  if (Number.isNaN(v) || !Number.isFinite(v)) return undefined
  return v
}

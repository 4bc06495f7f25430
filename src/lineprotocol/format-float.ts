// Formats a float64 the way Go's strconv.FormatFloat(f, 'g', -1, 64) does, which is how influxd
// (influx_inspect export) writes floats: the shortest digits that read back as the same float,
// in plain notation when the decimal exponent is in [-4, 6), otherwise as d.ddde±XX with at least
// two exponent digits (1e+06, 1.5e-07). Reading the output back gives the identical float.

/**
 * The shortest text that parses back to exactly `f`, laid out like Go's 'g' format with precision
 * -1: `12.5`, `100000`, `1e+06`, `1e-05`, `-0`. `f` must be finite.
 */
export function formatFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const abs = Math.abs(f)
  // In this range both JavaScript and Go print the shortest digits in plain notation.
  if (abs >= 1e-4 && abs < 1e6) return String(f)
  // toExponential() without an argument gives the shortest round-trip digits, as d.ddde±x.
  const e = abs.toExponential()
  const at = e.indexOf('e')
  const digits = e.slice(0, at).replace('.', '')
  const exp = Number(e.slice(at + 1))
  let out: string
  if (exp < -4 || exp >= 6) {
    const mag = Math.abs(exp)
    out =
      digits.slice(0, 1) +
      (digits.length > 1 ? '.' + digits.slice(1) : '') +
      (exp < 0 ? 'e-' : 'e+') +
      (mag < 10 ? '0' : '') +
      String(mag)
  } else if (exp >= 0) {
    const whole = exp + 1
    out =
      digits.length <= whole
        ? digits + '0'.repeat(whole - digits.length)
        : digits.slice(0, whole) + '.' + digits.slice(whole)
  } else {
    out = '0.' + '0'.repeat(-exp - 1) + digits
  }
  return f < 0 ? '-' + out : out
}

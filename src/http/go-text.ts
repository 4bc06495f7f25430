// Text the way Go prints it, where the HTTP answers of InfluxDB 1.6.7 (built with Go 1.19) depend
// on it: `%q` quoting (strconv.Quote) in error messages, encoding/json string escaping (`<` `>`
// `&` become \u003c \u003e \u0026, U+2028/U+2029 are escaped, other control characters are
// \u00XX), encoding/json float formatting, and strconv.FormatFloat(f, 'f', -1, 64) for CSV.

const HEX = '0123456789abcdef'

/** Characters that Go's strconv.IsPrint rejects, beyond ASCII controls: other spaces, formats, … */
const NON_PRINT = /[\p{Z}\p{C}]/u

/**
 * Quotes `s` like Go's `%q` (strconv.Quote): double quotes, `\"` `\\`, `\a\b\f\n\r\t\v`, other
 * control bytes as `\xNN`, non-printable runes as `\uNNNN`/`\UNNNNNNNN`; printable Unicode as is.
 */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (c >= 0x20 && c < 0x7f) {
      out += ch === '"' || ch === '\\' ? `\\${ch}` : ch
      continue
    }
    switch (c) {
      case 0x07:
        out += '\\a'
        continue
      case 0x08:
        out += '\\b'
        continue
      case 0x0c:
        out += '\\f'
        continue
      case 0x0a:
        out += '\\n'
        continue
      case 0x0d:
        out += '\\r'
        continue
      case 0x09:
        out += '\\t'
        continue
      case 0x0b:
        out += '\\v'
        continue
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`
    else if (c >= 0xd800 && c <= 0xdfff)
      out += '\\ufffd' // a lone surrogate is invalid UTF-8 in Go
    else if (ch === ' ' || !NON_PRINT.test(ch)) out += ch
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += `\\U${c.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}

function hex2(c: number): string {
  return (HEX[c >> 4] ?? '0') + (HEX[c & 15] ?? '0')
}

export { goJSONString } from '../util/index.js'

/**
 * Formats a float64 as Go's encoding/json does: shortest round-trip digits, exponent form only
 * below 1e-6 or from 1e21 on (`1e+21`, `1.5e-7`), `-0` kept. NaN and ±Inf have no JSON form:
 * returns undefined (Go fails with `json: unsupported value: NaN`).
 */
export function goJSONFloat(f: number): string | undefined {
  if (!Number.isFinite(f)) return undefined
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  return String(f) // JavaScript's thresholds and exponent form equal Go's for float64
}

/** The text Go's encoding/json error has for a float it cannot encode. */
export function goUnsupportedFloat(f: number): string {
  const v = Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'
  return `json: unsupported value: ${v}`
}

/**
 * Formats a float64 like Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest round-trip
 * digits, never an exponent (`1e21` → `1000000000000000000000`, `1e-7` → `0.0000001`).
 */
export function goFormatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN'
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const s = String(f)
  const e = s.indexOf('e')
  if (e < 0) return s
  const neg = s.startsWith('-')
  const mantissa = s.slice(neg ? 1 : 0, e)
  const exp = Number(s.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)
  const pointAt = (dot < 0 ? mantissa.length : dot) + exp // digits before the decimal point
  let out: string
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length)
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`
  return neg ? `-${out}` : out
}

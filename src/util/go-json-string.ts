// Go's encoding/json string quoting, shared by every place that writes JSON a Go program (or a
// user comparing with InfluxDB) reads byte for byte: HTTP answers, the backup manifest, the CLI.

const HEX = '0123456789abcdef'

function hex2(c: number): string {
  return (HEX[c >> 4] ?? '0') + (HEX[c & 15] ?? '0')
}

/** Matches every character Go's JSON encoder (HTML-escaping, Go 1.19) writes escaped. */
const JSON_ESCAPED = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/

/**
 * Encodes `s` as a JSON string literal exactly like Go 1.19's encoding/json: `\"` `\\` `\n` `\r`
 * `\t`, other bytes below 0x20 and `<` `>` `&` U+2028 U+2029 as `\u00XX`/`\u20XX`; lone
 * surrogates (invalid UTF-8 to Go) become `\ufffd`.
 */
export function goJSONString(s: string): string {
  if (!JSON_ESCAPED.test(s)) return `"${s}"`
  let out = '"'
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let rep: string | undefined
    if (c === 0x22) rep = '\\"'
    else if (c === 0x5c) rep = '\\\\'
    else if (c === 0x0a) rep = '\\n'
    else if (c === 0x0d) rep = '\\r'
    else if (c === 0x09) rep = '\\t'
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) rep = `\\u00${hex2(c)}`
    else if (c === 0x2028 || c === 0x2029) rep = `\\u${c.toString(16)}`
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++ // a valid pair: copied verbatim
        continue
      }
      rep = '\\ufffd'
    } else if (c >= 0xdc00 && c <= 0xdfff) rep = '\\ufffd'
    if (rep !== undefined) {
      out += s.slice(start, i) + rep
      start = i + 1
    }
  }
  return `${out}${s.slice(start)}"`
}

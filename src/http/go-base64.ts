// Padded base64 decoding with Go's encoding/base64 rules and error positions, for the two places
// where InfluxDB's answers depend on them: HTTP Basic credentials (standard alphabet; bad input
// means "no credentials") and JWT segments (URL alphabet; bad input is answered with Go's text
// `illegal base64 data at input byte N`). CR and LF are skipped; bits left over are ignored.

/** The decoded bytes, or the offset Go's CorruptInputError names. */
export type Base64Result =
  { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly errorAt: number }

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1)
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i
  return m
}

const MAPS = { std: decodeMap(STD), url: decodeMap(URL) }

/** Decodes padded base64 text (Go's StdEncoding or URLEncoding). */
export function decodeGoBase64(text: string, alphabet: 'std' | 'url'): Base64Result {
  const src = Buffer.from(text, 'latin1')
  const map = MAPS[alphabet]
  const out: number[] = []
  const fail = (errorAt: number): Base64Result => ({ ok: false, errorAt })
  const isNewline = (c: number | undefined): boolean => c === 0x0a || c === 0x0d
  let si = 0
  for (;;) {
    const quantum = [0, 0, 0, 0]
    let dlen = 4
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { ok: true, bytes: Buffer.from(out) }
        return fail(si - j)
      }
      const c = src[si] ?? 0
      si++
      const v = map[c] ?? -1
      if (v >= 0) {
        quantum[j] = v
        continue
      }
      if (isNewline(c)) {
        j--
        continue
      }
      if (c !== 0x3d || j < 2) return fail(si - 1)
      if (j === 2) {
        // A second `=` must follow.
        while (si < src.length && isNewline(src[si])) si++
        if (si === src.length) return fail(src.length)
        if (src[si] !== 0x3d) return fail(si - 1)
        si++
      }
      while (si < src.length && isNewline(src[si])) si++
      if (si < src.length) return fail(si) // data after the padding
      dlen = j
      break
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum
    const val = (a << 18) | (b << 12) | (c << 6) | d
    if (dlen >= 2) out.push((val >> 16) & 0xff)
    if (dlen >= 3) out.push((val >> 8) & 0xff)
    if (dlen === 4) out.push(val & 0xff)
    if (dlen < 4) return { ok: true, bytes: Buffer.from(out) }
  }
}

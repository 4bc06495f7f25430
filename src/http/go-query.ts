// URL query and form decoding as Go's net/url.ParseQuery does it (Go 1.19), which is what decides
// the parameters InfluxDB sees: pairs split at `&`; a pair containing `;` is skipped ("invalid
// semicolon separator"); `+` is a space; a pair with a bad `%` escape is skipped; the first value
// of a repeated key wins in `get`. Values are decoded as bytes, then UTF-8 (bad bytes → U+FFFD).

/** Decoded form or query values: key → every value in order. */
export type FormValues = Map<string, string[]>

/** Parses `raw` (the part after `?`, or an x-www-form-urlencoded body) like url.ParseQuery. */
export function parseGoQuery(raw: string): FormValues {
  const out: FormValues = new Map()
  if (raw === '') return out
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue
    const eq = pair.indexOf('=')
    const key = unescapeQueryPart(eq < 0 ? pair : pair.slice(0, eq))
    const value = unescapeQueryPart(eq < 0 ? '' : pair.slice(eq + 1))
    if (key === undefined || value === undefined) continue
    addValue(out, key, value)
  }
  return out
}

/** Appends `value` to `key`'s list. */
export function addValue(values: FormValues, key: string, value: string): void {
  const list = values.get(key)
  if (list === undefined) values.set(key, [value])
  else list.push(value)
}

/** The first value of `key`, or '' (Go's url.Values.Get). */
export function firstValue(values: FormValues, key: string): string {
  return values.get(key)?.[0] ?? ''
}

/** Appends every value of `from` to `into`, keeping `into`'s values first (Go's copyValues). */
export function mergeValues(into: FormValues, from: FormValues): void {
  for (const [k, vs] of from) for (const v of vs) addValue(into, k, v)
}

/** Decodes `+` and `%XX`; undefined when a `%` is not followed by two hex digits. */
function unescapeQueryPart(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('+')) return s
  const bytes: number[] = []
  const enc = new TextEncoder()
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x25) {
      const h = parseHex2(s, i + 1)
      if (h < 0) return undefined
      bytes.push(h)
      i += 2
    } else if (c === 0x2b) {
      bytes.push(0x20)
    } else if (c < 0x80) {
      bytes.push(c)
    } else {
      // Not ASCII: copy the character's UTF-8 bytes (a surrogate pair is one character).
      const cp = s.codePointAt(i) ?? c
      const chunk = String.fromCodePoint(cp)
      for (const b of enc.encode(chunk)) bytes.push(b)
      i += chunk.length - 1
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function parseHex2(s: string, at: number): number {
  if (at + 2 > s.length) return -1
  const hi = hexValue(s.charCodeAt(at))
  const lo = hexValue(s.charCodeAt(at + 1))
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  return -1
}

/** The raw query string of a request target (`/query?x=1` → `x=1`). */
export function rawQueryOf(target: string): string {
  const q = target.indexOf('?')
  if (q < 0) return ''
  const hash = target.indexOf('#', q)
  return target.slice(q + 1, hash < 0 ? undefined : hash)
}

/** The path of a request target, still escaped as sent (`/query?x` → `/query`). */
export function rawPathOf(target: string): string {
  const q = target.indexOf('?')
  return q < 0 ? target : target.slice(0, q)
}

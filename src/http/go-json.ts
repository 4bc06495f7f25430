// JSON decoding with Go's encoding/json behaviour and error texts, for the inputs InfluxDB 1.6.7
// decodes with it: the `params` parameter of /query (json.Decoder with UseNumber into a
// map[string]interface{}, then top-level numbers with a `.` become float64 and the others int64)
// and the JSON parts of a JWT (json.Unmarshal). Bad input gives Go's texts (`invalid character
// 'a' looking for beginning of value`, `unexpected EOF`, `json: cannot unmarshal array into Go
// value of type map[string]interface {}`, `strconv.ParseInt: parsing "1e5": invalid syntax`).
// Integers of `params` are bigint, so int64 values keep every digit. The scanner is iterative:
// deep nesting cannot overflow the stack (Go's limit of 10000 levels applies).

import { goQuote } from './go-text.js'

/** The result of {@link decodeQueryParams}: the values, or the error text and its kind. */
export type ParamsDecodeResult =
  | { readonly kind: 'ok'; readonly params: Record<string, unknown> | undefined }
  /** JSON syntax or type error: answered as `error parsing query parameters: <message>`. */
  | { readonly kind: 'syntax'; readonly message: string }
  /** A number that is not an int64/float64: answered as `error parsing json value: <message>`. */
  | { readonly kind: 'number'; readonly message: string }

const MAX_DEPTH = 10000
const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

/** A number as written (Go's json.Number). */
export class JSONNumber {
  constructor(readonly text: string) {}
}

class DecodeError extends Error {}

/** Decodes the raw `params` text (non-empty) like InfluxDB's handler. */
export function decodeQueryParams(raw: string): ParamsDecodeResult {
  const decoded = decodeGoJSON(Buffer.from(raw, 'utf8'), 'decoder')
  if (!decoded.ok) return { kind: 'syntax', message: decoded.message }
  const value = decoded.value
  if (value === null) return { kind: 'ok', params: undefined }
  const what = goKindOf(value)
  if (what !== 'object') {
    return {
      kind: 'syntax',
      message: `json: cannot unmarshal ${what} into Go value of type map[string]interface {}`,
    }
  }
  const params = value as Record<string, unknown>
  for (const [k, v] of Object.entries(params)) {
    if (!(v instanceof JSONNumber)) {
      setProp(params, k, plainJSON(v))
      continue
    }
    const converted = convertNumber(v.text)
    if (typeof converted === 'string') return { kind: 'number', message: converted }
    setProp(params, k, converted)
  }
  return { kind: 'ok', params }
}

/**
 * Go's name for the JSON kind of a decoded value, as in `json: cannot unmarshal <kind> into …`:
 * object, array, string, number or bool (null for null).
 */
export function goKindOf(
  value: unknown,
): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof JSONNumber) return 'number'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  return 'object'
}

/**
 * Reads one JSON value from `b` with Go's scanner and error texts. `decoder` mode is
 * json.Decoder.Decode (reads one value, ignores what follows; `EOF`/`unexpected EOF`);
 * `unmarshal` mode is json.Unmarshal (trailing non-space is an error; `unexpected end of JSON
 * input`). Numbers come back as {@link JSONNumber}; use {@link plainJSON} to turn them into numbers.
 */
export function decodeGoJSON(
  b: Uint8Array,
  mode: 'decoder' | 'unmarshal',
):
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string } {
  const scanner = new Scanner(b)
  try {
    const value = scanner.decode()
    if (mode === 'unmarshal') scanner.expectEnd()
    return { ok: true, value }
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err
    let message = err.message
    if (mode === 'unmarshal' && (message === 'EOF' || message === 'unexpected EOF')) {
      message = 'unexpected end of JSON input'
    }
    return { ok: false, message }
  }
}

/** int64 (bigint) or float64 (number) as Go's json.Number.Int64/Float64; a string is the error. */
function convertNumber(text: string): bigint | number | string {
  if (text.includes('.')) {
    const f = Number(text)
    if (!Number.isFinite(f))
      return `strconv.ParseFloat: parsing ${goQuote(text)}: value out of range`
    return f
  }
  if (!/^-?\d+$/.test(text)) return `strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`
  const n = BigInt(text)
  if (n < INT64_MIN || n > INT64_MAX) {
    return `strconv.ParseInt: parsing ${goQuote(text)}: value out of range`
  }
  return n
}

/** Replaces every {@link JSONNumber} in `v` by a plain number (Go's float64); returns `v`. */
export function plainJSON(v: unknown): unknown {
  if (v instanceof JSONNumber) return Number(v.text)
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = plainJSON(v[i])
    return v
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    for (const k of Object.keys(o)) setProp(o, k, plainJSON(o[k]))
  }
  return v
}

/** Sets an own property, also for the key `__proto__` (which plain assignment would not). */
function setProp(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true })
}

type Frame =
  | { readonly kind: 'object'; readonly value: Record<string, unknown>; key: string }
  | { readonly kind: 'array'; readonly value: unknown[] }

/** Go's JSON scanner over UTF-8 bytes, reading exactly one value like json.Decoder.Decode. */
class Scanner {
  readonly #b: Uint8Array
  #pos = 0
  readonly #stack: Frame[] = []

  constructor(b: Uint8Array) {
    this.#b = b
  }

  decode(): unknown {
    this.#skipSpace()
    if (this.#pos >= this.#b.length) throw new DecodeError('EOF')
    for (;;) {
      let value = this.#beginValue()
      // A complete value: hand it to the enclosing containers, closing those that end here.
      for (;;) {
        const top = this.#stack[this.#stack.length - 1]
        if (top === undefined) return value
        if (top.kind === 'object') {
          setProp(top.value, top.key, value)
          const c = this.#nextNonSpace()
          if (c === 0x2c) {
            this.#pos++
            top.key = this.#objectKey()
            break
          }
          if (c !== 0x7d) this.#fail(c, 'after object key:value pair')
        } else {
          top.value.push(value)
          const c = this.#nextNonSpace()
          if (c === 0x2c) {
            this.#pos++
            break
          }
          if (c !== 0x5d) this.#fail(c, 'after array element')
        }
        this.#pos++
        this.#stack.pop()
        value = top.value
      }
    }
  }

  /** Reads a value; containers are pushed and their first element started. */
  #beginValue(): unknown {
    for (;;) {
      const c = this.#nextNonSpace()
      switch (c) {
        case 0x7b: {
          this.#push()
          this.#pos++
          const obj: Record<string, unknown> = {}
          if (this.#nextNonSpace() === 0x7d) {
            this.#pos++
            this.#stack.pop()
            return obj
          }
          const frame: Frame = { kind: 'object', value: obj, key: '' }
          this.#stack[this.#stack.length - 1] = frame
          frame.key = this.#objectKey()
          continue
        }
        case 0x5b: {
          this.#push()
          this.#pos++
          const arr: unknown[] = []
          if (this.#nextNonSpace() === 0x5d) {
            this.#pos++
            this.#stack.pop()
            return arr
          }
          this.#stack[this.#stack.length - 1] = { kind: 'array', value: arr }
          continue
        }
        case 0x22:
          return this.#string()
        case 0x74:
          return this.#literal('true', true)
        case 0x66:
          return this.#literal('false', false)
        case 0x6e:
          return this.#literal('null', null)
        default:
          if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number()
          return this.#fail(c, 'looking for beginning of value')
      }
    }
  }

  /** json.Unmarshal's check after the value: only whitespace may follow. */
  expectEnd(): void {
    this.#skipSpace()
    const c = this.#b[this.#pos]
    if (c !== undefined) this.#fail(c, 'after top-level value')
  }

  #push(): void {
    if (this.#stack.length >= MAX_DEPTH) throw new DecodeError('exceeded max depth')
    this.#stack.push({ kind: 'array', value: [] }) // placeholder, replaced by the caller
  }

  /** After `{` or `,` in an object: a key string, then `:`. */
  #objectKey(): string {
    const c = this.#nextNonSpace()
    if (c !== 0x22) this.#fail(c, 'looking for beginning of object key string')
    const key = this.#string()
    const d = this.#nextNonSpace()
    if (d !== 0x3a) this.#fail(d, 'after object key')
    this.#pos++
    return key
  }

  /** The next byte that is not JSON whitespace (not consumed); throws `unexpected EOF` at the end. */
  #nextNonSpace(): number {
    this.#skipSpace()
    const c = this.#b[this.#pos]
    if (c === undefined) throw new DecodeError('unexpected EOF')
    return c
  }

  #skipSpace(): void {
    const b = this.#b
    while (this.#pos < b.length) {
      const c = b[this.#pos]
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return
      this.#pos++
    }
  }

  #literal(word: string, value: boolean | null): boolean | null {
    for (let i = 1; i < word.length; i++) {
      const c = this.#b[this.#pos + i]
      if (c === undefined) throw new DecodeError('unexpected EOF')
      if (c !== word.charCodeAt(i)) {
        this.#fail(c, `in literal ${word} (expecting ${goQuoteChar(word.charCodeAt(i))})`)
      }
    }
    this.#pos += word.length
    return value
  }

  /** A number per Go's scanner states; ends at the first byte that cannot continue it. */
  #number(): JSONNumber {
    const b = this.#b
    const start = this.#pos
    let i = start
    const at = (): number | undefined => b[i]
    const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39
    const atTop = this.#stack.length === 0
    const eofOrFail = (c: number | undefined, context: string): never => {
      if (c === undefined) throw new DecodeError('unexpected EOF')
      return this.#fail(c, context)
    }
    if (at() === 0x2d) {
      i++
      if (!isDigit(at())) eofOrFail(at(), 'in numeric literal')
    }
    if (at() === 0x30) i++
    else while (isDigit(at())) i++
    if (at() === 0x2e) {
      i++
      if (!isDigit(at())) eofOrFail(at(), 'after decimal point in numeric literal')
      while (isDigit(at())) i++
    }
    if (at() === 0x65 || at() === 0x45) {
      i++
      if (at() === 0x2b || at() === 0x2d) i++
      if (!isDigit(at())) eofOrFail(at(), 'in exponent of numeric literal')
      while (isDigit(at())) i++
    }
    if (at() === undefined && !atTop) throw new DecodeError('unexpected EOF')
    this.#pos = i
    return new JSONNumber(Buffer.from(b.subarray(start, i)).toString('latin1'))
  }

  /** A string starting at `"`; returns its decoded text (bad UTF-8 and lone surrogates → U+FFFD). */
  #string(): string {
    const b = this.#b
    let i = this.#pos + 1
    const out: number[] = []
    let runStart = i
    const flush = (end: number): void => {
      for (let k = runStart; k < end; k++) out.push(b[k] ?? 0)
    }
    for (;;) {
      const c = b[i]
      if (c === undefined) throw new DecodeError('unexpected EOF')
      if (c === 0x22) break
      if (c < 0x20) this.#fail(c, 'in string literal')
      if (c !== 0x5c) {
        i++
        continue
      }
      flush(i)
      const e = b[i + 1]
      if (e === undefined) throw new DecodeError('unexpected EOF')
      const simple = ESCAPES.get(e)
      if (simple !== undefined) {
        out.push(simple)
        i += 2
      } else if (e === 0x75) {
        let cp = this.#hex4(i + 2)
        i += 6
        if (cp >= 0xd800 && cp <= 0xdbff && b[i] === 0x5c && b[i + 1] === 0x75) {
          const lo = this.#hex4(i + 2)
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
            i += 6
          }
        }
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
        for (const byte of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(byte)
      } else {
        this.#fail(e, 'in string escape code')
      }
      runStart = i
    }
    flush(i)
    this.#pos = i + 1
    return Buffer.from(out).toString('utf8')
  }

  #hex4(at: number): number {
    let v = 0
    for (let k = at; k < at + 4; k++) {
      const c = this.#b[k]
      if (c === undefined) throw new DecodeError('unexpected EOF')
      const h =
        c >= 0x30 && c <= 0x39
          ? c - 0x30
          : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66
            ? (c | 0x20) - 0x57
            : -1
      if (h < 0) this.#fail(c, 'in \\u hexadecimal character escape')
      v = v * 16 + h
    }
    return v
  }

  #fail(c: number, context: string): never {
    throw new DecodeError(`invalid character ${goQuoteChar(c)} ${context}`)
  }
}

/** The bytes that a backslash escape stands for, by the byte after the backslash. */
const ESCAPES = new Map<number, number>([
  [0x22, 0x22],
  [0x5c, 0x5c],
  [0x2f, 0x2f],
  [0x62, 0x08],
  [0x66, 0x0c],
  [0x6e, 0x0a],
  [0x72, 0x0d],
  [0x74, 0x09],
])

/** Go's quoteChar: `'\''`, `'"'`, else strconv.Quote of the byte read as a rune, in single quotes. */
function goQuoteChar(c: number): string {
  if (c === 0x27) return `'\\''`
  if (c === 0x22) return `'"'`
  const q = goQuote(String.fromCharCode(c))
  return `'${q.slice(1, -1)}'`
}

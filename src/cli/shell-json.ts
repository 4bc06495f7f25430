// JSON as the influx shell sees it: a parser that keeps every number as the exact text the server
// sent (the shell prints `1e+21`, int64 maxima and nanosecond times verbatim, as Go's
// json.Number does), reads several JSON values in a row (a chunked /query answer is one JSON
// document per chunk), and an encoder that writes Go's encoding/json output byte for byte:
// HTML-safe escapes (`<` → `\u003c`), `\u00XX` for control bytes, and MarshalIndent's layout.

import { ShellResponseError } from './shell-errors.js'

import { goJSONString } from '../util/index.js'

/** A JSON number kept as the text the server wrote (never converted to a JS number). */
export class JSONNumber {
  /** The number's text, e.g. `1577836800000000000` or `1e+21`. */
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
}

/** A decoded JSON value. Objects keep their keys in document order. */
export type JSONValue = null | boolean | string | JSONNumber | readonly JSONValue[] | JSONObject

/** A JSON object: keys in the order they were written (or built). */
export type JSONObject = ReadonlyMap<string, JSONValue>

/** True when `v` is a JSON object. */
export function isJSONObject(v: JSONValue | undefined): v is JSONObject {
  return v instanceof Map
}

/**
 * Parses every JSON value in `text`, one after another, separated by optional whitespace (the
 * chunked /query stream). Throws ShellResponseError naming the offset when `text` is not JSON.
 */
export function parseJSONSequence(text: string): JSONValue[] {
  const p = new Parser(text)
  const out: JSONValue[] = []
  for (;;) {
    p.skipSpace()
    if (p.pos >= text.length) return out
    out.push(p.value())
  }
}

/**
 * Reads JSON values one after another like Go's json.Decoder: stops at the first value that does
 * not parse and reports where that value began (`failedAt`), keeping the values before it and
 * where each of them began (`starts`).
 */
export function readJSONSequence(text: string): {
  values: JSONValue[]
  starts: number[]
  failedAt: number | undefined
} {
  const p = new Parser(text)
  const values: JSONValue[] = []
  const starts: number[] = []
  for (;;) {
    p.skipSpace()
    if (p.pos >= text.length) return { values, starts, failedAt: undefined }
    const start = p.pos
    try {
      values.push(p.value())
      starts.push(start)
    } catch (err) {
      if (err instanceof ShellResponseError) return { values, starts, failedAt: start }
      throw err
    }
  }
}

/** Parses exactly one JSON value (surrounding whitespace allowed). */
export function parseJSON(text: string): JSONValue {
  const values = parseJSONSequence(text)
  if (values.length !== 1) throw new ShellResponseError('expected exactly one JSON value', 0)
  return values[0] ?? null
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

class Parser {
  readonly #text: string
  pos = 0

  constructor(text: string) {
    this.#text = text
  }

  skipSpace(): void {
    const t = this.#text
    let i = this.pos
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    }
    this.pos = i
  }

  #fail(what: string): never {
    const found =
      this.pos < this.#text.length ? JSON.stringify(this.#text[this.pos]) : 'end of input'
    throw new ShellResponseError(`invalid JSON: expected ${what}, found ${found}`, this.pos)
  }

  value(): JSONValue {
    this.skipSpace()
    const t = this.#text
    const c = t[this.pos]
    switch (c) {
      case '{':
        return this.#object()
      case '[':
        return this.#array()
      case '"':
        return this.#string()
      case 't':
        return this.#literal('true', true)
      case 'f':
        return this.#literal('false', false)
      case 'n':
        return this.#literal('null', null)
      default: {
        NUMBER.lastIndex = this.pos
        const m = NUMBER.exec(t)
        if (m === null || m[0].length === 0) this.#fail('a value')
        this.pos += m[0].length
        return new JSONNumber(m[0])
      }
    }
  }

  #literal<T>(word: string, v: T): T {
    if (!this.#text.startsWith(word, this.pos)) this.#fail(word)
    this.pos += word.length
    return v
  }

  #object(): JSONObject {
    const out = new Map<string, JSONValue>()
    this.pos++
    this.skipSpace()
    if (this.#text[this.pos] === '}') {
      this.pos++
      return out
    }
    for (;;) {
      this.skipSpace()
      if (this.#text[this.pos] !== '"') this.#fail('a string key')
      const key = this.#string()
      this.skipSpace()
      if (this.#text[this.pos] !== ':') this.#fail("':'")
      this.pos++
      out.set(key, this.value())
      this.skipSpace()
      const c = this.#text[this.pos]
      this.pos++
      if (c === '}') return out
      if (c !== ',') {
        this.pos--
        this.#fail("',' or '}'")
      }
    }
  }

  #array(): JSONValue[] {
    const out: JSONValue[] = []
    this.pos++
    this.skipSpace()
    if (this.#text[this.pos] === ']') {
      this.pos++
      return out
    }
    for (;;) {
      out.push(this.value())
      this.skipSpace()
      const c = this.#text[this.pos]
      this.pos++
      if (c === ']') return out
      if (c !== ',') {
        this.pos--
        this.#fail("',' or ']'")
      }
    }
  }

  #string(): string {
    const t = this.#text
    const start = this.pos + 1
    // Fast path: no escapes.
    let i = start
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i)
      if (c === 0x22) {
        this.pos = i + 1
        return t.slice(start, i)
      }
      if (c === 0x5c || c < 0x20) break
    }
    const parts: string[] = [t.slice(start, i)]
    for (;;) {
      if (i >= t.length) {
        this.pos = i
        this.#fail('a closing quote')
      }
      const c = t.charCodeAt(i)
      if (c === 0x22) {
        this.pos = i + 1
        return parts.join('')
      }
      if (c < 0x20) {
        this.pos = i
        this.#fail('a string character')
      }
      if (c !== 0x5c) {
        let j = i + 1
        for (; j < t.length; j++) {
          const d = t.charCodeAt(j)
          if (d === 0x22 || d === 0x5c || d < 0x20) break
        }
        parts.push(t.slice(i, j))
        i = j
        continue
      }
      const e = t[i + 1]
      i += 2
      switch (e) {
        case '"':
        case '\\':
        case '/':
          parts.push(e)
          break
        case 'b':
          parts.push('\b')
          break
        case 'f':
          parts.push('\f')
          break
        case 'n':
          parts.push('\n')
          break
        case 'r':
          parts.push('\r')
          break
        case 't':
          parts.push('\t')
          break
        case 'u': {
          const hex = t.slice(i, i + 4)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = i
            this.#fail('4 hex digits')
          }
          parts.push(String.fromCharCode(parseInt(hex, 16)))
          i += 4
          break
        }
        default:
          this.pos = i - 1
          this.#fail('an escape character')
      }
    }
  }
}

/** Go's encoding/json string quoting (one implementation for the whole project). */
export const goQuote = goJSONString

/**
 * Encodes `v` like Go's json.Marshal (`indent` undefined) or json.MarshalIndent(v, "", indent).
 * Object keys are written in the map's order; callers sort where Go sorts (map[string]…).
 */
export function goMarshal(v: JSONValue, indent?: string): string {
  const parts: string[] = []
  encode(v, indent, '', parts)
  return parts.join('')
}

function encode(v: JSONValue, indent: string | undefined, prefix: string, out: string[]): void {
  if (v === null) out.push('null')
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false')
  else if (typeof v === 'string') out.push(goQuote(v))
  else if (v instanceof JSONNumber) out.push(v.text)
  else if (isJSONObject(v)) {
    if (v.size === 0) {
      out.push('{}')
      return
    }
    const inner = indent === undefined ? '' : prefix + indent
    out.push('{')
    let first = true
    for (const [k, item] of v) {
      if (!first) out.push(',')
      first = false
      if (indent !== undefined) out.push('\n', inner)
      out.push(goQuote(k), indent === undefined ? ':' : ': ')
      encode(item, indent, inner, out)
    }
    if (indent !== undefined) out.push('\n', prefix)
    out.push('}')
  } else {
    if (v.length === 0) {
      out.push('[]')
      return
    }
    const inner = indent === undefined ? '' : prefix + indent
    out.push('[')
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',')
      if (indent !== undefined) out.push('\n', inner)
      encode(v[i] ?? null, indent, inner, out)
    }
    if (indent !== undefined) out.push('\n', prefix)
    out.push(']')
  }
}

/** Compares two strings by Unicode code point (= the UTF-8 byte order Go's sort.Strings uses). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (astral code points) sort after every BMP code point in UTF-8 byte order.
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

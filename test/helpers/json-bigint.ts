// A small JSON parser that keeps big integers exact. influxd answers queries with `epoch=ns`
// timestamps (~1.6e18 in 2020) and int64 field values as bare JSON numbers; `JSON.parse` rounds
// anything above 2^53 to the nearest double, so tests that compare timestamps or int64 values
// need the literal text. Node 20 has no `JSON.parse` source-text access, hence this parser.

/** A parsed JSON value; integer literals outside the safe range are `bigint`. */
export type JSONValue = null | boolean | number | bigint | string | JSONValue[] | JSONObject

/** A parsed JSON object (insertion order = text order). */
export interface JSONObject {
  [key: string]: JSONValue
}

/** Thrown when the text is not valid JSON; `offset` is the character index of the problem. */
export class JSONSyntaxError extends Error {
  readonly offset: number

  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`)
    this.name = 'JSONSyntaxError'
    this.offset = offset
  }
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y
const STRING_RE = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/**
 * Parses JSON text like `JSON.parse`, except that a number literal without fraction or exponent
 * whose value is not a safe integer becomes a `bigint` (so `1577836800000000000` stays exact).
 * Every other number is a `number` (`-0` stays `-0`). Throws {@link JSONSyntaxError}.
 */
export function parseJSONBigInt(text: string): JSONValue {
  const p = new Parser(text)
  const v = p.value()
  p.skipSpace()
  if (p.pos !== text.length) throw new JSONSyntaxError('unexpected trailing text', p.pos)
  return v
}

class Parser {
  readonly #text: string
  pos = 0

  constructor(text: string) {
    this.#text = text
  }

  skipSpace(): void {
    const t = this.#text
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      this.pos++
    }
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
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.#number()
        throw new JSONSyntaxError(
          c === undefined ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(c)}`,
          this.pos,
        )
    }
  }

  #literal<T extends JSONValue>(word: string, v: T): T {
    if (!this.#text.startsWith(word, this.pos)) {
      throw new JSONSyntaxError(`expected ${word}`, this.pos)
    }
    this.pos += word.length
    return v
  }

  #number(): number | bigint {
    NUMBER_RE.lastIndex = this.pos
    const m = NUMBER_RE.exec(this.#text)
    if (m === null) throw new JSONSyntaxError('invalid number', this.pos)
    this.pos += m[0].length
    const n = Number(m[0])
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) return BigInt(m[0])
    return n
  }

  #string(): string {
    STRING_RE.lastIndex = this.pos
    const m = STRING_RE.exec(this.#text)
    if (m === null) throw new JSONSyntaxError('invalid string', this.pos)
    this.pos += m[0].length
    // The regex has validated the token, so JSON.parse only decodes the escapes.
    return JSON.parse(m[0]) as string
  }

  #array(): JSONValue[] {
    this.pos++ // [
    const out: JSONValue[] = []
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
      if (c !== ',') throw new JSONSyntaxError("expected ',' or ']'", this.pos - 1)
    }
  }

  #object(): JSONObject {
    this.pos++ // {
    const out: JSONObject = {}
    this.skipSpace()
    if (this.#text[this.pos] === '}') {
      this.pos++
      return out
    }
    for (;;) {
      this.skipSpace()
      if (this.#text[this.pos] !== '"') throw new JSONSyntaxError('expected a string key', this.pos)
      const key = this.#string()
      this.skipSpace()
      if (this.#text[this.pos] !== ':') throw new JSONSyntaxError("expected ':'", this.pos)
      this.pos++
      // defineProperty so that a key named __proto__ is stored as data, as JSON.parse does.
      const value = this.value()
      const desc = { value, enumerable: true, writable: true, configurable: true }
      Object.defineProperty(out, key, desc)
      this.skipSpace()
      const c = this.#text[this.pos]
      this.pos++
      if (c === '}') return out
      if (c !== ',') throw new JSONSyntaxError("expected ',' or '}'", this.pos - 1)
    }
  }
}

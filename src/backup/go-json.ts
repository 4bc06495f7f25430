// JSON as Go's encoding/json writes and reads it, for the backup manifest.
//
// Writing: json.MarshalIndent(v, "", "  ") — objects keep their field order, strings escape `"`,
// `\`, control characters (\n, \r, \t, else \u00XX), the HTML characters <, > and & (\u003c …),
// U+2028/U+2029, and lone surrogates become U+FFFD; empty arrays and objects print as `[]`/`{}`.
// Reading: a strict RFC 8259 parser that keeps integers exact (int64 nanoseconds exceed 2^53), so
// numbers come back as their source text. Errors carry the byte offset, line and column.

import { goJSONString } from '../util/index.js'

/** A JSON number as written in the source text (integers stay exact). */
export class JSONNumber {
  /** The number's text, e.g. `-12`, `1.5e3`. */
  readonly raw: string
  constructor(raw: string) {
    this.raw = raw
  }
}

/** A parsed JSON value. Objects keep their keys in source order (a later duplicate wins). */
export type JSONValue = null | boolean | string | JSONNumber | readonly JSONValue[] | JSONObject
/** A parsed JSON object. */
export type JSONObject = ReadonlyMap<string, JSONValue>

/** A value for the Go-style encoder: objects are ordered [key, value] pairs (Go struct order). */
export type GoJSONValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | readonly GoJSONValue[]
  | { readonly fields: readonly (readonly [string, GoJSONValue])[] }

export { goJSONString }

/** Encodes `v` as json.MarshalIndent(v, "", "  ") would (no trailing newline). */
export function encodeGoJSON(v: GoJSONValue, indent = ''): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false'
    case 'string':
      return goJSONString(v)
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError(`JSON cannot hold ${v}`)
      return String(v)
    case 'bigint':
      return v.toString()
    default:
      break
  }
  const inner = `${indent}  `
  if (Array.isArray(v)) {
    const items = v as readonly GoJSONValue[]
    if (items.length === 0) return '[]'
    return `[\n${items.map((x) => inner + encodeGoJSON(x, inner)).join(',\n')}\n${indent}]`
  }
  const fields = (v as { readonly fields: readonly (readonly [string, GoJSONValue])[] }).fields
  if (fields.length === 0) return '{}'
  const body = fields.map(([k, x]) => `${inner}${goJSONString(k)}: ${encodeGoJSON(x, inner)}`)
  return `{\n${body.join(',\n')}\n${indent}}`
}

/** Where and why JSON text failed to parse. */
export interface JSONSyntaxProblem {
  readonly reason: string
  /** Offset in UTF-16 code units of the text (equal to the byte offset for ASCII text). */
  readonly offset: number
  readonly line: number
  readonly column: number
}

/** Thrown by parseJSON; the caller wraps it into its own typed error. */
export class JSONSyntaxError extends Error {
  readonly problem: JSONSyntaxProblem
  constructor(problem: JSONSyntaxProblem) {
    super(`${problem.reason} at line ${problem.line}, column ${problem.column}`)
    this.problem = problem
  }
}

const MAX_DEPTH = 64
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Parses one JSON value; only whitespace may follow it. Throws JSONSyntaxError. */
export function parseJSON(text: string): JSONValue {
  let pos = 0
  const fail = (reason: string, at = pos): never => {
    let line = 1
    let lineStart = 0
    for (let i = 0; i < at && i < text.length; i++) {
      if (text.charCodeAt(i) === 0x0a) {
        line++
        lineStart = i + 1
      }
    }
    throw new JSONSyntaxError({ reason, offset: at, line, column: at - lineStart + 1 })
  }
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++
      else return
    }
  }
  const str = (): string => {
    // pos is at the opening quote
    pos++
    let out = ''
    let start = pos
    for (;;) {
      if (pos >= text.length) fail('unterminated string')
      const c = text.charCodeAt(pos)
      if (c === 0x22) {
        out += text.slice(start, pos)
        pos++
        return out
      }
      if (c < 0x20) fail('control character in string')
      if (c !== 0x5c) {
        pos++
        continue
      }
      out += text.slice(start, pos)
      const e = text[pos + 1]
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      }
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e]
        pos += 2
      } else if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape')
        out += String.fromCharCode(parseInt(hex, 16))
        pos += 6
      } else {
        fail('invalid escape in string')
      }
      start = pos
    }
  }
  const value = (depth: number): JSONValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep')
    ws()
    const c = text[pos]
    if (c === '{') {
      pos++
      const obj = new Map<string, JSONValue>()
      ws()
      if (text[pos] === '}') {
        pos++
        return obj
      }
      for (;;) {
        ws()
        if (text[pos] !== '"') fail('expected a string key')
        const key = str()
        ws()
        if (text[pos] !== ':') fail('expected ":" after object key')
        pos++
        obj.set(key, value(depth + 1))
        ws()
        if (text[pos] === ',') {
          pos++
          continue
        }
        if (text[pos] === '}') {
          pos++
          return obj
        }
        fail('expected "," or "}" in object')
      }
    }
    if (c === '[') {
      pos++
      const arr: JSONValue[] = []
      ws()
      if (text[pos] === ']') {
        pos++
        return arr
      }
      for (;;) {
        arr.push(value(depth + 1))
        ws()
        if (text[pos] === ',') {
          pos++
          continue
        }
        if (text[pos] === ']') {
          pos++
          return arr
        }
        fail('expected "," or "]" in array')
      }
    }
    if (c === '"') return str()
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length
        return v
      }
    }
    NUMBER.lastIndex = pos
    const m = NUMBER.exec(text)
    if (m !== null && m[0] !== '' && m[0] !== '-') {
      pos += m[0].length
      return new JSONNumber(m[0])
    }
    return fail(
      pos >= text.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`,
    )
  }
  const v = value(0)
  ws()
  if (pos < text.length) fail('unexpected data after the JSON value')
  return v
}

// The JSON body of /query answers, byte for byte as InfluxDB 1.6.7 writes it (Go's encoding/json
// over httpd.Response, query.Result and models.Row): field order statement_id, series, messages,
// partial, error; empty fields omitted; tags sorted by key; floats in Go's format; `<>&` escaped;
// a trailing newline. `pretty=true` gives json.MarshalIndent's 4-space layout. A NaN or infinite
// float makes Go's marshalling fail, and InfluxDB then writes the error text as the body.

import { goJSONFloat, goJSONString, goUnsupportedFloat } from './go-text.js'
import type { QueryCell, QueryMessage, QueryRow, StatementResult } from './interfaces.js'
import { formatRFC3339Nano } from './time-format.js'

/** A whole response: the results, or a top-level error (both may be present). */
export interface ResponseBody {
  readonly results?: readonly StatementResult[]
  readonly error?: string
}

/** How cells are rendered: `epochDivisor` turns times in the first column into integers. */
export interface EncodeOptions {
  readonly pretty: boolean
  readonly epochDivisor: bigint | undefined
}

/** Thrown while encoding a value that Go's encoder refuses; the message is Go's text. */
class UnsupportedValueError extends Error {}

/**
 * Encodes `body` as InfluxDB's JSON response text including the final `\n`. Never throws for
 * values Go cannot encode: the body is then Go's error text as influxd writes it, wrapped by the
 * two MarshalJSON methods the value sits under (httpd.Response, then *query.Result).
 */
export function encodeJSONResponse(body: ResponseBody, opts: EncodeOptions): string {
  let text: string
  try {
    text = encodeResponse(body, opts.epochDivisor)
  } catch (err) {
    if (err instanceof UnsupportedValueError)
      return `json: error calling MarshalJSON for type httpd.Response: json: error calling MarshalJSON for type *query.Result: ${err.message}\n`
    throw err
  }
  return `${opts.pretty ? indentJSON(text, '    ') : text}\n`
}

function encodeResponse(body: ResponseBody, divisor: bigint | undefined): string {
  const parts: string[] = []
  const results = body.results
  if (results !== undefined && results.length > 0) {
    parts.push(`"results":[${results.map((r) => encodeResult(r, divisor)).join(',')}]`)
  }
  if (body.error !== undefined && body.error !== '')
    parts.push(`"error":${goJSONString(body.error)}`)
  return `{${parts.join(',')}}`
}

function encodeResult(r: StatementResult, divisor: bigint | undefined): string {
  let out = `{"statement_id":${r.statementID}`
  if (r.series !== undefined && r.series.length > 0) {
    out += `,"series":[${r.series.map((row) => encodeRow(row, divisor)).join(',')}]`
  }
  if (r.messages !== undefined && r.messages.length > 0) {
    out += `,"messages":[${r.messages.map(encodeMessage).join(',')}]`
  }
  if (r.partial === true) out += ',"partial":true'
  if (r.error !== undefined && r.error !== '') out += `,"error":${goJSONString(r.error)}`
  return `${out}}`
}

function encodeMessage(m: QueryMessage): string {
  return `{"level":${goJSONString(m.level)},"text":${goJSONString(m.text)}}`
}

function encodeRow(row: QueryRow, divisor: bigint | undefined): string {
  const parts: string[] = []
  if (row.name !== undefined && row.name !== '') parts.push(`"name":${goJSONString(row.name)}`)
  if (row.tags !== undefined) {
    const keys = Object.keys(row.tags)
    if (keys.length > 0) {
      keys.sort(compareUTF8)
      const tags = row.tags
      parts.push(
        `"tags":{${keys.map((k) => `${goJSONString(k)}:${goJSONString(tags[k] ?? '')}`).join(',')}}`,
      )
    }
  }
  if (row.columns.length > 0) parts.push(`"columns":[${row.columns.map(goJSONString).join(',')}]`)
  const values = row.values
  if (values !== undefined && values.length > 0) {
    let v = '"values":['
    for (let i = 0; i < values.length; i++) {
      const cells = values[i] ?? []
      if (i > 0) v += ','
      v += '['
      for (let j = 0; j < cells.length; j++) {
        if (j > 0) v += ','
        v += encodeCell(cells[j] ?? null, j === 0 ? divisor : undefined)
      }
      v += ']'
    }
    parts.push(`${v}]`)
  }
  if (row.partial === true) parts.push('"partial":true')
  return `{${parts.join(',')}}`
}

function encodeCell(c: QueryCell, divisor: bigint | undefined): string {
  switch (typeof c) {
    case 'number': {
      const s = goJSONFloat(c)
      if (s === undefined) throw new UnsupportedValueError(goUnsupportedFloat(c))
      return s
    }
    case 'string':
      return goJSONString(c)
    case 'bigint':
      return c.toString()
    case 'boolean':
      return c ? 'true' : 'false'
    case 'object':
      if (c === null) return 'null'
      // A list cell (SHOW SUBSCRIPTIONS destinations) is a JSON array of strings, as Go encodes []string.
      if (!('kind' in c)) return `[${c.map((s) => goJSONString(s)).join(',')}]`
      if (divisor !== undefined) return (c.ns / divisor).toString()
      return `"${formatRFC3339Nano(c.ns, c.offsetSeconds ?? 0)}"`
    default:
      return 'null'
  }
}

/** Go sorts map keys by their bytes; for UTF-16 strings that is code point order. */
export function compareUTF8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/**
 * Re-indents compact JSON like Go's json.Indent with an empty prefix: one element per line,
 * `": "` after keys, empty `{}`/`[]` kept on one line.
 */
export function indentJSON(compact: string, indent: string): string {
  let out = ''
  let depth = 0
  let inString = false
  let needIndent = false // an opening bracket was written; indent before the next element
  for (let i = 0; i < compact.length; i++) {
    const ch = compact[i] ?? ''
    if (inString) {
      out += ch
      if (ch === '\\') {
        out += compact[i + 1] ?? ''
        i++
      } else if (ch === '"') {
        inString = false
      }
      continue
    }
    if (needIndent && ch !== ']' && ch !== '}') {
      needIndent = false
      depth++
      out += `\n${indent.repeat(depth)}`
    }
    switch (ch) {
      case '"':
        inString = true
        out += ch
        break
      case '{':
      case '[':
        out += ch
        needIndent = true
        break
      case ',':
        out += `,\n${indent.repeat(depth)}`
        break
      case ':':
        out += ': '
        break
      case '}':
      case ']':
        if (needIndent) {
          needIndent = false // empty container: stays `{}` / `[]`
        } else {
          depth--
          out += `\n${indent.repeat(depth)}`
        }
        out += ch
        break
      default:
        out += ch
    }
  }
  return out
}

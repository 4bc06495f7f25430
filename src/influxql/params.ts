// Bound parameters: `$name` in a query is replaced, while scanning, by the value the caller bound
// to `name` (InfluxDB's `params` form value). A value becomes a token of the matching kind, so a
// bound string is a string literal, a bound `{"identifier": "cpu"}` is an identifier, and so on.
// Values that cannot be bound become an error token that fails the parse with InfluxDB's text.

import { formatFloatPlain } from './format-number.js'
import { formatDuration } from './duration.js'
import { T } from './token.js'
import type { Token } from './token.js'

/**
 * The text of a JSON number exactly as written. InfluxDB's HTTP handler decodes `params` with
 * Go's json.Number and turns a number into a float when its text has a `.`, else into an int64;
 * numbers nested in a `{"type": value}` object reach the parser as such text.
 */
export class JSONNumber {
  /** The number as it appeared in the JSON text. */
  readonly text: string

  constructor(text: string) {
    this.text = text
  }
}

/**
 * A value bound to a query parameter: a float (`number`), an int64 (`bigint`), a string, a
 * boolean, or an object with exactly one of the keys `identifier`/`ident`, `regex`, `string`,
 * `float`/`number`, `integer`/`int`, `duration` naming the kind of literal. Anything else
 * (null, arrays, other objects) binds to an error that fails the parse where it is used.
 */
export type QueryParam =
  | number
  | bigint
  | string
  | boolean
  | null
  | JSONNumber
  | readonly QueryParam[]
  | { readonly [key: string]: QueryParam }

/** The parameters of a query, by name (without the `$`). */
export type QueryParams = ReadonlyMap<string, QueryParam> | { readonly [name: string]: QueryParam }

/** A bound parameter as the token it stands for; BOUNDPARAM with a message means an error. */
export interface BoundToken {
  readonly tok: Token
  readonly lit: string
}

const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

function failure(message: string): BoundToken {
  return { tok: T.BOUNDPARAM, lit: message }
}

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}'
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'object') return 'map[string]interface {}'
  return typeof v
}

/** json.Number's conversion: with a `.` a float64, else an int64; Go's error text otherwise. */
function fromJSONNumber(n: JSONNumber): number | bigint | string {
  const text = n.text
  if (text.includes('.')) {
    const v = Number(text)
    if (text.trim() !== text || text === '' || Number.isNaN(v)) {
      return `strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`
    }
    if (!Number.isFinite(v))
      return `strconv.ParseFloat: parsing ${JSON.stringify(text)}: value out of range`
    return v
  }
  if (!/^[+-]?[0-9]+$/.test(text))
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`
  const v = BigInt(text)
  if (v < INT64_MIN || v > INT64_MAX) {
    return `strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`
  }
  return v
}

function bindObject(obj: { readonly [key: string]: QueryParam }): BoundToken {
  const keys = Object.keys(obj)
  const key = keys[0]
  if (keys.length !== 1 || key === undefined) {
    return failure('bound object parameter value must have exactly one entry')
  }
  let v: QueryParam | undefined = obj[key]
  if (v instanceof JSONNumber) {
    const converted = fromJSONNumber(v)
    if (typeof converted === 'string') return failure(converted)
    v = converted
  }
  switch (key) {
    case 'ident':
    case 'identifier':
      return typeof v === 'string'
        ? { tok: T.IDENT, lit: v }
        : failure('identifier must be a string value')
    case 'regex':
      return typeof v === 'string'
        ? { tok: T.REGEX, lit: v }
        : failure('regex literal must be a string value')
    case 'string':
      return typeof v === 'string'
        ? { tok: T.STRING, lit: v }
        : failure('string literal must be a string value')
    case 'float':
    case 'number':
      if (typeof v === 'number') return { tok: T.NUMBER, lit: formatFloatPlain(v) }
      if (typeof v === 'bigint') return { tok: T.NUMBER, lit: formatFloatPlain(Number(v)) }
      return failure('number literal must be a float value')
    case 'int':
    case 'integer':
      if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) {
        return failure('integer literal must be an integer value')
      }
      return { tok: T.INTEGER, lit: v.toString() }
    case 'duration':
      if (typeof v === 'string') return { tok: T.DURATIONVAL, lit: v }
      if (typeof v === 'bigint')
        return { tok: T.DURATIONVAL, lit: formatDuration(BigInt.asIntN(64, v)) }
      return failure('duration literal must be a string or integer value')
    default:
      return failure(`unknown bind object type: ${key}`)
  }
}

/** The token a parameter value stands for, as InfluxDB binds it. */
export function bindParam(value: QueryParam | undefined): BoundToken {
  if (value instanceof JSONNumber) {
    const converted = fromJSONNumber(value)
    if (typeof converted === 'string') return failure(converted)
    value = converted
  }
  switch (typeof value) {
    case 'number':
      return { tok: T.NUMBER, lit: formatFloatPlain(value) }
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        return failure(`strconv.ParseInt: parsing "${value}": value out of range`)
      }
      return { tok: T.INTEGER, lit: value.toString() }
    case 'string':
      return { tok: T.STRING, lit: value }
    case 'boolean':
      return { tok: value ? T.TRUE : T.FALSE, lit: '' }
    default:
      break
  }
  if (value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value)) {
    return bindObject(value as { readonly [key: string]: QueryParam })
  }
  return failure(`unable to bind parameter with type ${goTypeName(value)}`)
}

/** Binds every parameter once, up front, as InfluxDB's Parser.SetParams does. */
export function bindParams(params: QueryParams | undefined): ReadonlyMap<string, BoundToken> {
  const bound = new Map<string, BoundToken>()
  if (params === undefined) return bound
  const entries = params instanceof Map ? params.entries() : Object.entries(params)
  for (const [name, value] of entries) bound.set(name, bindParam(value as QueryParam))
  return bound
}

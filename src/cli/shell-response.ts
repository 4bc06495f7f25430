// The answer of `POST /query` as the influx client holds it: results made of series rows, messages
// and an error, decoded from the server's JSON (one document, or one per chunk, whose results are
// appended as they come — influx does not merge partial chunks). Also the client's own JSON form
// of an answer, which is what `-format json` prints: no `statement_id`, no result-level `partial`.

import { JSONNumber, compareCodePoints, isJSONObject } from './shell-json.js'
import type { JSONObject, JSONValue } from './shell-json.js'

/** One series of a result. */
export interface Row {
  /** The measurement (or `databases`, …); empty for nameless series such as SHOW USERS. */
  readonly name: string
  /** The tag set the series is grouped by (server order; empty when not grouped). */
  readonly tags: ReadonlyMap<string, string>
  readonly columns: readonly string[]
  readonly values: readonly (readonly JSONValue[])[]
  /** True when the series continues in the next chunk. */
  readonly partial: boolean
}

/** A message the server attached to a result (`level` is e.g. `warning`). */
export interface Message {
  readonly level: string
  readonly text: string
}

/** The answer to one statement (or one chunk of it). */
export interface Result {
  readonly series: readonly Row[]
  readonly messages: readonly Message[]
  /** The statement's error, if it failed. */
  readonly error: string | undefined
}

/** A whole /query answer: the results of every statement plus a request-level error. */
export interface QueryResponse {
  readonly results: readonly Result[]
  readonly error: string | undefined
}

/** The first error of a response: the request error, else the first failed statement's. */
export function responseError(r: QueryResponse): string | undefined {
  if (r.error !== undefined) return r.error
  for (const result of r.results) if (result.error !== undefined) return result.error
  return undefined
}

function str(v: JSONValue | undefined): string {
  return typeof v === 'string' ? v : ''
}

function arr(v: JSONValue | undefined): readonly JSONValue[] {
  return Array.isArray(v) ? (v as readonly JSONValue[]) : []
}

function decodeRow(v: JSONValue): Row {
  const o: JSONObject = isJSONObject(v) ? v : new Map()
  const tags = new Map<string, string>()
  const t = o.get('tags')
  if (isJSONObject(t)) for (const [k, tv] of t) tags.set(k, str(tv))
  return {
    name: str(o.get('name')),
    tags,
    columns: arr(o.get('columns')).map((c) => str(c)),
    values: arr(o.get('values')).map((row) => arr(row)),
    partial: o.get('partial') === true,
  }
}

function decodeResult(v: JSONValue): Result {
  const o: JSONObject = isJSONObject(v) ? v : new Map()
  const err = str(o.get('error'))
  return {
    series: arr(o.get('series')).map(decodeRow),
    messages: arr(o.get('messages')).map((m) => {
      const mo: JSONObject = isJSONObject(m) ? m : new Map()
      return { level: str(mo.get('level')), text: str(mo.get('text')) }
    }),
    error: err === '' ? undefined : err,
  }
}

/** Decodes one JSON answer document (`{"results":[…]}` or `{"error":"…"}`). */
export function decodeResponse(v: JSONValue): QueryResponse {
  const o: JSONObject = isJSONObject(v) ? v : new Map()
  const err = str(o.get('error'))
  return { results: arr(o.get('results')).map(decodeResult), error: err === '' ? undefined : err }
}

/**
 * The response as the influx client marshals it (field order and omissions of its Go structs;
 * tag maps sorted by key as Go sorts map keys).
 */
export function responseToJSON(r: QueryResponse): JSONObject {
  const out = new Map<string, JSONValue>()
  if (r.results.length > 0) out.set('results', r.results.map(resultToJSON))
  if (r.error !== undefined) out.set('error', r.error)
  return out
}

function resultToJSON(r: Result): JSONObject {
  const out = new Map<string, JSONValue>()
  if (r.series.length > 0) out.set('series', r.series.map(rowToJSON))
  if (r.messages.length > 0) {
    out.set(
      'messages',
      r.messages.map((m) => {
        const mo = new Map<string, JSONValue>()
        if (m.level !== '') mo.set('level', m.level)
        if (m.text !== '') mo.set('text', m.text)
        return mo
      }),
    )
  }
  if (r.error !== undefined) out.set('error', r.error)
  return out
}

function rowToJSON(row: Row): JSONObject {
  const out = new Map<string, JSONValue>()
  if (row.name !== '') out.set('name', row.name)
  if (row.tags.size > 0) {
    const keys = [...row.tags.keys()].sort(compareCodePoints)
    out.set('tags', new Map(keys.map((k) => [k, row.tags.get(k) ?? ''])))
  }
  if (row.columns.length > 0) out.set('columns', row.columns)
  if (row.values.length > 0) out.set('values', row.values)
  if (row.partial) out.set('partial', true)
  return out
}

/** A cell as the column and csv formats print it (Go's `%v` of the decoded value). */
export function cellText(v: JSONValue | undefined): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (v instanceof JSONNumber) return v.text
  if (isJSONObject(v)) {
    const keys = [...v.keys()].sort(compareCodePoints)
    return 'map[' + keys.map((k) => `${k}:${cellText(v.get(k))}`).join(' ') + ']'
  }
  return '[' + v.map(cellText).join(' ') + ']'
}

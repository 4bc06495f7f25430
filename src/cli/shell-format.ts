// Prints a /query answer the way the influx 1.x shell does, in its three formats:
// `column` (a `name:`/`tags:` header per series, column names underlined with dashes, cells
// aligned by Go's tabwriter), `csv` (Go's encoding/csv with `name` and `tags` columns) and `json`
// (the client's own marshalling, compact or indented with four spaces). A series whose name,
// tags and columns equal the previous result's first series (a chunk continuing it) is printed
// without its header. Cells containing TABs are split by the layout, as influx splits them.

import { TabWriter } from './shell-tabwriter.js'
import { compareCodePoints, goMarshal } from './shell-json.js'
import { cellText, responseToJSON } from './shell-response.js'
import type { QueryResponse, Result, Row } from './shell-response.js'

/** The output formats of the shell. */
export type OutputFormat = 'column' | 'csv' | 'json'

/** How to print: the format (any other text prints influx's "Unknown output format") and -pretty. */
export interface FormatOptions {
  readonly format: string
  readonly pretty: boolean
}

/** Formats `response` and hands the text to `write` (possibly in several pieces). */
export function formatResponse(
  response: QueryResponse,
  opts: FormatOptions,
  write: (s: string) => void,
): void {
  switch (opts.format) {
    case 'json':
      write(goMarshal(responseToJSON(response), opts.pretty ? '    ' : undefined) + '\n')
      return
    case 'csv':
      writeCSV(response, write)
      return
    case 'column':
      writeColumns(response, write)
      return
    default:
      write(`Unknown output format ${goQuoteString(opts.format)}.\n`)
  }
}

/** Go's `%q` (strconv.Quote) for the strings the shell quotes in its messages. */
export function goQuoteString(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += '\\' + ch
    else if (c >= 0x20 && c !== 0x7f) out += ch
    else {
      const named = GO_ESCAPES.get(c)
      out += named ?? '\\x' + c.toString(16).padStart(2, '0')
    }
  }
  return out + '"'
}

const GO_ESCAPES = new Map<number, string>([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
])

function sameHeader(prev: Row | undefined, cur: Row): boolean {
  if (prev === undefined || prev.name !== cur.name) return false
  if (prev.tags.size !== cur.tags.size) return false
  for (const [k, v] of prev.tags) if (cur.tags.get(k) !== v) return false
  if (prev.columns.length !== cur.columns.length) return false
  return prev.columns.every((c, i) => cur.columns[i] === c)
}

function writeColumns(response: QueryResponse, write: (s: string) => void): void {
  const tw = new TabWriter(write, 0, 1)
  let previous: Row | undefined
  response.results.forEach((result, i) => {
    // influx prints messages straight to the output, around the tabwriter's buffer.
    for (const m of result.messages) write(`${m.level}: ${m.text}.\n`)
    const first = result.series[0]
    const suppress = first !== undefined && sameHeader(previous, first)
    if (!suppress && first !== undefined) previous = first
    if (!suppress && i > 0) tw.write('\n')
    for (const r of formatResult(result, 'column', suppress)) tw.write(r + '\n')
  })
  tw.flush()
}

function writeCSV(response: QueryResponse, write: (s: string) => void): void {
  let previous: Row | undefined
  const out: string[] = []
  for (const result of response.results) {
    const first = result.series[0]
    const suppress = first !== undefined && sameHeader(previous, first)
    if (!suppress && first !== undefined) previous = first
    for (const r of formatResult(result, 'csv', suppress)) out.push(csvLine(r.split('\t')))
  }
  if (out.length > 0) write(out.join(''))
}

function sortedTags(row: Row): string[] {
  const tags: string[] = []
  for (const [k, v] of row.tags) tags.push(`${k}=${v}`)
  return tags.sort(compareCodePoints)
}

/** The TAB-separated lines influx builds for one result before laying them out. */
function formatResult(result: Result, format: 'column' | 'csv', suppress: boolean): string[] {
  const rows: string[] = []
  result.series.forEach((row, i) => {
    const tags = sortedTags(row)
    const columnNames: string[] = []
    if (format === 'csv') {
      if (row.name !== '') columnNames.push('name')
      if (tags.length > 0) columnNames.push('tags')
    }
    columnNames.push(...row.columns)
    if (format === 'column' && !suppress) {
      if (i > 0) rows.push('')
      if (row.name !== '') rows.push(`name: ${row.name}`)
      if (tags.length > 0) rows.push(`tags: ${tags.join(', ')}`)
    }
    if (!suppress) rows.push(columnNames.join('\t'))
    if (format === 'column' && !suppress) {
      rows.push(columnNames.map((c) => '-'.repeat(Buffer.byteLength(c))).join('\t'))
    }
    const lead: string[] = []
    if (format === 'csv') {
      if (row.name !== '') lead.push(row.name)
      if (tags.length > 0) lead.push(tags.join(','))
    }
    for (const v of row.values) {
      const cells = lead.slice()
      for (const cell of v) cells.push(cellText(cell))
      rows.push(cells.join('\t'))
    }
  })
  return rows
}

/** One record as Go's encoding/csv writes it (comma, LF line ends). */
function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n'
}

function csvField(f: string): string {
  if (!needsQuotes(f)) return f
  return '"' + f.replaceAll('"', '""') + '"'
}

function needsQuotes(f: string): boolean {
  if (f === '') return false
  if (f === '\\.') return true
  if (/[",\r\n]/.test(f)) return true
  const cp = f.codePointAt(0) ?? 0
  return isGoSpace(cp)
}

/** Go's unicode.IsSpace. */
function isGoSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true
    default:
      return cp >= 0x2000 && cp <= 0x200a
  }
}

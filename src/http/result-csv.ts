// The CSV body of /query answers (`Accept: application/csv` or `text/csv`), as InfluxDB 1.6.7's
// csvFormatter writes it with Go's encoding/csv: a header `name,tags,<columns…>` per statement
// (repeated when the columns change), tags as `k=v,k2=v2` (sorted, escaped, empty values left
// out), times as integer nanoseconds (or the `epoch` integer in the first column), floats without
// exponent, a blank line between statements. Statement errors are not shown; a request error is
// `error\n<message>`. One formatter serves one request: chunks continue the previous state.

import { goFormatFloatF } from './go-text.js'
import type { QueryCell, QueryRow } from './interfaces.js'
import type { ResponseBody } from './result-json.js'
import { compareUTF8 } from './result-json.js'

/** Writes successive responses of one request as CSV text. Not safe to share between requests. */
export class CSVFormatter {
  #statementID = -1
  #columns: string[] = []
  readonly #epochDivisor: bigint | undefined

  /** `epochDivisor` converts times in the first column (see time-format.ts). */
  constructor(epochDivisor: bigint | undefined) {
    this.#epochDivisor = epochDivisor
  }

  /** The CSV text for `body` (may be empty). */
  format(body: ResponseBody): string {
    if (body.error !== undefined && body.error !== '') {
      return `${csvLine(['error'])}${csvLine([body.error])}`
    }
    let out = ''
    for (const result of body.results ?? []) {
      const series = result.series ?? []
      if (result.statementID !== this.#statementID) {
        const first = series[0]
        if (first === undefined) continue
        if (this.#statementID >= 0) out += '\n'
        this.#statementID = result.statementID
        this.#columns = ['name', 'tags', ...first.columns]
        out += csvLine(this.#columns)
      }
      for (let i = 0; i < series.length; i++) {
        const row = series[i]
        if (row === undefined) continue
        const prev = series[i - 1]
        if (prev !== undefined && !sameColumns(prev.columns, row.columns)) {
          this.#columns = ['name', 'tags', ...row.columns]
          out += `\n${csvLine(this.#columns)}`
        }
        this.#columns[0] = row.name ?? ''
        this.#columns[1] = tagsText(row)
        for (const cells of row.values ?? []) {
          for (let j = 0; j < cells.length; j++) {
            this.#columns[j + 2] = this.#cellText(cells[j] ?? null, j)
          }
          out += csvLine(this.#columns)
        }
      }
    }
    return out
  }

  #cellText(c: QueryCell, index: number): string {
    switch (typeof c) {
      case 'number':
        return goFormatFloatF(c)
      case 'bigint':
        return c.toString()
      case 'string':
        return c
      case 'boolean':
        return c ? 'true' : 'false'
      case 'object':
        if (c === null) return ''
        // Go's CSV writer prints a []string cell with fmt's %v: [a b].
        if (!('kind' in c)) return `[${c.join(' ')}]`
        if (index === 0 && this.#epochDivisor !== undefined)
          return (c.ns / this.#epochDivisor).toString()
        return c.ns.toString()
      default:
        return ''
    }
  }
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i])
}

/** models.Tags.HashKey without the leading comma: sorted, escaped, empty values skipped. */
function tagsText(row: QueryRow): string {
  const tags = row.tags
  if (tags === undefined) return ''
  const keys = Object.keys(tags).sort(compareUTF8)
  const parts: string[] = []
  for (const k of keys) {
    const v = tags[k] ?? ''
    if (v === '') continue
    parts.push(`${escapeTag(k)}=${escapeTag(v)}`)
  }
  return parts.join(',')
}

function escapeTag(s: string): string {
  return s.replace(/[, =]/g, (c) => `\\${c}`)
}

/** One record as Go's csv.Writer writes it (comma separator, `\n` line ends). */
function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`
}

function csvField(f: string): string {
  if (!needsQuotes(f)) return f
  return `"${f.replace(/"/g, '""')}"`
}

function needsQuotes(f: string): boolean {
  if (f === '') return false
  if (f === '\\.') return true
  if (/[,"\r\n]/.test(f)) return true
  return /^\s/u.test(f)
}

// Collects the results of a non-chunked /query into one response, as InfluxDB 1.6.7's handler
// does: chunks of one statement are merged (values of the same series appended, other series
// added, messages appended, `partial` taken from the newest chunk); a chunk carrying an error
// replaces the statement's result (which is how the 1.6 "not executed" numbering bug hides the
// real error, spec backup-formats.md §6.5); `max-row-limit` truncates the values and stops.

import type { QueryCell, QueryMessage, QueryRow, StatementResult } from './interfaces.js'

interface MutableRow {
  name?: string
  tags?: Readonly<Record<string, string>>
  columns: readonly string[]
  values: (readonly QueryCell[])[]
  partial?: boolean
}

interface MutableResult {
  statementID: number
  series: MutableRow[]
  messages: QueryMessage[]
  partial: boolean
  error?: string
}

/** Merges the results of one non-chunked request. Not shared between requests. */
export class ResultAccumulator {
  readonly #maxRowLimit: number
  readonly #results: MutableResult[] = []
  #rows = 0

  /** `maxRowLimit` 0 means no limit. */
  constructor(maxRowLimit: number) {
    this.#maxRowLimit = maxRowLimit
  }

  /** Adds one result; returns false when the row limit is reached and no more should be read. */
  add(result: StatementResult): boolean {
    const r = copyResult(result)
    const limit = this.#maxRowLimit
    if (limit > 0) {
      for (let i = 0; i < r.series.length; i++) {
        const series = r.series[i]
        if (series === undefined) continue
        const n = limit - this.#rows
        if (n < series.values.length) {
          series.values = series.values.slice(0, Math.max(0, n))
          series.partial = true
        }
        this.#rows += series.values.length
        if (this.#rows >= limit) {
          r.series = r.series.slice(0, i + 1)
          break
        }
      }
    }
    const last = this.#results[this.#results.length - 1]
    if (last === undefined || last.statementID !== r.statementID) {
      this.#results.push(r)
    } else if (r.error !== undefined) {
      this.#results[this.#results.length - 1] = r
      return true // InfluxDB skips the row-limit check here
    } else {
      mergeInto(last, r)
    }
    if (limit > 0 && this.#rows >= limit) {
      r.partial = false // only affects r when it was added as a result of its own, as in InfluxDB
      return false
    }
    return true
  }

  /** The merged results, in statement order. */
  results(): StatementResult[] {
    return this.#results.map(freeze)
  }
}

function copyResult(r: StatementResult): MutableResult {
  const out: MutableResult = {
    statementID: r.statementID,
    series: (r.series ?? []).map(copyRow),
    messages: [...(r.messages ?? [])],
    partial: r.partial === true,
  }
  if (r.error !== undefined && r.error !== '') out.error = r.error
  return out
}

function copyRow(row: QueryRow): MutableRow {
  const out: MutableRow = { columns: row.columns, values: [...(row.values ?? [])] }
  if (row.name !== undefined) out.name = row.name
  if (row.tags !== undefined) out.tags = row.tags
  if (row.partial === true) out.partial = true
  return out
}

/** Appends `r` to `cr` like InfluxDB: leading rows of the same series as cr's last extend it. */
function mergeInto(cr: MutableResult, r: MutableResult): void {
  let merged = 0
  const lastSeries = cr.series[cr.series.length - 1]
  if (lastSeries !== undefined) {
    for (const row of r.series) {
      if (!sameSeries(lastSeries, row)) break
      for (const v of row.values) lastSeries.values.push(v)
      merged++
    }
  }
  for (const row of r.series.slice(merged)) cr.series.push(row)
  for (const m of r.messages) cr.messages.push(m)
  cr.partial = r.partial
}

/** models.Row.SameSeries: same name and the same tag keys and values (hashed as k,v,k,v…). */
function sameSeries(a: MutableRow, b: MutableRow): boolean {
  return (a.name ?? '') === (b.name ?? '') && tagsHashText(a) === tagsHashText(b)
}

function tagsHashText(row: MutableRow): string {
  const tags = row.tags ?? {}
  return Object.keys(tags)
    .sort()
    .map((k) => k + (tags[k] ?? ''))
    .join('')
}

function freeze(r: MutableResult): StatementResult {
  const out: {
    statementID: number
    series?: QueryRow[]
    messages?: QueryMessage[]
    partial?: boolean
    error?: string
  } = { statementID: r.statementID }
  if (r.series.length > 0) out.series = r.series
  if (r.messages.length > 0) out.messages = r.messages
  if (r.partial) out.partial = true
  if (r.error !== undefined) out.error = r.error
  return out
}

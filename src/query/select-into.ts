// SELECT … INTO: the result rows of a SELECT become points again and are written through an
// IntoWriter, as InfluxDB's coordinator does: the row's GROUP BY tags stay tags (empty values
// dropped), every non-null non-time column becomes a field typed by its cell (float, integer,
// string, boolean; unsigned for the columns the row marks as uint64), a row without a non-null
// field is dropped, and the measurement is the target's or, for `:MEASUREMENT`, the row's. The
// statement answers the number of points written.

import type { Field, FieldValue, Point, Tag } from '../lineprotocol/index.js'
import { formatPoint, parsePoints } from '../lineprotocol/index.js'
import { StatementError } from './errors.js'
import type { QueryCell, QueryRow } from './result.js'

/** What a write into a retention policy did; a partial write fails the statement. */
export type IntoWriteResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'partial'; readonly reason: string; readonly dropped: number }

/** Where SELECT INTO writes (the cluster's PointsWriter in the server). */
export interface IntoWriter {
  /** Writes `points` to `database`/`retentionPolicy` ('' = the database's default); throws when either is missing. */
  writePoints(
    database: string,
    retentionPolicy: string,
    points: readonly Point[],
  ): Promise<IntoWriteResult>
}

/** The INTO clause after normalisation; `measurement` '' means the source's name. */
export interface IntoTarget {
  readonly database: string
  readonly retentionPolicy: string
  readonly measurement: string
}

function fieldValueOf(cell: QueryCell, unsigned: boolean): FieldValue | undefined {
  switch (typeof cell) {
    case 'number':
      return Number.isFinite(cell) ? { kind: 'float', value: cell } : undefined
    case 'bigint':
      return unsigned
        ? { kind: 'unsigned', value: BigInt.asUintN(64, cell) }
        : { kind: 'integer', value: cell }
    case 'string':
      return { kind: 'string', value: cell }
    case 'boolean':
      return { kind: 'boolean', value: cell }
    default:
      return undefined
  }
}

/** The points of result rows as InfluxDB's convertRowToPoints makes them. */
export function rowsToPoints(rows: readonly QueryRow[], measurement: string): Point[] {
  const lines: string[] = []
  for (const row of rows) {
    const name = measurement !== '' ? measurement : (row.name ?? '')
    if (name === '') continue
    const tags: Tag[] = Object.entries(row.tags ?? {})
      .filter(([, v]) => v !== '')
      .map(([key, value]) => ({ key, value }))
    const timeIdx = row.columns.indexOf('time')
    if (timeIdx < 0) throw new StatementError('error finding time index in result')
    for (const values of row.values ?? []) {
      const time = values[timeIdx]
      if (time === null || typeof time !== 'object' || !('kind' in time)) continue
      const fields: Field[] = []
      for (let c = 0; c < row.columns.length; c++) {
        const key = row.columns[c]
        if (c === timeIdx || key === undefined) continue
        const value = fieldValueOf(values[c] ?? null, row.unsigned?.[c] === true)
        if (value !== undefined) fields.push({ key, value })
      }
      if (fields.length === 0) continue
      try {
        lines.push(formatPoint({ measurement: name, tags, fields, time: time.ns }))
      } catch {
        // A point that cannot be stored is dropped, as InfluxDB drops it.
      }
    }
  }
  if (lines.length === 0) return []
  return parsePoints(new TextEncoder().encode(lines.join('\n')), { allowUnsigned: true }).points
}

/** Converts `rows` and writes them into `target`; returns how many points were written. */
export async function writeInto(
  writer: IntoWriter,
  target: IntoTarget,
  rows: readonly QueryRow[],
): Promise<number> {
  if (target.database === '') throw new StatementError('no database in target')
  const points = rowsToPoints(rows, target.measurement)
  const r = await writer.writePoints(target.database, target.retentionPolicy, points)
  if (r.kind === 'partial')
    throw new StatementError(`partial write: ${r.reason} dropped=${r.dropped}`)
  return points.length
}

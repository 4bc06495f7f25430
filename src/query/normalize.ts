// Statement normalisation, as InfluxDB's StatementExecutor.NormalizeStatement does before running a
// statement: every measurement of a SELECT (sources, subqueries, INTO target) and of the SELECTs
// that SHOW statements become gets the default database and retention policy filled in, and the
// database must exist. The texts are InfluxDB's (`database name required`, `database not found:
// x`, `default retention policy not set for: x`, `invalid measurement`).

import type { MetaData } from '../meta/index.js'
import type { Measurement, SelectStatement, Source } from '../influxql/index.js'
import { StatementError } from './errors.js'

/** Where a statement's measurements default to. */
export interface Defaults {
  /** The request's `db`, else the statement's own database ('' when neither). */
  readonly database: string
  /** The request's `rp` ('' when absent: the database's default policy). */
  readonly retentionPolicy: string
}

/** The error for a statement that needs a database and has none. */
export function databaseNameRequired(): StatementError {
  return new StatementError('database name required')
}

/** The error for a database that does not exist. */
export function databaseNotFound(name: string): StatementError {
  return new StatementError(`database not found: ${name}`, { database: name })
}

/**
 * A measurement with its database and retention policy filled in (InfluxDB's
 * normalizeMeasurement). `systemIterator` marks the sources SHOW statements read from.
 */
export function normalizeMeasurement(
  m: Measurement,
  data: MetaData,
  defaults: Defaults,
  systemIterator = false,
): Measurement {
  if (!m.isTarget && m.name === '' && !systemIterator && m.regex === null)
    throw new StatementError('invalid measurement')
  const database = m.database !== '' ? m.database : defaults.database
  if (database === '') throw databaseNameRequired()
  const db = data.database(database)
  if (db === undefined) throw databaseNotFound(database)
  let retentionPolicy = m.retentionPolicy
  if (retentionPolicy === '') {
    if (defaults.retentionPolicy !== '') retentionPolicy = defaults.retentionPolicy
    else if (db.defaultRetentionPolicy !== '') retentionPolicy = db.defaultRetentionPolicy
    else
      throw new StatementError(`default retention policy not set for: ${db.name}`, {
        database: db.name,
      })
  }
  if (database === m.database && retentionPolicy === m.retentionPolicy) return m
  return { ...m, database, retentionPolicy }
}

/** A SELECT with every measurement (sources, subqueries, target) normalised. */
export function normalizeSelect(
  s: SelectStatement,
  data: MetaData,
  defaults: Defaults,
): SelectStatement {
  const target =
    s.target === null
      ? null
      : { measurement: normalizeMeasurement(s.target.measurement, data, defaults) }
  const sources = s.sources.map((src): Source => {
    if (src.kind === 'SubQuery')
      return { kind: 'SubQuery', statement: normalizeSelect(src.statement, data, defaults) }
    return normalizeMeasurement(src, data, defaults)
  })
  return { ...s, target, sources }
}

/** Every measurement a SELECT reads or writes, subqueries included. */
export function measurementsOf(s: SelectStatement): Measurement[] {
  const out: Measurement[] = []
  if (s.target !== null) out.push(s.target.measurement)
  for (const src of s.sources) {
    if (src.kind === 'SubQuery') out.push(...measurementsOf(src.statement))
    else out.push(src)
  }
  return out
}

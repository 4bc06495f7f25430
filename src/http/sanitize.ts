// Keeps secrets out of logs: the `p` (password) parameter is redacted from logged URLs, and
// passwords in `CREATE USER … WITH PASSWORD '…'` and `SET PASSWORD FOR … = '…'` statements are
// redacted from logged queries, the way InfluxDB's influxql.Sanitize does. The Authorization
// header is never logged at all.

import type { FormValues } from './go-query.js'

const SET_PASSWORD = /(password\s+for[^=]*=\s+)(["']?[^\s"]+["']?)/gi
const CREATE_PASSWORD = /(with\s+password\s+)(["']?[^\s"]+["']?)/gi

/** `query` with the passwords of SET PASSWORD and CREATE USER statements replaced by [REDACTED]. */
export function sanitizeQuery(query: string): string {
  return query.replace(SET_PASSWORD, '$1[REDACTED]').replace(CREATE_PASSWORD, '$1[REDACTED]')
}

/**
 * The URL parameters as they may be logged: `p` redacted, `q` sanitized, everything else as is.
 * Returns a plain object (first value of each key) for structured logging.
 */
export function loggableParams(query: FormValues): Record<string, string> {
  const out = Object.create(null) as Record<string, string>
  for (const [k, vs] of query) {
    const v = vs[0] ?? ''
    if (k === 'p') out[k] = '[REDACTED]'
    else if (k === 'q') out[k] = sanitizeQuery(v)
    else out[k] = v
  }
  return out
}

// Keeps secrets out of logs: the `p` (password) parameter is redacted from logged URLs, and
// passwords in `CREATE USER … WITH PASSWORD '…'` and `SET PASSWORD FOR … = '…'` statements are
// redacted from logged queries (and the shell's history), as InfluxDB's influxql.Sanitize means
// to: the whole string literal goes, whatever it holds (spaces, quotes, escapes), and with no
// space around `=` too, where influxql's regular expressions let parts of it through. The
// Authorization header is never logged at all.

import type { FormValues } from './go-query.js'

/** An InfluxQL string literal (backslash escapes; unterminated: to the end), or one bare word. */
const SECRET = String.raw`(?:'(?:[^'\\]|\\[\s\S])*'?|"(?:[^"\\]|\\[\s\S])*"?|[^\s;]+)`
/** An identifier: a user name in SET PASSWORD FOR. */
const NAME = String.raw`(?:"(?:[^"\\]|\\[\s\S])*"|[^\s=;]+)`
const SET_PASSWORD = new RegExp(String.raw`(\bpassword\s+for\s+${NAME}\s*=\s*)${SECRET}`, 'gi')
const CREATE_PASSWORD = new RegExp(String.raw`(\bwith\s+password\s+)${SECRET}`, 'gi')

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

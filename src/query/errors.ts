// Errors of the statement executor. A query that does not parse is the parser's own
// InfluxQLParseError (ERR_INFLUXQL_PARSE), passed through unchanged. A query the user may not run
// is a QueryAuthorizationError, thrown before any statement runs. Everything that goes wrong while
// a statement runs becomes that statement's result (`{statement_id, error}`) with InfluxDB 1.6's
// exact text; StatementError carries those texts when no other component's error already does.
import { TidemarkError } from '../util/index.js'
import type { ErrorFields } from '../util/index.js'

/** The base of the executor's own errors. */
export class QueryError extends TidemarkError {
  constructor(
    code: string,
    message: string,
    fields: ErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, fields, options)
  }
}

/**
 * The user may not run the query (InfluxDB's meta.ErrAuthorize). The message is the part after
 * `error authorizing query: `, e.g. `bob not authorized to execute statement 'DROP DATABASE x',
 * requires admin privilege` or `create admin user first or disable authentication`.
 */
export class QueryAuthorizationError extends QueryError {
  constructor(message: string, fields: { user?: string; database?: string } = {}) {
    super('ERR_QUERY_AUTHORIZATION', message, fields)
  }
}

/**
 * A statement failed with one of InfluxDB's statement-level texts (`database name required`,
 * `database not found: x`, `DROP SERIES doesn't support time in WHERE clause`, …).
 */
export class StatementError extends QueryError {
  constructor(message: string, fields: ErrorFields = {}, options?: { cause?: unknown }) {
    super('ERR_QUERY_STATEMENT', message, fields, options)
  }
}

/** A statement kind the executor does not run yet (SELECT until the query engine lands). */
export class NotImplementedError extends QueryError {
  constructor(what: string) {
    super('ERR_QUERY_NOT_IMPLEMENTED', `${what} is not implemented yet`, { what })
  }
}

/** A regular expression that is valid RE2 but cannot be run by JavaScript's engine. */
export class UnsupportedRegexError extends QueryError {
  constructor(pattern: string, reason: string) {
    super('ERR_QUERY_UNSUPPORTED_REGEX', `unsupported regular expression /${pattern}/: ${reason}`, {
      pattern,
      reason,
    })
  }
}

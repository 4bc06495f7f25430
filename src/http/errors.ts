// The errors of the HTTP component. Two are thrown *into* it: a query executor rejects a query it
// cannot parse (QueryParseError → 400) or may not run for this user (QueryAuthorizationError →
// 403); the HTTP edge adds InfluxDB's prefixes (`error parsing query: `, `error authorizing
// query: `). The others describe misuse of the server object itself.

import { TidemarkError } from '../util/index.js'

/**
 * A query that does not parse. `message` is the parser's text exactly as InfluxDB's would print
 * it (e.g. `found SELEC, expected SELECT, … at line 1, char 1`); `line`/`char` locate it.
 */
export class QueryParseError extends TidemarkError {
  constructor(
    message: string,
    fields: { line?: number; char?: number } = {},
    options?: { cause?: unknown },
  ) {
    super('ERR_HTTP_QUERY_PARSE', message, fields, options)
  }
}

/**
 * A query the user may not run (e.g. `bob not authorized to execute statement 'CREATE DATABASE
 * x', requires admin privilege`, or `create admin user first or disable authentication`).
 */
export class QueryAuthorizationError extends TidemarkError {
  constructor(
    message: string,
    fields: { user?: string; database?: string } = {},
    options?: { cause?: unknown },
  ) {
    super('ERR_HTTP_QUERY_AUTHORIZATION', message, fields, options)
  }
}

/** The server was asked to listen twice, or to listen after close(). */
export class HTTPServerStateError extends TidemarkError {
  constructor(state: string, wanted: string) {
    super('ERR_HTTP_SERVER_STATE', `HTTP server is ${state}, cannot ${wanted}`, { state, wanted })
  }
}

/** An option of createHTTPServer is invalid (bad bind address, negative limit, …). */
export class HTTPOptionError extends TidemarkError {
  constructor(option: string, found: string, expected: string) {
    super('ERR_HTTP_OPTION', `invalid HTTP option ${option}: ${found} (expected ${expected})`, {
      option,
      found,
      expected,
    })
  }
}

/** The server could not listen on its bind address (address in use, permission, bad host). */
export class HTTPListenError extends TidemarkError {
  constructor(bindAddress: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      'ERR_HTTP_LISTEN',
      `cannot listen on ${bindAddress}: ${reason}`,
      { bindAddress },
      { cause },
    )
  }
}

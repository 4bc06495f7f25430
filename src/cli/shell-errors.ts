// The errors of the tidemark shell (the influx 1.x client): a server that cannot be reached and
// an answer that cannot be decoded. Their messages follow the influx client's wording, because
// the shell prints them as `ERR: <message>` and scripts read that text.

import { TidemarkError } from '../util/index.js'

/**
 * An HTTP request to the server failed before an answer arrived (refused, reset, DNS, TLS).
 * The message is Go's `<Method> "<url>": <reason>` form, e.g.
 * `Get "http://127.0.0.1:1/ping": dial tcp 127.0.0.1:1: connect: connection refused`.
 */
export class ShellConnectError extends TidemarkError {
  constructor(method: string, url: string, reason: string, cause?: unknown) {
    super('ERR_CLI_CONNECT', `${method} "${url}": ${reason}`, { method, url, reason }, { cause })
  }
}

/** A server answer that is not the JSON the /query API promises; `offset` is where it broke. */
export class ShellResponseError extends TidemarkError {
  constructor(message: string, offset: number) {
    super('ERR_CLI_RESPONSE', message, { offset })
  }
}

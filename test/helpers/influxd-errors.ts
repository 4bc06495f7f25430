// Errors of the influxd test harness. They carry influxd's log tail, because "it did not start"
// is useless without the reason influxd printed.

import { TidemarkError } from '../../src/util/index.js'

/** influxd exited before `GET /ping` answered 204 (bad config, port in use, bad data dir…). */
export class InfluxdExitedError extends TidemarkError {
  /** The last lines influxd printed. */
  readonly logTail: string

  constructor(exitCode: number | null, signal: string | null, logTail: string) {
    super(
      'ERR_INFLUXD_EXITED',
      `influxd exited during start-up (code ${exitCode ?? 'none'}, signal ${signal ?? 'none'})` +
        `; last output:\n${logTail}`,
      { exitCode: exitCode ?? undefined, signal: signal ?? undefined },
    )
    this.logTail = logTail
  }
}

/** `GET /ping` did not answer 204 within the start timeout; influxd has been stopped. */
export class InfluxdStartTimeoutError extends TidemarkError {
  /** The last lines influxd printed. */
  readonly logTail: string

  constructor(timeoutMs: number, logTail: string) {
    super(
      'ERR_INFLUXD_START_TIMEOUT',
      `influxd did not answer /ping with 204 within ${timeoutMs} ms; last output:\n${logTail}`,
      { timeoutMs },
    )
    this.logTail = logTail
  }
}

/** influxd answered an HTTP request made by the harness with an unexpected status. */
export class InfluxdHTTPError extends TidemarkError {
  /** The response body (influxd's JSON error, e.g. `{"error":"…"}`). */
  readonly body: string
  readonly status: number

  constructor(method: string, path: string, status: number, body: string) {
    super('ERR_INFLUXD_HTTP', `${method} ${path} answered ${status}: ${body.trim()}`, {
      method,
      path,
      status,
    })
    this.body = body
    this.status = status
  }
}

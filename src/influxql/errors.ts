// The errors of the InfluxQL component. Every problem with a query's text, from a stray character
// to a retention policy option given twice, is an InfluxQLParseError whose message is exactly the
// text InfluxDB 1.6 returns (the HTTP API sends it as `error parsing query: <message>`).

import { TidemarkError } from '../util/index.js'

/** Where in the query text a problem is: 1-based line and character (code point) numbers. */
export interface QueryPosition {
  readonly line: number
  readonly char: number
}

/**
 * A query that InfluxQL cannot parse. The message is InfluxDB's own wording, in one of three
 * shapes: `found X, expected Y, Z at line L, char C`, `<reason> at line L, char C`, or a bare
 * `<reason>` for the checks InfluxDB reports without a position (`fill must be a function call`).
 * `line`/`char` are 1-based and absent in the last case; `found`/`expected` are set in the first.
 */
export class InfluxQLParseError extends TidemarkError {
  /** The problem without the position suffix (for the first shape: `found X, expected Y`). */
  readonly reason: string
  /** The 1-based line of the offending token, when InfluxDB reports one. */
  readonly line: number | undefined
  /** The 1-based character (code point) within the line, when InfluxDB reports one. */
  readonly char: number | undefined
  /** The offending token as written, for `found X, expected Y` errors. */
  readonly found: string | undefined
  /** What would have been accepted instead, for `found X, expected Y` errors. */
  readonly expected: readonly string[] | undefined

  private constructor(
    reason: string,
    at: QueryPosition | undefined,
    found: string | undefined,
    expected: readonly string[] | undefined,
  ) {
    const message = at === undefined ? reason : `${reason} at line ${at.line}, char ${at.char}`
    super('ERR_INFLUXQL_PARSE', message, {
      reason,
      line: at?.line,
      char: at?.char,
      found,
      expected: expected?.join(', '),
    })
    this.reason = reason
    this.line = at?.line
    this.char = at?.char
    this.found = found
    this.expected = expected
  }

  /** `found <found>, expected <a, b> at line L, char C`; `line`/`char` are 0-based here. */
  static unexpected(
    found: string,
    expected: readonly string[],
    line0: number,
    char0: number,
  ): InfluxQLParseError {
    const reason = `found ${found}, expected ${expected.join(', ')}`
    return new InfluxQLParseError(reason, { line: line0 + 1, char: char0 + 1 }, found, expected)
  }

  /** `<reason> at line L, char C`; `line`/`char` are 0-based here. */
  static at(reason: string, line0: number, char0: number): InfluxQLParseError {
    return new InfluxQLParseError(
      reason,
      { line: line0 + 1, char: char0 + 1 },
      undefined,
      undefined,
    )
  }

  /** A bare `<reason>`, for the errors InfluxDB reports without a position. */
  static plain(reason: string): InfluxQLParseError {
    return new InfluxQLParseError(reason, undefined, undefined, undefined)
  }
}

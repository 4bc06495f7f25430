// The errors of the line protocol component. A line that cannot be parsed becomes a LineError that
// names the line (1-based), its text and InfluxDB's exact reason; the HTTP edge turns it into
// `unable to parse '<line>': <reason>`. FormatError is thrown when a value cannot be written as
// line protocol at all (a NaN float, an empty key, an out-of-range integer).

import { TidemarkError } from '../util/index.js'

/**
 * One line of a request body that failed to parse. `reason` is InfluxDB 1.6.7's exact reason text
 * (`missing fields`, `invalid number`, `bad timestamp`, ...), `line` the 1-based line number in
 * the body where the line starts, `text` the line as written (leading space, TAB and NUL removed).
 * The message is InfluxDB's wording, `unable to parse '<text>': <reason>`.
 */
export class LineError extends TidemarkError {
  /** The 1-based number of the body line on which the failing line starts. */
  readonly line: number
  /** The line as written, decoded as UTF-8. */
  readonly text: string
  /** InfluxDB's reason text, without the `unable to parse` prefix. */
  readonly reason: string

  constructor(line: number, text: string, reason: string) {
    super('ERR_LINEPROTOCOL_PARSE', `unable to parse '${text}': ${reason}`, { line, text, reason })
    this.line = line
    this.text = text
    this.reason = reason
  }
}

/**
 * A point or value that has no line protocol form: a float that is NaN or infinite, an integer
 * outside int64 (unsigned: uint64), an empty measurement, tag key, tag value or field key, or a
 * point without fields. `what` names the offending part.
 */
export class FormatError extends TidemarkError {
  constructor(what: string, found: string) {
    super('ERR_LINEPROTOCOL_FORMAT', `cannot format ${what} as line protocol: ${found}`, {
      what,
      found,
    })
  }
}

// The InfluxQL component: a scanner, parser, syntax tree and printer for the whole InfluxQL 1.x
// language as InfluxDB 1.6 implements it, with InfluxDB's exact error texts. It depends on
// nothing but util; the query engine, meta store and HTTP edge build on it.

export { parseExpr, parseQuery, parseStatement } from './parser.js'
export { formatQuery, formatStatement } from './printer-statement.js'
export { formatExpr, formatMeasurement, formatRFC3339Nano } from './printer-expr.js'
export { identNeedsQuotes, quoteIdent, quoteString } from './quote.js'
export { formatDuration, formatGoDuration, parseDuration } from './duration.js'
export { isKnownTimeZone } from './time-zone.js'
export { regexSyntaxError } from './re2-syntax.js'
export { JSONNumber } from './params.js'
export type { QueryParam, QueryParams } from './params.js'
export { InfluxQLParseError } from './errors.js'
export type { QueryPosition } from './errors.js'
export type * from './ast-expr.js'
export type * from './ast-statement.js'
export { REGEX_GENERAL_CATEGORIES } from './re2-names.js'

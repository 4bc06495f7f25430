// The line protocol component: parsing request bodies into points, writing points back as line
// protocol, escaping, and the value types the storage components share. Byte formats are those of
// InfluxDB 1.6.7, as spec/storage-formats.md §1 describes them.

export * from './values.js'
export { parsePoints } from './parse-points.js'
export type { ParseOptions, ParseResult } from './parse-points.js'
export { KeyCache } from './key-cache.js'
export { FIELD_KEY_SEPARATOR, tsmKey } from './point.js'
export type { Field, Point, Tag } from './point.js'
export { formatFieldValue, formatPoint, formatSeriesKeyLine } from './format.js'
export type { PointInput } from './format.js'
export { formatFloat } from './format-float.js'
export {
  escapeFieldKey,
  escapeMeasurement,
  escapeStringValue,
  escapeTag,
  unescapeFieldKey,
  unescapeMeasurement,
  unescapeStringValue,
  unescapeTag,
} from './escape.js'
export { MAX_TIME_NS, MIN_TIME_NS, precisionMultiplier, truncateTime } from './precision.js'
export { FormatError, LineError } from './errors.js'

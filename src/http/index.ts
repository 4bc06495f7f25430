// The HTTP API of tidemarkd: InfluxDB 1.x's /ping, /write, /query and /debug/vars with the same
// parameters, status codes, headers, JSON shapes and error texts (spec/backup-formats.md §6,
// spec/storage-formats.md §1.9). It depends only on the narrow interfaces declared here, which the
// composition root implements with the real meta store, points writer and query executor.

export { createHTTPServer, HTTPServer } from './http-server.js'
export type { HTTPServerDeps, HTTPServerStatus } from './http-server.js'
export { DEFAULT_VERSION, parseBindAddress } from './options.js'
export type { HTTPServerOptions } from './options.js'
export { silentHTTPLogger } from './interfaces.js'
export type {
  AuthUser,
  Authenticator,
  ConsistencyLevel,
  DatabaseCatalog,
  HTTPLogger,
  PointsWriter,
  Privilege,
  QueryCell,
  QueryExecutor,
  QueryMessage,
  QueryRequest,
  QueryRow,
  QueryTime,
  StatementResult,
  StatisticsSource,
  WriteOutcome,
  WriteRequest,
} from './interfaces.js'
export {
  HTTPListenError,
  HTTPOptionError,
  HTTPServerStateError,
  QueryAuthorizationError,
  QueryParseError,
} from './errors.js'
export { sanitizeQuery } from './sanitize.js'
export { formatRFC3339Nano } from './time-format.js'

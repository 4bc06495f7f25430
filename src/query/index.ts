// The query component: the InfluxQL statement executor. It runs every statement except SELECT
// (handed to an injected SelectExecutor) against the metastore and the store with InfluxDB 1.6's
// results and error texts, tracks running queries, and authorizes queries when auth is enabled.
export { StatementExecutor } from './statement-executor.js'
export type { StatementExecutorOptions } from './statement-executor.js'
export { notImplementedSelectExecutor } from './select-executor.js'
export type { SelectContext, SelectExecutor } from './select-executor.js'
export type { QueryLogger, ResultPart } from './context.js'
export { silentQueryLogger } from './context.js'
export { QueryRegistry, roundDuration } from './query-registry.js'
export {
  bucketCount,
  checkBuckets,
  noQueryLimits,
  QUERY_INTERRUPTED_TEXT,
  QUERY_TIMEOUT_TEXT,
  SelectLimits,
} from './query-limits.js'
export type { QueryLimits } from './query-limits.js'
export type { RunningQuery } from './query-registry.js'
export { authorizeQuery, requiredPrivileges } from './authorize.js'
export type { RequiredPrivilege } from './authorize.js'
export type { Diagnostic, DiagnosticsSource, Statistic, StatisticsSource } from './diagnostics.js'
export { compileRegex, regexMatches } from './regex.js'
export { conditionExpr, hasTimeExpr, MAX_TIME_NS, MIN_TIME_NS } from './condition.js'
export type { SplitCondition, TimeRange } from './condition.js'
export { formatRFC3339 } from './time-text.js'
export {
  NotImplementedError,
  QueryAuthorizationError,
  QueryError,
  StatementError,
  UnsupportedRegexError,
} from './errors.js'
export type {
  ExecuteRequest,
  QueryCell,
  QueryMessage,
  QueryRow,
  QueryTime,
  QueryUser,
  StatementResult,
  UserPrivilege,
} from './result.js'
export { StoreSelectExecutor } from './select-store-executor.js'
export type { SelectStorage } from './select-source.js'
export { ClusterShards } from './cluster-shards.js'
export type { ClusterShardsOptions, QueryStore } from './cluster-shards.js'
export { RemoteShard, ShardUnavailableError } from './remote-shard.js'
export type { ShardOwner, ShardReadClient } from './remote-shard.js'
export {
  decodeFrames,
  decodeIndex,
  encodeEnd,
  encodeFrame,
  encodeIndex,
  encodeItemEnd,
  END_FRAME,
  joinFrames,
  ShardWireError,
} from './shard-wire.js'
export {
  batchAnswer,
  BatchRequestError,
  BatchSplitter,
  decodeBatchRequest,
  encodeBatchRequest,
} from './shard-batch-wire.js'
export type { BatchItem, BatchSink, CursorSource } from './shard-batch-wire.js'
export type { WireMeasurement } from './shard-wire.js'

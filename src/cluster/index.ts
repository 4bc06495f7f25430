// Clustering and the write path across shards: for now the single-node write coordinator.
export { PointsWriter } from './points-writer.js'
export type { PointsWriteResult } from './points-writer.js'
export { WriteDatabaseNotFoundError, WriteRetentionPolicyNotFoundError } from './errors.js'
export { RetentionService, ShardPrecreationService } from './retention-service.js'

// Clustering and the write path across shards: the write coordinator (local store or every owner
// of a shard under a consistency level), node-to-node shard writes and hinted handoff.
export { PointsWriter } from './points-writer.js'
export type { PointsWriteResult } from './points-writer.js'
export {
  HintedHandoffCorruptError,
  HintedHandoffQueueFullError,
  ShardWriteError,
  WriteConsistencyError,
  WriteDatabaseNotFoundError,
  WriteRetentionPolicyNotFoundError,
} from './errors.js'
export type { WriteFailure } from './errors.js'
export { RetentionService, ShardPrecreationService } from './retention-service.js'
export { OrphanCleanupService, orphanedShards, removedNodes } from './orphan-cleanup.js'
export type {
  CleanupLogger,
  CleanupMeta,
  CleanupQueues,
  CleanupStatus,
  CleanupStore,
  LocalShard,
  OrphanCleanupOptions,
} from './orphan-cleanup.js'
export { pointsToLineProtocol, requiredAcks, writeReplicas } from './replica-write.js'
export type {
  ConsistencyLevel,
  ReplicaWrite,
  ReplicaWriting,
  ShardResult,
} from './replica-write.js'
export { SHARD_WRITE_PATH, ShardWriter } from './shard-writer.js'
export type { RemoteWriteResult, ShardWriteRequest } from './shard-writer.js'
export { HintedHandoff } from './hinted-handoff.js'
export type { HintedHandoffLogger, HintedHandoffOptions } from './hinted-handoff.js'
export { HintedHandoffQueue } from './hinted-handoff-queue.js'
export type { HintedHandoffQueueOptions, QueuedWrite, QueueLogger } from './hinted-handoff-queue.js'
export { decodeFrame, encodeHintedWrite, HH_FRAME_HEADER_BYTES } from './hinted-handoff-entry.js'
export type { FrameRead, HintedWrite } from './hinted-handoff-entry.js'
export { shardIndexFor } from './fnv.js'
export { AntiEntropyService, EntropyRepairError } from './anti-entropy.js'
export type {
  AntiEntropyOptions,
  EntropyLogger,
  EntropyOwner,
  EntropyPeer,
  EntropyRepairResult,
  EntropyShardStatus,
  EntropyState,
} from './anti-entropy.js'
export {
  computeShardDigest,
  digestValues,
  KeyHasher,
  ShardDigestCache,
  summarize,
} from './anti-entropy-digest.js'
export type { KeyDigest, ShardDigest } from './anti-entropy-digest.js'
export { mergeReplicas } from './anti-entropy-merge.js'
export type { KeyMerge } from './anti-entropy-merge.js'

// The backup component: InfluxDB's portable backup set (`<ts>.meta`, `<ts>.s<id>.tar.gz`,
// `<ts>.manifest`; spec/backup-formats.md §1, §3) — manifest and archive codecs, consistent shard
// snapshots, full and incremental backup sets, whole-set verification, and restore planning and
// installation into a store and metastore. Library functions only; the CLI wires them.
export {
  encodeManifest,
  decodeManifest,
  formatBackupTimestamp,
  MANIFEST_TIDEMARK_VERSION,
} from './manifest.js'
export type { Manifest, ManifestEntry, ManifestMeta, TidemarkManifestInfo } from './manifest.js'
export { encodeGoJSON, goJSONString, parseJSON, JSONNumber, JSONSyntaxError } from './go-json.js'
export type { GoJSONValue, JSONObject, JSONValue, JSONSyntaxProblem } from './go-json.js'
export {
  tarFileHeader,
  tarPadding,
  tarSize,
  tarStream,
  TAR_END_MARKER_BYTES,
} from './tar-writer.js'
export type { TarFile } from './tar-writer.js'
export { readTar } from './tar-reader.js'
export type { TarEntryHeader, TarEntryHandler, TarReadResult } from './tar-reader.js'
export { classifyEntry, shardEntryPrefix } from './entry-path.js'
export type { ArchiveLocation, EntryUse } from './entry-path.js'
export {
  ARCHIVE_BYTES_TRAILER,
  ARCHIVE_PATH_HEADER,
  ARCHIVE_SHA256_TRAILER,
  readShardArchive,
  TAR_CONTENT_TYPE,
} from './archive-reader.js'
export type {
  ArchiveFileEntry,
  ArchiveFileHandler,
  ArchiveReadResult,
  ArchiveSource,
} from './archive-reader.js'
export { inflateArchive } from './archive-inflate.js'
export type { ArchiveTar, InflatedArchive, InflateOptions } from './archive-inflate.js'
export { extractShardArchive } from './shard-extract.js'
export type { ExtractOptions, ExtractedShard } from './shard-extract.js'
export { ParallelGzip } from './parallel-gzip.js'
export { ParallelGunzip } from './parallel-gunzip.js'
export type { ParallelGzipOptions } from './parallel-gzip.js'
export { checkTSMFile } from './tsm-check.js'
export type { TSMCheckResult } from './tsm-check.js'
export { rewriteTSMFile, rangeOverlap } from './tsm-rewrite.js'
export type { KeepRange } from './tsm-rewrite.js'
export { shardFileState, takeShardSnapshot } from './shard-snapshot.js'
export type { BackupShard, ShardSnapshot, SnapshotFile } from './shard-snapshot.js'
export {
  writeShardArchive,
  writeSnapshotArchive,
  pumpArchive,
  streamSnapshotArchive,
  keepRange,
  archiveFingerprint,
} from './shard-archive-writer.js'
export type {
  ShardArchiveOptions,
  ShardArchiveResult,
  ShardArchiveStream,
} from './shard-archive-writer.js'
export { writeBackupSet } from './backup-set-writer.js'
export type {
  BackupSetResult,
  BackupSetShardSpec,
  BackupShardEvent,
  WriteBackupSetOptions,
} from './backup-set-writer.js'
export { readBackupSet, readManifestFile } from './backup-set-reader.js'
export type {
  BackupSet,
  BackupSetMeta,
  BackupSetShard,
  ManifestFile,
  MissingShard,
} from './backup-set-reader.js'
export {
  verifyBackupSet,
  readBackupMeta,
  locateShard,
  archiveLocation,
} from './backup-set-verifier.js'
export type {
  BackupMeta,
  VerifiedShard,
  VerifyOptions,
  VerifyResult,
} from './backup-set-verifier.js'
export { planRestore } from './restore-planner.js'
export type { EmptyShard, PlannedShard, RestoreOptions, RestorePlan } from './restore-planner.js'
export { installShards } from './restore-installer.js'
export { finishReplicas, ownsLocally, shardOwnersIn, shipReplicas } from './restore-replicas.js'
export type { ReplicaShipping, ShippedReplicas } from './restore-replicas.js'
export { recoverRestores, removeRestoreJournal, writeRestoreJournal } from './restore-journal.js'
export type { RecoveryResult, RecoveryStore } from './restore-journal.js'
export type {
  InstallOptions,
  PreparedArchive,
  RestoredShard,
  RestoreMetaClient,
  RestoreResult,
  RestoreStore,
} from './restore-installer.js'
export type { BackupWarning, BackupWarningCode } from './warnings.js'
export { warningPlace } from './warnings.js'
export {
  BackupError,
  BackupChecksumError,
  BackupExistsError,
  BackupFileMissingError,
  BackupUnreadableError,
  BackupGzipError,
  BackupMetaError,
  BackupNotFoundError,
  BackupOptionsError,
  BackupShardError,
  BackupSizeMismatchError,
  BackupTarError,
  BackupWriteError,
  BackupTombstoneCorruptError,
  BackupTSMCorruptError,
  BackupUnsafeEntryError,
  ManifestError,
  RESTORE_DATABASE_EXISTS_TEXT,
  RestoreFailedError,
  RestoreOptionsError,
  RestoreRefusedError,
} from './errors.js'

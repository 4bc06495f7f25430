// The metastore: the data model (databases, retention policies, shard groups, users, continuous
// queries, subscriptions, nodes) with InfluxDB 1.6's operations and error texts, its meta.Data
// protobuf codec, the portable backup `.meta` framing, restore's metadata import, the file, etcd and
// remote (meta API) stores, the meta API server, and the tokens nodes sign their requests with.
export { MetaData, importData, randomClusterID } from './meta-data.js'
export type { ImportResult } from './meta-data.js'
export { Privilege } from './types.js'
export type {
  ContinuousQueryInfo,
  DatabaseInfo,
  MetaDataFields,
  NodeInfo,
  RetentionPolicyInfo,
  RetentionPolicySpec,
  RetentionPolicyUpdate,
  ShardGroupInfo,
  ShardInfo,
  SubscriptionInfo,
  UserInfo,
} from './types.js'
export {
  DAY_NS,
  DEFAULT_RETENTION_POLICY_NAME,
  HOUR_NS,
  MAX_NAME_BYTES,
  MIN_RETENTION_POLICY_DURATION_NS,
  isValidName,
  normalisedShardGroupDuration,
  retentionPolicyFromSpec,
  shardGroupDurationFor,
} from './retention-policy.js'
export {
  GO_ZERO_TIME_TO_UNIX_NS,
  MAX_NANO_TIME,
  MIN_NANO_TIME,
  acceptsTime,
  containsTime,
  isDeleted,
  isTruncated,
  overlaps,
  shardGroupBounds,
  unwrappedGroupStart,
} from './shard-group-time.js'
export { assignShardOwners, SHARD_GROUP_DELETED_EXPIRATION_NS } from './shard-group-ops.js'
export type { LocatedShardGroup } from './shard-group-ops.js'
export { validateSubscriptionURL } from './subscription-ops.js'
export { authorizeDatabase } from './user-ops.js'
export {
  authenticate,
  authorizeAdmin,
  authorizeAdminBasic,
  createUserWithPassword,
  setUserPassword,
} from './users.js'
export type { PasswordHasher } from './users.js'
export type { ImportOptions } from './import-data.js'
export { decodeMetaData, encodeMetaData } from './meta-codec.js'
export type { DecodeOptions } from './meta-codec.js'
export { decodePortableData, encodePortableData } from './portable-data.js'
export type { PortableData } from './portable-data.js'
export { META_PROTO, PORTABLE_DATA_PROTO, prepareMetaCodecs } from './meta-proto.js'
export { META_FILE_NAME, MetaFileStore } from './meta-file-store.js'
export type { MetaFileStoreOptions, MetaStore } from './meta-file-store.js'
export {
  AuthenticationFailedError,
  ContinuousQueryExistsError,
  DatabaseExistsError,
  DatabaseNameRequiredError,
  DatabaseNotFoundError,
  ImportDatabaseNotFoundError,
  ImportRetentionPolicyNotFoundError,
  IncompatibleDurationsError,
  InvalidSubscriptionURLError,
  MetaCorruptError,
  MetaError,
  MetaStoreIOError,
  MetaUnencodableError,
  NameTooLongError,
  NodeExistsError,
  NodeNotFoundError,
  ReplicationFactorTooLowError,
  RetentionPolicyConflictError,
  RetentionPolicyDurationTooLowError,
  RetentionPolicyExistsError,
  RetentionPolicyNameExistsError,
  RetentionPolicyNameRequiredError,
  RetentionPolicyNotFoundError,
  ShardGroupNotFoundError,
  SubscriptionExistsError,
  SubscriptionNotFoundError,
  UserExistsError,
  UserNotFoundError,
  UsernameRequiredError,
} from './errors.js'
export { MetaClient } from './meta-client.js'
export { bcryptHasher, BCRYPT_COST } from './bcrypt-hasher.js'
export { MetaAPIServer } from './meta-api-server.js'
export type { MetaAPIOptions } from './meta-api-server.js'
export type { ClusterMembership, MembershipAnswer } from './meta-api-membership.js'
export { RemoteMetaStore } from './remote-meta-store.js'
export type { RemoteMetaStoreOptions } from './remote-meta-store.js'
export {
  INTERNAL_TOKEN_TTL_SECONDS,
  bearer,
  signToken,
  verifyBearer,
  verifyToken,
} from './internal-token.js'
export type { TokenCheck } from './internal-token.js'
export { DEFAULT_ETCD_PREFIX, MetaEtcdStore } from './etcd-meta-store.js'
export type { MetaEtcdStoreOptions } from './etcd-meta-store.js'

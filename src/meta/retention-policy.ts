// Retention policy rules shared by the model's operations: defaults, the shard group duration a
// policy gets when none is given, name checks, and turning a RetentionPolicySpec into a policy.
import type { RetentionPolicyInfo, RetentionPolicySpec } from './types.js'

/** One hour in nanoseconds. */
export const HOUR_NS = 3_600_000_000_000n
/** One day in nanoseconds. */
export const DAY_NS = 24n * HOUR_NS

/** The shortest finite retention policy duration InfluxDB accepts (1h). */
export const MIN_RETENTION_POLICY_DURATION_NS = HOUR_NS
/** The name of the retention policy a new database gets (`autogen`). */
export const DEFAULT_RETENTION_POLICY_NAME = 'autogen'
/** The longest database or retention policy name, in UTF-8 bytes (it becomes a directory name). */
export const MAX_NAME_BYTES = 255

/**
 * The default shard group duration for a retention policy duration, as InfluxDB chooses it:
 * infinite (0) or at least 180 days → 7 days; at least 2 days → 1 day; otherwise 1 hour.
 */
export function shardGroupDurationFor(durationNs: bigint): bigint {
  if (durationNs === 0n || durationNs >= 180n * DAY_NS) return 7n * DAY_NS
  if (durationNs >= 2n * DAY_NS) return DAY_NS
  return HOUR_NS
}

/**
 * The shard group duration a policy really gets: 0 means "derive from the duration", and a
 * given value below one hour becomes one hour.
 */
export function normalisedShardGroupDuration(
  shardGroupDurationNs: bigint,
  durationNs: bigint,
): bigint {
  if (shardGroupDurationNs === 0n) return shardGroupDurationFor(durationNs)
  if (shardGroupDurationNs < MIN_RETENTION_POLICY_DURATION_NS) {
    return shardGroupDurationFor(MIN_RETENTION_POLICY_DURATION_NS)
  }
  return shardGroupDurationNs
}

/** The length of `name` in UTF-8 bytes (Go's `len`). */
export function nameBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8')
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u

/**
 * Whether `name` may name a database or retention policy (InfluxDB's ValidName): non-empty,
 * printable, not `.` or `..`, and without `/` or `\`. The statement layer checks this; the
 * model itself only checks emptiness and length, as InfluxDB's does.
 */
export function isValidName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\]/.test(name) && PRINTABLE.test(name)
}

/**
 * The retention policy a spec describes, with InfluxDB's defaults for what it leaves out
 * (name `autogen`, duration 0, replication 1, shard group duration from the duration).
 */
export function retentionPolicyFromSpec(spec: RetentionPolicySpec): RetentionPolicyInfo {
  const durationNs = spec.durationNs ?? 0n
  return {
    name: spec.name !== undefined && spec.name !== '' ? spec.name : DEFAULT_RETENTION_POLICY_NAME,
    durationNs,
    shardGroupDurationNs: normalisedShardGroupDuration(spec.shardGroupDurationNs ?? 0n, durationNs),
    replicaN: spec.replicaN ?? 1,
    shardGroups: [],
    subscriptions: [],
  }
}

/**
 * Whether a spec describes an existing policy (InfluxDB's RetentionPolicySpec.Matches): every
 * field the spec sets is equal, and the normalised shard group duration is the policy's.
 */
export function specMatches(
  spec: RetentionPolicySpec,
  rp: RetentionPolicyInfo | undefined,
): boolean {
  if (rp === undefined) return false
  if (spec.name !== undefined && spec.name !== '' && spec.name !== rp.name) return false
  if (spec.durationNs !== undefined && spec.durationNs !== rp.durationNs) return false
  if (spec.replicaN !== undefined && spec.replicaN !== rp.replicaN) return false
  return (
    normalisedShardGroupDuration(spec.shardGroupDurationNs ?? 0n, rp.durationNs) ===
    rp.shardGroupDurationNs
  )
}

// Shard group time arithmetic. InfluxDB aligns a new group with Go's Time.Truncate, which counts
// from Go's zero time 0001-01-01T00:00:00Z (a Monday), not from the Unix epoch: that is why 7-day
// groups start on Mondays. All arithmetic is in bigint nanoseconds (Z·10⁹ overflows int64).
import type { ShardGroupInfo } from './types.js'

/** The largest timestamp InfluxDB accepts (math.MaxInt64 − 1). */
export const MAX_NANO_TIME = 2n ** 63n - 2n
/** The smallest timestamp InfluxDB accepts (math.MinInt64 + 2). */
export const MIN_NANO_TIME = -(2n ** 63n) + 2n
/** Nanoseconds from Go's zero time (year 1) to the Unix epoch: 62135596800 s. */
export const GO_ZERO_TIME_TO_UNIX_NS = 62_135_596_800n * 1_000_000_000n

/** The smallest int64: where a group that would start before it starts instead. */
const INT64_MIN = -(2n ** 63n)

/**
 * The [start, end) of the shard group that a new group for `timestampNs` gets: start is the
 * timestamp truncated to a multiple of the duration since Go's zero time, end = start + duration,
 * capped at MAX_NANO_TIME + 1. A non-positive duration leaves the timestamp as is (Go does too).
 * A start before the smallest int64 (times in the first group's span of 1677-09-21) is raised to
 * it: InfluxDB lets it wrap around to 2262 (a group that ends before it starts, whose points
 * then answer count() but not SELECT); unwrappedGroupStart undoes that wrap in its metadata.
 */
export function shardGroupBounds(
  timestampNs: bigint,
  shardGroupDurationNs: bigint,
): { startTimeNs: bigint; endTimeNs: bigint } {
  let startTimeNs = timestampNs
  if (shardGroupDurationNs > 0n) {
    const d = shardGroupDurationNs
    const r = (((timestampNs + GO_ZERO_TIME_TO_UNIX_NS) % d) + d) % d
    startTimeNs = timestampNs - r
  }
  let endTimeNs = startTimeNs + shardGroupDurationNs
  if (endTimeNs > MAX_NANO_TIME) endTimeNs = MAX_NANO_TIME + 1n
  if (startTimeNs < INT64_MIN) startTimeNs = INT64_MIN
  return { startTimeNs, endTimeNs }
}

/**
 * The start of a group InfluxDB wrote: a group in 1677's first span has its start wrapped around
 * to 2262 (late in int64, after its end early in int64); that start is the smallest int64, as
 * shardGroupBounds makes it. Other starts are kept.
 */
export function unwrappedGroupStart(startTimeNs: bigint, endTimeNs: bigint): bigint {
  return startTimeNs > endTimeNs && startTimeNs > -(INT64_MIN / 2n) && endTimeNs < INT64_MIN / 2n
    ? INT64_MIN
    : startTimeNs
}

/** Whether the group was marked deleted. */
export function isDeleted(sg: ShardGroupInfo): boolean {
  return sg.deletedAtNs !== 0n
}

/** Whether the group was truncated (takes no writes from `truncatedAtNs` on). */
export function isTruncated(sg: ShardGroupInfo): boolean {
  return sg.truncatedAtNs !== 0n
}

/** Whether start ≤ t < end. */
export function containsTime(sg: ShardGroupInfo, timestampNs: bigint): boolean {
  return timestampNs >= sg.startTimeNs && timestampNs < sg.endTimeNs
}

/** Whether the group may hold data for [minNs, maxNs] (both inclusive): start ≤ max and end > min. */
export function overlaps(sg: ShardGroupInfo, minNs: bigint, maxNs: bigint): boolean {
  return sg.startTimeNs <= maxNs && sg.endTimeNs > minNs
}

/** Whether the group takes writes for `timestampNs`: contains it, not deleted, not truncated before it. */
export function acceptsTime(sg: ShardGroupInfo, timestampNs: bigint): boolean {
  return (
    containsTime(sg, timestampNs) &&
    !isDeleted(sg) &&
    (!isTruncated(sg) || timestampNs < sg.truncatedAtNs)
  )
}

/**
 * InfluxDB's order of shard groups: by effective end (the truncation time when truncated), then
 * by start time.
 */
export function compareShardGroups(a: ShardGroupInfo, b: ShardGroupInfo): number {
  const aEnd = isTruncated(a) ? a.truncatedAtNs : a.endTimeNs
  const bEnd = isTruncated(b) ? b.truncatedAtNs : b.endTimeNs
  if (aEnd !== bEnd) return aEnd < bEnd ? -1 : 1
  if (a.startTimeNs !== b.startTimeNs) return a.startTimeNs < b.startTimeNs ? -1 : 1
  return 0
}

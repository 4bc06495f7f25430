// The owners of a shard as a remote read sees them, trying them in turn, and the error when none
// answers (InfluxDB Enterprise's "shard N: no data nodes available").

import { QueryError } from './errors.js'

/** An owner of a shard: its node ID and node API address. */
export interface ShardOwner {
  readonly id: bigint
  readonly address: string
}

/** No owner of a shard answered (InfluxDB Enterprise's "shard N: no data nodes available"). */
export class ShardUnavailableError extends QueryError {
  constructor(shardID: number, reasons: readonly string[]) {
    super(
      'ERR_QUERY_SHARD_UNAVAILABLE',
      `shard ${shardID}: no owner of the shard answered (${reasons.length > 0 ? reasons.join('; ') : 'it has no owners'})`,
      { shardID, owners: reasons.length },
    )
  }
}

/** How an owner's failure reads in ShardUnavailableError. */
export function ownerFailure(owner: ShardOwner, err: unknown): string {
  return `node ${owner.id} at ${owner.address}: ${(err as Error).message}`
}

/**
 * Tries `owners` in order, starting with `preferred`, until one answers; throws
 * ShardUnavailableError with every owner's failure when none does.
 */
export async function fromSomeOwner<T>(
  shardID: number,
  owners: readonly ShardOwner[],
  preferred: number,
  read: (owner: ShardOwner) => Promise<T>,
): Promise<T> {
  const reasons: string[] = []
  for (let i = 0; i < owners.length; i++) {
    const owner = owners[(preferred + i) % owners.length]
    if (owner === undefined) continue
    try {
      return await read(owner)
    } catch (err) {
      reasons.push(ownerFailure(owner, err))
    }
  }
  throw new ShardUnavailableError(shardID, reasons)
}

// A shard another data node owns, as the query engine sees it: a Shard whose index was fetched
// from a live owner (so planning, tag filters, SHOW and schema run unchanged over it) and whose
// reads and cursors fetch a key's values from an owner when first read, falling back to the next
// replica when one does not answer. Deletes go to every owner. The engine cannot tell it from a
// local shard, which keeps every SELECT feature and its results the same as on one node.

import { joinTSMKey, KeyCursor, type KeyCursorOptions, Shard } from '../engine/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import { QueryError } from './errors.js'
import type { WireMeasurement } from './shard-wire.js'

/** What a remote read needs from the node-to-node transport (src/server/node-read.ts). */
export interface ShardReadClient {
  /** The shard's index on `node`; undefined when that node does not hold the shard. */
  index(node: string, shardID: number, signal?: AbortSignal): Promise<WireMeasurement[] | undefined>
  /** A key's values in [min, max] on `node`, ascending (undefined: no such key or shard). */
  values(
    node: string,
    shardID: number,
    key: string,
    min: bigint,
    max: bigint,
    signal?: AbortSignal,
  ): Promise<Values | undefined>
  /** Deletes [min, max] of the series `keys` of the shard on `node`. */
  deleteSeriesRange(
    node: string,
    shardID: number,
    keys: readonly string[],
    min: bigint,
    max: bigint,
  ): Promise<void>
}

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
      reasons.push(`node ${owner.id} at ${owner.address}: ${(err as Error).message}`)
    }
  }
  throw new ShardUnavailableError(shardID, reasons)
}

/** Where a remote shard is: its identity and owners (the first to answer its index first). */
export interface RemoteShardPlace {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
  readonly owners: readonly ShardOwner[]
  /** The index of the owner whose index was fetched (reads ask it first). */
  readonly preferred: number
}

/** A key cursor whose values are fetched from an owner on the first `next()`. */
class RemoteKeyCursor extends KeyCursor {
  readonly #fetch: () => Promise<Values | undefined>
  readonly #min: bigint
  readonly #max: bigint
  readonly #options: KeyCursorOptions
  #inner: KeyCursor | undefined
  #done = false

  constructor(
    key: string,
    min: bigint,
    max: bigint,
    options: KeyCursorOptions,
    fetch: () => Promise<Values | undefined>,
  ) {
    super(key, min, max, [], undefined, async () => {}, options)
    this.#fetch = fetch
    this.#min = min
    this.#max = max
    this.#options = options
  }

  override async next(): Promise<Values | undefined> {
    if (this.#done) return undefined
    if (this.#inner === undefined) {
      const values = await this.#fetch()
      if (values === undefined) {
        this.#done = true
        return undefined
      }
      this.#inner = new KeyCursor(this.key, this.#min, this.#max, [], values, async () => {}, {
        ...this.#options,
        timesOnly: false,
      })
    }
    const v = await this.#inner.next()
    if (v === undefined) this.#done = true
    return v
  }

  override async close(): Promise<void> {
    this.#done = true
    await this.#inner?.close()
  }
}

/** A shard held by other data nodes; build it with {@link remoteShard}. */
export class RemoteShard extends Shard {
  readonly place: RemoteShardPlace
  readonly #client: ShardReadClient
  readonly #signal: AbortSignal | undefined

  constructor(place: RemoteShardPlace, client: ShardReadClient, signal?: AbortSignal) {
    super({
      id: place.id,
      database: place.database,
      retentionPolicy: place.retentionPolicy,
      path: '',
      walPath: '',
    })
    this.place = place
    this.#client = client
    this.#signal = signal
  }

  #fetch(key: string, min: bigint, max: bigint): Promise<Values | undefined> {
    const { id, owners, preferred } = this.place
    return fromSomeOwner(id, owners, preferred, (o) =>
      this.#client.values(o.address, id, key, min, max, this.#signal),
    )
  }

  override stats(): { cacheBytes: number; tsmBytes: number; tsmFiles: number; series: number } {
    return { cacheBytes: 0, tsmBytes: 0, tsmFiles: 0, series: this.index.seriesCount }
  }

  override tsmPaths(): string[] {
    return []
  }

  override keys(): string[] {
    const out: string[] = []
    for (const m of this.index.measurements.values())
      for (const sk of m.series.keys()) for (const f of m.fields.keys()) out.push(joinTSMKey(sk, f))
    return out.sort()
  }

  override async read(key: string, min?: bigint, max?: bigint): Promise<Values | undefined> {
    return this.#fetch(key, min ?? -(2n ** 63n), max ?? 2n ** 63n - 1n)
  }

  override cursor(
    key: string,
    min: bigint = -(2n ** 63n),
    max: bigint = 2n ** 63n - 1n,
    options: KeyCursorOptions = {},
  ): KeyCursor {
    return new RemoteKeyCursor(key, min, max, options, () => this.#fetch(key, min, max))
  }

  /** Deletes on every owner; fails naming the owners that did not answer. */
  override async deleteSeriesRange(
    seriesKeys: readonly string[],
    min: bigint,
    max: bigint,
  ): Promise<void> {
    await deleteOnOwners(this.place.id, this.place.owners, this.#client, seriesKeys, min, max)
    for (const sk of seriesKeys) this.index.removeSeries(sk)
  }
}

/** Deletes [min, max] of `keys` from shard `id` on every owner in `owners`. */
export async function deleteOnOwners(
  id: number,
  owners: readonly ShardOwner[],
  client: ShardReadClient,
  keys: readonly string[],
  min: bigint,
  max: bigint,
): Promise<void> {
  const failed: string[] = []
  await Promise.all(
    owners.map((o) =>
      client.deleteSeriesRange(o.address, id, keys, min, max).catch((err: unknown) => {
        failed.push(`node ${o.id} at ${o.address}: ${(err as Error).message}`)
      }),
    ),
  )
  if (failed.length > 0)
    throw new QueryError(
      'ERR_QUERY_REMOTE_DELETE',
      `shard ${id}: delete failed on ${failed.join('; ')}`,
      { shardID: id },
    )
}

/** A RemoteShard whose index holds `measurements` (in their order, as the owner's index). */
export function remoteShard(
  place: RemoteShardPlace,
  measurements: readonly WireMeasurement[],
  client: ShardReadClient,
  signal?: AbortSignal,
): RemoteShard {
  const shard = new RemoteShard(place, client, signal)
  const index = shard.index
  for (const m of measurements) {
    for (const [f, t] of m.fields) index.setFieldType(m.name, f, t satisfies FieldType)
    for (const [key, tags] of m.series) index.addSeries(key, m.name, tags)
  }
  return shard
}

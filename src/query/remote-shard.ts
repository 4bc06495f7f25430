// A shard another data node owns, as the query engine sees it: a Shard whose index was fetched
// from a live owner (so planning, tag filters, SHOW and schema run unchanged over it) and whose
// reads and cursors fetch a key's values from an owner when first read, in batches of many keys
// (remote-reads.ts), falling back to the next replica when one does not answer. Deletes go to
// every owner. The engine cannot tell it from a local shard, which keeps every SELECT feature and
// its results the same as on one node.

import { joinTSMKey, KeyCursor, type KeyCursorOptions, Shard } from '../engine/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import { QueryError } from './errors.js'
import type { KeyRead } from './key-read.js'
import { RemoteReads } from './remote-reads.js'
import type { BatchItem, BatchSink } from './shard-batch-wire.js'
import { ownerFailure, type ShardOwner } from './shard-owners.js'
import { joinFrames, type WireMeasurement } from './shard-wire.js'

export { fromSomeOwner, ShardUnavailableError } from './shard-owners.js'
export type { ShardOwner } from './shard-owners.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** What a remote read needs from the node-to-node transport (src/server/node-read.ts). */
export interface ShardReadClient {
  /** The shard's index on `node`; undefined when that node does not hold the shard. */
  index(node: string, shardID: number, signal?: AbortSignal): Promise<WireMeasurement[] | undefined>
  /**
   * Reads `items` of the shard on `node` in one streamed request, handing each frame and item end
   * to `sink` as it arrives (in item order). Resolves true at the end of the answer, false when
   * the node does not hold the shard (nothing was handed out); rejects when the node fails or
   * its answer is bad (the items ended before that stay ended).
   */
  readBatch(
    node: string,
    shardID: number,
    items: readonly BatchItem[],
    sink: BatchSink,
    signal?: AbortSignal,
  ): Promise<boolean>
  /** Deletes [min, max] of the series `keys` of the shard on `node`. */
  deleteSeriesRange(
    node: string,
    shardID: number,
    keys: readonly string[],
    min: bigint,
    max: bigint,
  ): Promise<void>
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

/** A key cursor whose values come from a batched remote read. */
class RemoteKeyCursor extends KeyCursor {
  readonly #reads: RemoteReads
  readonly #read: KeyRead
  #closed = false

  constructor(
    reads: RemoteReads,
    key: string,
    min: bigint,
    max: bigint,
    options: KeyCursorOptions,
  ) {
    super(key, min, max, [], undefined, async () => {}, options)
    this.#reads = reads
    this.#read = reads.open(key, min, max, this.ascending, options.timesOnly ?? false)
  }

  override async next(): Promise<Values | undefined> {
    const read = this.#read
    for (;;) {
      if (this.#closed) return undefined
      const v = read.take(this.chunkSize)
      if (v !== undefined) {
        // Half of the page is taken: ask for the next one while the rest is read.
        if (read.state === 'more' && read.buffered <= read.pageAsked >> 1) this.#reads.want(read)
        return v
      }
      switch (read.state) {
        case 'done':
          await this.close()
          return undefined
        case 'failed':
          throw read.error
        case 'idle':
        case 'more':
          this.#reads.want(read)
          break
        case 'asked':
          break
      }
      await read.wait()
    }
  }

  override async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#reads.release(this.#read)
  }
}

/** A shard held by other data nodes; build it with {@link remoteShard}. */
export class RemoteShard extends Shard {
  readonly place: RemoteShardPlace
  readonly #client: ShardReadClient
  readonly #reads: RemoteReads

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
    this.#reads = new RemoteReads(
      place.id,
      place.owners,
      place.preferred,
      this.index,
      (owner, items, sink) => client.readBatch(owner.address, place.id, items, sink, signal),
    )
  }

  /** Requests sent for values so far (each one a batch of keys). */
  get batches(): number {
    return this.#reads.batches
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
    const cursor = this.cursor(key, min, max, { chunkSize: Number.MAX_SAFE_INTEGER })
    const frames: Values[] = []
    for await (const v of cursor) frames.push(v)
    return joinFrames(frames)
  }

  override cursor(
    key: string,
    min: bigint = INT64_MIN,
    max: bigint = INT64_MAX,
    options: KeyCursorOptions = {},
  ): KeyCursor {
    return new RemoteKeyCursor(this.#reads, key, min, max, options)
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
        failed.push(ownerFailure(o, err))
      }),
    ),
  )
  if (failed.length > 0) throw new RemoteDeleteError(id, failed)
}

/** A delete that did not reach every owner of a shard. */
export class RemoteDeleteError extends QueryError {
  constructor(shardID: number, failures: readonly string[]) {
    super('ERR_QUERY_REMOTE_DELETE', `shard ${shardID}: delete failed on ${failures.join('; ')}`, {
      shardID,
    })
  }
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

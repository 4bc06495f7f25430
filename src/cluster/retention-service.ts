// The retention service (InfluxDB's services/retention): every check interval, marks shard groups
// whose data is older than their retention policy keeps as deleted, deletes their shards from the
// store, deletes shards of groups already marked deleted (e.g. by DROP SHARD or another node), and
// prunes groups deleted long enough ago. Owned and stopped by the server.

import type { MetaClient } from '../meta/index.js'
import type { Store } from '../store/index.js'

/** Something that logs with fields first (pino's Logger fits). */
interface ServiceLogger {
  info(fields: object, msg: string): void
  error(fields: object, msg: string): void
}

/** Drops expired shard groups periodically. `start()`, then `close()` (idempotent, awaits a run). */
export class RetentionService {
  readonly #meta: MetaClient
  readonly #store: Store
  readonly #intervalMs: number
  readonly #logger: ServiceLogger
  readonly #now: () => bigint
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  constructor(opts: {
    meta: MetaClient
    store: Store
    intervalMs: number
    logger: ServiceLogger
    now?: () => bigint
  }) {
    this.#meta = opts.meta
    this.#store = opts.store
    this.#intervalMs = opts.intervalMs
    this.#logger = opts.logger
    this.#now = opts.now ?? (() => BigInt(Date.now()) * 1_000_000n)
  }

  start(): void {
    this.#timer = setInterval(() => void this.runOnce(), this.#intervalMs)
    this.#timer.unref()
  }

  /** One pass; concurrent calls share it. Errors are logged, never thrown. */
  runOnce(): Promise<void> {
    this.#running ??= this.#run()
      .catch((err: unknown) =>
        this.#logger.error({ err: (err as Error).message }, 'retention policy enforcement failed'),
      )
      .finally(() => (this.#running = undefined))
    return this.#running
  }

  async #run(): Promise<void> {
    const now = this.#now()
    for (const { database, retentionPolicy, shardGroup } of this.#meta.data.expiredShardGroups(
      now,
    )) {
      await this.#meta.update((d) =>
        d.deleteShardGroup(database, retentionPolicy, shardGroup.id, now),
      )
      this.#logger.info(
        { database, retentionPolicy, shardGroupID: String(shardGroup.id) },
        'deleted expired shard group',
      )
    }
    // Only shards of groups marked deleted go: a shard directory the metastore does not know (a
    // copy being restored, say) is never touched.
    const deleted = new Set<number>()
    for (const { shardGroup } of this.#meta.data.deletedShardGroups())
      for (const s of shardGroup.shards) deleted.add(Number(s.id))
    for (const shard of [...this.#store.shards(), ...this.#store.failedShards()]) {
      if (!deleted.has(shard.id)) continue
      await this.#store.deleteShard(shard.id)
      this.#logger.info({ shardID: shard.id }, 'deleted shard of a deleted shard group')
    }
    await this.#meta.update((d) => d.pruneShardGroups(now))
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    await this.#running
  }
}

/** Creates the next shard group of every retention policy ahead of time (InfluxDB's precreator). */
export class ShardPrecreationService {
  readonly #meta: MetaClient
  readonly #intervalMs: number
  readonly #advanceMs: number
  readonly #logger: ServiceLogger
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  constructor(opts: {
    meta: MetaClient
    intervalMs: number
    advanceMs: number
    logger: ServiceLogger
  }) {
    this.#meta = opts.meta
    this.#intervalMs = opts.intervalMs
    this.#advanceMs = opts.advanceMs
    this.#logger = opts.logger
  }

  start(): void {
    this.#timer = setInterval(() => void this.runOnce(), this.#intervalMs)
    this.#timer.unref()
  }

  runOnce(): Promise<void> {
    const now = BigInt(Date.now()) * 1_000_000n
    this.#running ??= this.#meta
      .update((d) => d.precreateShardGroups(now, now + BigInt(this.#advanceMs) * 1_000_000n))
      .then(() => undefined)
      .catch((err: unknown) =>
        this.#logger.error({ err: (err as Error).message }, 'shard group precreation failed'),
      )
      .finally(() => (this.#running = undefined))
    return this.#running
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    await this.#running
  }
}

// Metadata-driven cleanup on a data node (what InfluxDB Enterprise's data nodes do): DROP DATABASE,
// DROP RETENTION POLICY, DROP SHARD and remove-shard change the metadata on every node, but only
// the node that ran the statement deletes its files. So every data node, once at start and after
// each change of the metadata, deletes
//   - its local shards the metadata no longer assigns to it, and the database and retention policy
//     directories that emptied (when the metadata no longer has that database or policy), and
//   - its hinted-handoff queues of data nodes that left the cluster (remove-data).
//
// A local shard goes only when all of these hold, checked again right before its delete starts
// (synchronously, so a pin taken meanwhile is seen):
//   - this node knows its own ID (an unknown identity deletes nothing),
//   - its ID is at most the metadata's MaxShardID (a larger one was allocated by metadata this
//     node has not seen yet: a write creating it on demand, a restore installing it),
//   - no live shard group lists it with this node as an owner (a shard without owners belongs to
//     every node), and
//   - it is not pinned (store/shard-pins.ts: a restore or copy-shard installing it).
// A queue goes when its node ID was allocated (at most MaxNodeID) and is no data node's any more.

import { rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { MetaData } from '../meta/index.js'

/** A shard on this node's disk. */
export interface LocalShard {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
}

/** The metadata as cleanup follows it (the meta component's MetaClient fits). */
export interface CleanupMeta {
  readonly data: MetaData
  onChange(listener: (data: MetaData) => void): () => void
}

/** What cleanup needs of the store (the store component's Store fits). */
export interface CleanupStore {
  readonly config: { readonly dataDir: string; readonly walDir: string }
  readonly pins: {
    has(id: number): boolean
    holdsDirectory(database: string, retentionPolicy?: string): boolean
  }
  shard(id: number): LocalShard | undefined
  shards(): readonly LocalShard[]
  failedShards(): readonly LocalShard[]
  deleteShard(id: number): Promise<void>
}

/** The hinted-handoff queues (the HintedHandoff service fits). */
export interface CleanupQueues {
  queuedNodes(): readonly bigint[]
  /** Deletes the queue of a node that left the cluster; resolves to whether there was one. */
  removeNode(nodeID: bigint): Promise<boolean>
}

/** Something that logs with fields first (pino's Logger fits). */
export interface CleanupLogger {
  info(fields: object, msg: string): void
  error(fields: object, msg: string): void
}

/** What an OrphanCleanupService is built from. */
export interface OrphanCleanupOptions {
  readonly meta: CleanupMeta
  readonly store: CleanupStore
  /** This node's data node ID, or undefined while it is not known. */
  readonly localNodeID: () => bigint | undefined
  readonly hintedHandoff?: CleanupQueues
  readonly logger: CleanupLogger
  /**
   * Whether the metadata may be acted on (false while it came from the local cache because no
   * meta node answers: a cache that missed the last change must not delete anything). While
   * false, a pass is retried every `retryMs`. Default: always.
   */
  readonly trusted?: () => boolean
  /** Pause before retrying a pass that could not act (default 2000 ms). */
  readonly retryMs?: number
}

/** What cleanup has done since start, for status and tests. */
export interface CleanupStatus {
  passes: number
  deletedShards: number
  deletedQueues: number
  /** The last failure of a pass or of one delete, or undefined. */
  lastError: string | undefined
}

/** Which shards the metadata lets this node keep: those it owns, and all above MaxShardID. */
class Assignment {
  readonly maxShardID: bigint
  readonly #held = new Set<number>()

  constructor(data: MetaData, self: bigint) {
    this.maxShardID = data.maxShardID
    for (const db of data.databases)
      for (const rp of db.retentionPolicies)
        for (const g of rp.shardGroups) {
          if (g.deletedAtNs !== 0n) continue
          for (const s of g.shards)
            if (s.owners.length === 0 || s.owners.includes(self)) this.#held.add(Number(s.id))
        }
  }

  keeps(id: number): boolean {
    return BigInt(id) > this.maxShardID || this.#held.has(id)
  }
}

/**
 * The local shards the metadata no longer assigns to node `self` (see the file comment); none
 * when `self` is undefined. Pins are not looked at here.
 */
export function orphanedShards(
  data: MetaData,
  self: bigint | undefined,
  local: readonly LocalShard[],
): LocalShard[] {
  if (self === undefined || !data.dataNodes.some((n) => n.id === self)) return []
  const a = new Assignment(data, self)
  return local.filter((s) => !a.keeps(s.id))
}

/** The node IDs among `queued` that left the cluster: allocated, and no data node's now. */
export function removedNodes(data: MetaData, queued: readonly bigint[]): bigint[] {
  return queued.filter((id) => id <= data.maxNodeID && !data.dataNodes.some((n) => n.id === id))
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

/**
 * Follows the metadata and deletes what it no longer holds (see the file comment). `start()`
 * runs a first pass and subscribes; passes never overlap, and changes during a pass cause one
 * more. `close()` unsubscribes and waits for a pass in flight (idempotent).
 */
export class OrphanCleanupService {
  readonly #o: OrphanCleanupOptions
  readonly status: CleanupStatus = {
    passes: 0,
    deletedShards: 0,
    deletedQueues: 0,
    lastError: undefined,
  }
  #unsubscribe: (() => void) | undefined
  #running: Promise<void> | undefined
  #again = false
  #closed = false
  #retry: NodeJS.Timeout | undefined

  constructor(options: OrphanCleanupOptions) {
    this.#o = options
  }

  /** Runs a first pass now and one after every change of the metadata. */
  start(): void {
    if (this.#closed || this.#unsubscribe !== undefined) return
    this.#unsubscribe = this.#o.meta.onChange(() => void this.runOnce())
    void this.runOnce()
  }

  /**
   * Runs a pass (after the one in flight, if any, which then runs once more). Resolves when no
   * pass is due any more. Failures are logged and kept in `status`, never thrown.
   */
  runOnce(): Promise<void> {
    this.#again = true
    this.#running ??= (async () => {
      while (this.#again && !this.#closed) {
        this.#again = false
        try {
          await this.#pass()
        } catch (err) {
          this.#failed(err, {}, 'metadata-driven cleanup failed')
        }
      }
    })().finally(() => (this.#running = undefined))
    return this.#running
  }

  /** Stops following the metadata and waits for a pass in flight. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    clearTimeout(this.#retry)
    await this.#running
  }

  #failed(err: unknown, fields: object, msg: string): void {
    const message = err instanceof Error ? err.message : String(err)
    this.status.lastError = message
    this.#o.logger.error({ ...fields, err: message }, msg)
  }

  async #pass(): Promise<void> {
    if (this.#o.trusted?.() === false) {
      clearTimeout(this.#retry)
      this.#retry = setTimeout(() => void this.runOnce(), this.#o.retryMs ?? 2000)
      this.#retry.unref()
      return
    }
    this.status.passes++
    await this.#shards()
    await this.#queues()
  }

  async #shards(): Promise<void> {
    const { meta, store, localNodeID, logger } = this.#o
    const local = [...store.shards(), ...store.failedShards()].map((s) => ({
      id: s.id,
      database: s.database,
      retentionPolicy: s.retentionPolicy,
    }))
    const emptied = new Map<string, Set<string>>()
    let checkedAgainst: MetaData | undefined
    let assignment: Assignment | undefined
    for (const s of orphanedShards(meta.data, localNodeID(), local)) {
      if (this.#closed) return
      // Check again against the newest metadata, the pins and the store, with no await between
      // the check and the start of the delete.
      const data = meta.data
      const self = localNodeID()
      if (self === undefined) return
      if (checkedAgainst !== data) {
        checkedAgainst = data
        assignment = new Assignment(data, self)
      }
      if (assignment?.keeps(s.id) !== false || store.pins.has(s.id)) continue
      const now = store.shard(s.id) ?? store.failedShards().find((f) => f.id === s.id)
      if (now?.database !== s.database || now.retentionPolicy !== s.retentionPolicy) continue
      const fields = { database: s.database, retentionPolicy: s.retentionPolicy, shardID: s.id }
      try {
        await store.deleteShard(s.id)
      } catch (err) {
        this.#failed(err, fields, 'could not delete a shard the metadata no longer assigns here')
        continue
      }
      this.status.deletedShards++
      logger.info(fields, 'deleted a local shard the metadata no longer assigns to this node')
      const rps = emptied.get(s.database) ?? new Set<string>()
      rps.add(s.retentionPolicy)
      emptied.set(s.database, rps)
    }
    for (const [database, rps] of emptied) await this.#removeDirectories(database, rps)
  }

  /**
   * Removes the emptied directories of `database` and its policies `rps` under the data and WAL
   * directories, when the metadata no longer has them and no pinned or open shard lives there.
   * Only empty directories go (rmdir): anything a restore is staging there keeps them.
   */
  async #removeDirectories(database: string, rps: ReadonlySet<string>): Promise<void> {
    const { meta, store, logger } = this.#o
    const remove = async (path: string): Promise<boolean> => {
      try {
        await rmdir(path)
        return true
      } catch (err) {
        const code = codeOf(err)
        if (code === 'ENOENT' || code === 'ENOTEMPTY' || code === 'EEXIST') return false
        this.#failed(err, { path }, 'could not remove an emptied directory')
        return false
      }
    }
    const lives = (rp?: string): boolean =>
      store.pins.holdsDirectory(database, rp) ||
      [...store.shards(), ...store.failedShards()].some(
        (s) => s.database === database && (rp === undefined || s.retentionPolicy === rp),
      )
    const db = meta.data.databases.find((d) => d.name === database)
    for (const rp of rps) {
      if (db?.retentionPolicies.some((r) => r.name === rp) === true || lives(rp)) continue
      for (const root of [store.config.dataDir, store.config.walDir]) {
        const path = join(root, database, rp)
        if (await remove(path))
          logger.info({ database, retentionPolicy: rp, path }, 'removed an emptied directory')
      }
    }
    if (meta.data.databases.some((d) => d.name === database) || lives()) return
    for (const root of [store.config.dataDir, store.config.walDir]) {
      const path = join(root, database)
      if (await remove(path)) logger.info({ database, path }, 'removed an emptied directory')
    }
  }

  async #queues(): Promise<void> {
    const hh = this.#o.hintedHandoff
    if (hh === undefined) return
    for (const nodeID of removedNodes(this.#o.meta.data, hh.queuedNodes())) {
      if (this.#closed) return
      // The node may have come back meanwhile (a meta node's ID reused on its address).
      if (removedNodes(this.#o.meta.data, [nodeID]).length === 0) continue
      try {
        if (await hh.removeNode(nodeID)) this.status.deletedQueues++
      } catch (err) {
        this.#failed(
          err,
          { nodeID: String(nodeID) },
          'could not delete the hinted-handoff queue of a removed data node',
        )
      }
    }
  }
}

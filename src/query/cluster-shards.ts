// The shards a statement reads on a data node of a cluster: every shard of the databases it
// names, from the metastore, each either this node's own copy (when it owns the shard) or a
// RemoteShard whose index came from a live owner. Built once per statement by
// ClusterShards.view(); the statement then plans and reads as on one node. A shard no owner of
// which answers is left out of `shards()` (so a SELECT over other time ranges still runs), but
// `shard(id)` and `requireAll()` (SHOW, DELETE) fail with an error naming it.

import type { Shard } from '../engine/index.js'
import type { MetaData } from '../meta/index.js'
import {
  deleteOnOwners,
  fromSomeOwner,
  remoteShard,
  type ShardOwner,
  type ShardReadClient,
  ShardUnavailableError,
} from './remote-shard.js'

/** What statements need from the node's shards (the Store satisfies it). */
export interface QueryStore {
  shard(id: number): Shard | undefined
  shards(): Shard[]
  deleteShard(id: number): Promise<void>
  deleteDatabase(name: string): Promise<void>
  deleteRetentionPolicy(database: string, name: string): Promise<void>
  /** Throws when a shard of `database` cannot be read (no owner answers); absent: never. */
  requireAll?(database: string): void
  /** Deletes [min, max] of `keys` of `shard` on every owner (absent: the shard's own delete). */
  deleteSeriesRange?(shard: Shard, keys: readonly string[], min: bigint, max: bigint): Promise<void>
}

/** What ClusterShards is built from. */
export interface ClusterShardsOptions {
  readonly store: QueryStore
  readonly meta: { readonly data: MetaData }
  readonly client: ShardReadClient
  /** This node's ID among the data nodes (undefined until it is known). */
  readonly localNodeID: () => bigint | undefined
}

interface PlannedShard {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
  readonly owners: readonly ShardOwner[]
  readonly local: boolean
}

/** Builds per-statement shard views over the local store and the other owners. */
export class ClusterShards {
  readonly #options: ClusterShardsOptions
  #turn = 0

  constructor(options: ClusterShardsOptions) {
    this.#options = options
  }

  /** The shards of `databases` in the metastore, with their owners. */
  #plan(databases: ReadonlySet<string>): PlannedShard[] {
    const data = this.#options.meta.data
    const selfID = this.#options.localNodeID()
    const address = new Map(data.dataNodes.map((n) => [n.id, n.tcpHost]))
    const out: PlannedShard[] = []
    for (const db of data.databases) {
      if (!databases.has(db.name)) continue
      for (const rp of db.retentionPolicies)
        for (const sg of rp.shardGroups) {
          if (sg.deletedAtNs !== 0n) continue
          for (const s of sg.shards) {
            const owners = s.owners
              .filter((o) => o !== selfID)
              .map((o) => ({ id: o, address: address.get(o) ?? '' }))
              .filter((o) => o.address !== '')
            const local =
              s.owners.length === 0 || (selfID !== undefined && s.owners.includes(selfID))
            out.push({
              id: Number(s.id),
              database: db.name,
              retentionPolicy: rp.name,
              owners,
              local,
            })
          }
        }
    }
    return out
  }

  /** A view of the shards of `databases` for one statement (remote indexes fetched now). */
  async view(databases: ReadonlySet<string>, signal?: AbortSignal): Promise<QueryStore> {
    const { store, client } = this.#options
    const planned = this.#plan(databases)
    const remote = new Map<number, Shard>()
    const missing = new Map<number, ShardUnavailableError>()
    const owners = new Map<number, readonly ShardOwner[]>()
    const turn = this.#turn++
    await Promise.all(
      planned.map(async (p) => {
        owners.set(p.id, p.owners)
        if (p.local) return
        const preferred = p.owners.length > 0 ? turn % p.owners.length : 0
        try {
          let from = preferred
          const measurements = await fromSomeOwner(p.id, p.owners, preferred, async (o) => {
            from = p.owners.indexOf(o)
            return client.index(o.address, p.id, signal)
          })
          if (measurements === undefined) return
          remote.set(p.id, remoteShard({ ...p, preferred: from }, measurements, client, signal))
        } catch (err) {
          if (err instanceof ShardUnavailableError) missing.set(p.id, err)
          else throw err
        }
      }),
    )
    const localIDs = new Set(planned.filter((p) => p.local).map((p) => p.id))
    const inView = new Set(planned.map((p) => p.id))
    const dbOf = new Map(planned.map((p) => [p.id, p.database]))
    return {
      shard(id) {
        const err = missing.get(id)
        if (err !== undefined) throw err
        if (remote.has(id)) return remote.get(id)
        if (inView.has(id) && !localIDs.has(id)) return undefined
        return store.shard(id)
      },
      shards() {
        const local = store.shards().filter((s) => !inView.has(s.id) || localIDs.has(s.id))
        return [...local, ...remote.values()].sort((a, b) => a.id - b.id)
      },
      deleteShard: (id) => store.deleteShard(id),
      deleteDatabase: (name) => store.deleteDatabase(name),
      deleteRetentionPolicy: (db, name) => store.deleteRetentionPolicy(db, name),
      requireAll(database) {
        for (const [id, err] of missing) if (dbOf.get(id) === database) throw err
      },
      async deleteSeriesRange(shard, keys, min, max) {
        if (remote.has(shard.id)) return shard.deleteSeriesRange(keys, min, max)
        await shard.deleteSeriesRange(keys, min, max)
        const others = owners.get(shard.id) ?? []
        if (others.length > 0) await deleteOnOwners(shard.id, others, client, keys, min, max)
      },
    }
  }
}

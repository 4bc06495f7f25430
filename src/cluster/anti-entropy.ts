// The anti-entropy service (`[anti-entropy]`, issue #6): compares the replicas of shards by their
// digests (anti-entropy-digest.ts) and repairs a missing or divergent replica by copying points
// from the other owners, so that every replica ends up with the union of their points
// (anti-entropy-merge.ts has the rule for a time held with different values).
//
// Any data node can check or repair any shard: it asks every owner for its digest over the node
// API, fetches the values of the keys whose digests differ from the owners that hold them, and
// writes what each owner lacks to that owner (through its WAL, so a repair cut short by a crash
// leaves the replica readable and the next check finishes it). Nothing is ever deleted. An owner
// that does not answer is left out of the repair and reported as unreachable. The periodic loop
// checks the shards this node owns every `check-interval` and repairs those that diverged.

import type { Values } from '../lineprotocol/index.js'
import type { MetaClient } from '../meta/index.js'
import { TidemarkError } from '../util/index.js'
import type { KeyDigest, ShardDigest } from './anti-entropy-digest.js'
import { mergeReplicas } from './anti-entropy-merge.js'

/** The node API calls anti-entropy makes to a shard's owners (the consumer's interface). */
export interface EntropyPeer {
  /** The owner's digest of the shard (with per-key digests when `withKeys`), undefined if it does not hold it. */
  digest(node: string, shardID: number, withKeys: boolean): Promise<ShardDigest | undefined>
  /** The owner's values of `key` with min <= t <= max, undefined if it does not hold the shard. */
  values(
    node: string,
    shardID: number,
    key: string,
    min: bigint,
    max: bigint,
  ): Promise<Values | undefined>
  /** Writes values (TSM key → values) into the owner's replica, creating the shard if needed. */
  write(
    node: string,
    shardID: number,
    database: string,
    retentionPolicy: string,
    values: ReadonlyMap<string, Values>,
  ): Promise<void>
}

/** The state of a shard (or of one owner's replica of it). */
export type EntropyState = 'healthy' | 'diverged' | 'missing' | 'unreachable'

/** One owner of a shard as a check saw it. */
export interface EntropyOwner {
  readonly nodeID: bigint
  readonly address: string
  readonly state: EntropyState
  /** The replica's digest hash ('' when missing or unreachable). */
  readonly hash: string
  readonly count: number
  /** When unreachable: why. */
  readonly error?: string
}

/** One shard as a check saw it. */
export interface EntropyShardStatus {
  readonly shardID: number
  readonly database: string
  readonly retentionPolicy: string
  readonly startTimeNs: bigint
  readonly endTimeNs: bigint
  /** When the shard group expires (ns), 0n when the retention policy keeps data forever. */
  readonly expiresNs: bigint
  /** `missing` if an owner lacks a shard another owner holds points of; `diverged` if digests differ. */
  readonly state: EntropyState
  readonly owners: readonly EntropyOwner[]
}

/** What a repair did. */
export interface EntropyRepairResult {
  readonly shardID: number
  readonly before: EntropyShardStatus
  readonly after: EntropyShardStatus
  /** Keys whose digests differed between owners. */
  readonly keysDiverged: number
  /** Points written, per owner node ID (decimal string). */
  readonly pointsWritten: Readonly<Record<string, number>>
  /** Keys left unrepaired (e.g. the owners disagree on a field's type), with the reason. */
  readonly skipped: readonly { readonly key: string; readonly reason: string }[]
  readonly durationMs: number
}

/** A repair that could not be made (unknown shard, no owner reachable). */
export class EntropyRepairError extends TidemarkError {
  constructor(message: string, fields: { shardID: number }) {
    super('ERR_CLUSTER_ENTROPY_REPAIR', message, fields)
  }
}

/** Logging the service does. */
export interface EntropyLogger {
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
}

/** Options of {@link AntiEntropyService}. */
export interface AntiEntropyOptions {
  readonly meta: Pick<MetaClient, 'data'>
  readonly peer: EntropyPeer
  /** This node's data node ID (undefined until it is known). */
  readonly localNodeID: () => bigint | undefined
  /** `check-interval`, ms. */
  readonly checkIntervalMs: number
  /** `max-fetch`: keys fetched and written at once during a repair. */
  readonly maxFetch: number
  /** `max-sync`: shards repaired at once by the periodic loop. */
  readonly maxSync: number
  readonly logger: EntropyLogger
}

/** A shard to check: where it is, and its owners' node IDs and addresses. */
type ShardPlace = Omit<EntropyShardStatus, 'state' | 'owners'> & {
  readonly owners: readonly { readonly nodeID: bigint; readonly address: string }[]
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T
      await fn(item)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
}

/**
 * The anti-entropy service of a data node. `start()` runs the periodic check; `status()` and
 * `repair()` may be called any time (repairs of one shard are shared, never run twice at once).
 * `close()` (idempotent) stops the loop and waits for the check in progress.
 */
export class AntiEntropyService {
  readonly #o: AntiEntropyOptions
  readonly #repairs = new Map<number, Promise<EntropyRepairResult>>()
  #timer: NodeJS.Timeout | undefined
  #tick: Promise<void> | undefined
  #closed = false
  /** The last periodic check's error, if any (visible in status, never swallowed silently). */
  lastError: unknown

  constructor(options: AntiEntropyOptions) {
    this.#o = options
  }

  /** Starts the periodic check (first run after one interval). */
  start(): void {
    if (this.#closed || this.#timer !== undefined) return
    const schedule = (): void => {
      this.#timer = setTimeout(() => {
        this.#tick = this.checkAndRepair()
          .then(() => undefined)
          .catch((err: unknown) => {
            this.lastError = err
            this.#o.logger.warn({ err: (err as Error).message }, 'anti-entropy check failed')
          })
          .finally(() => {
            this.#tick = undefined
            if (!this.#closed) schedule()
          })
      }, this.#o.checkIntervalMs)
      this.#timer.unref()
    }
    schedule()
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    await this.#tick
    await Promise.allSettled([...this.#repairs.values()])
  }

  /** One pass of the loop: checks the shards this node owns, repairs the diverged or missing ones. */
  async checkAndRepair(): Promise<EntropyRepairResult[]> {
    const me = this.#o.localNodeID()
    if (me === undefined) return []
    const statuses = await this.status({ ownedBy: me })
    const bad = statuses.filter((s) => s.state === 'diverged' || s.state === 'missing')
    const results: EntropyRepairResult[] = []
    await eachLimited(bad, this.#o.maxSync, async (s) => {
      if (this.#closed) return
      const r = await this.repair(s.shardID)
      this.#o.logger.info(
        {
          shardID: s.shardID,
          before: s.state,
          after: r.after.state,
          pointsWritten: r.pointsWritten,
        },
        'anti-entropy repaired a shard',
      )
      results.push(r)
    })
    return results
  }

  /** The shards of the metastore (those `ownedBy` owns, when given), each checked on every owner. */
  async status(opts: { ownedBy?: bigint } = {}): Promise<EntropyShardStatus[]> {
    const places = this.#places().filter(
      (p) => opts.ownedBy === undefined || p.owners.some((o) => o.nodeID === opts.ownedBy),
    )
    const out: EntropyShardStatus[] = []
    await eachLimited(places, 4, async (p) => {
      out.push(this.#judge(p, await this.#digests(p, false)))
    })
    return out.sort((a, b) => a.shardID - b.shardID)
  }

  /** Repairs shard `shardID` now and resolves with what was done. */
  repair(shardID: number): Promise<EntropyRepairResult> {
    const running = this.#repairs.get(shardID)
    if (running !== undefined) return running
    const p = this.#repair(shardID).finally(() => this.#repairs.delete(shardID))
    this.#repairs.set(shardID, p)
    return p
  }

  #places(): ShardPlace[] {
    const data = this.#o.meta.data
    const addr = new Map(data.dataNodes.map((n) => [n.id, n.tcpHost]))
    const out: ShardPlace[] = []
    for (const db of data.databases)
      for (const rp of db.retentionPolicies)
        for (const g of rp.shardGroups) {
          if (g.deletedAtNs !== 0n) continue
          for (const s of g.shards)
            out.push({
              shardID: Number(s.id),
              database: db.name,
              retentionPolicy: rp.name,
              startTimeNs: g.startTimeNs,
              endTimeNs: g.endTimeNs,
              expiresNs: rp.durationNs === 0n ? 0n : g.endTimeNs + rp.durationNs,
              owners: s.owners.map((id) => ({ nodeID: id, address: addr.get(id) ?? '' })),
            })
        }
    return out
  }

  async #digests(
    p: ShardPlace,
    withKeys: boolean,
  ): Promise<(ShardDigest | undefined | { error: string })[]> {
    return Promise.all(
      p.owners.map(async (o) => {
        if (o.address === '') return { error: `data node ${o.nodeID} has no address` }
        try {
          return await this.#o.peer.digest(o.address, p.shardID, withKeys)
        } catch (err) {
          return { error: (err as Error).message }
        }
      }),
    )
  }

  #judge(
    p: ShardPlace,
    digests: readonly (ShardDigest | undefined | { error: string })[],
  ): EntropyShardStatus {
    const held = digests.filter((d): d is ShardDigest => d !== undefined && 'hash' in d)
    const anyPoints = held.some((d) => d.count > 0)
    const hashes = new Set(held.map((d) => d.hash))
    const owners: EntropyOwner[] = p.owners.map((o, i) => {
      const d = digests[i]
      if (d === undefined)
        return { ...o, state: anyPoints ? 'missing' : 'healthy', hash: '', count: 0 }
      if (!('hash' in d)) return { ...o, state: 'unreachable', hash: '', count: 0, error: d.error }
      return { ...o, state: hashes.size > 1 ? 'diverged' : 'healthy', hash: d.hash, count: d.count }
    })
    const state: EntropyState = owners.some((o) => o.state === 'missing')
      ? 'missing'
      : owners.some((o) => o.state === 'diverged')
        ? 'diverged'
        : owners.some((o) => o.state === 'unreachable')
          ? 'unreachable'
          : 'healthy'
    const { owners: _places, ...rest } = p
    return { ...rest, state, owners }
  }

  async #repair(shardID: number): Promise<EntropyRepairResult> {
    const t0 = Date.now()
    const p = this.#places().find((x) => x.shardID === shardID)
    if (p === undefined)
      throw new EntropyRepairError(`shard ${shardID} is not in the metastore`, { shardID })
    const digests = await this.#digests(p, true)
    const before = this.#judge(p, digests)
    const reachable = p.owners
      .map((o, i) => ({ ...o, digest: digests[i] }))
      .filter((o) => o.digest === undefined || 'hash' in o.digest)
      .map((o) => ({ ...o, digest: o.digest as ShardDigest | undefined }))
    if (reachable.length === 0)
      throw new EntropyRepairError(`no owner of shard ${shardID} answered`, { shardID })
    const written: Record<string, number> = {}
    for (const o of reachable) written[String(o.nodeID)] = 0
    const skipped: { key: string; reason: string }[] = []
    // Key → each reachable owner's digest of it.
    const byKey = new Map<string, (KeyDigest | undefined)[]>()
    reachable.forEach((o, r) => {
      for (const k of o.digest?.keyDigests ?? []) {
        let row = byKey.get(k.key)
        if (row === undefined)
          // Filled, not holes: some() skips holes, and a key one owner lacks is a divergence.
          byKey.set(k.key, (row = Array.from(reachable, (): KeyDigest | undefined => undefined)))
        row[r] = k
      }
    })
    const diverged = [...byKey].filter(([, row]) => {
      const first = row[0]
      return row.some((k) => k?.hash !== first?.hash)
    })
    await eachLimited(diverged, this.#o.maxFetch, async ([key, row]) => {
      let min: bigint | undefined
      let max: bigint | undefined
      for (const k of row) {
        if (k === undefined) continue
        if (min === undefined || k.minTimeNs < min) min = k.minTimeNs
        if (max === undefined || k.maxTimeNs > max) max = k.maxTimeNs
      }
      if (min === undefined || max === undefined) return
      const lo = min
      const hi = max
      const values = await Promise.all(
        reachable.map((o, r) =>
          row[r] === undefined ? undefined : this.#o.peer.values(o.address, shardID, key, lo, hi),
        ),
      )
      let merged
      try {
        merged = mergeReplicas(values)
      } catch (err) {
        skipped.push({ key, reason: (err as Error).message })
        return
      }
      if (merged === undefined) return
      await Promise.all(
        reachable.map(async (o, r) => {
          const miss = merged.missing[r]
          if (miss === undefined) return
          await this.#o.peer.write(
            o.address,
            shardID,
            p.database,
            p.retentionPolicy,
            new Map([[key, miss]]),
          )
          written[String(o.nodeID)] = (written[String(o.nodeID)] ?? 0) + miss.times.length
        }),
      )
    })
    const after = this.#judge(p, await this.#digests(p, false))
    return {
      shardID,
      before,
      after,
      keysDiverged: diverged.length,
      pointsWritten: written,
      skipped,
      durationMs: Date.now() - t0,
    }
  }
}

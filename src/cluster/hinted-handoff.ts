// The hinted-handoff service of a data node (InfluxDB Enterprise's `[hinted-handoff]`): one
// on-disk queue per target node under `dir/<node ID>/` (hinted-handoff-queue.ts), and a background
// loop that delivers each queue to its node, in order, once the node answers again. An entry is
// removed only after the node acknowledged it; a failed delivery waits `retry-interval`, doubling
// up to `retry-max-interval`, before that queue is tried again. The queue of a node that left the
// cluster is deleted with its directory (`removeNode`, called by orphan-cleanup.ts).

import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { NotOpenError } from '../util/index.js'
import type { HintedWrite } from './hinted-handoff-entry.js'
import { HintedHandoffQueue, type QueueLogger } from './hinted-handoff-queue.js'
import type { RemoteWriteResult, ShardWriteRequest } from './shard-writer.js'

/** Something that logs with fields first (pino's Logger fits). */
export interface HintedHandoffLogger extends QueueLogger {
  info(fields: object, message: string): void
}

/** Options of the hinted-handoff service. */
export interface HintedHandoffOptions {
  readonly dir: string
  /** `max-size`: bytes per node queue. */
  readonly maxSizeBytes: number
  /** `max-age` in ms; 0 = entries never expire. */
  readonly maxAgeMs: number
  /** `retry-interval` in ms: first pause after a failed delivery, and how often queues are checked. */
  readonly retryIntervalMs: number
  /** `retry-max-interval` in ms: the longest pause between tries. */
  readonly retryMaxIntervalMs: number
  /** Segment size of each queue (tests); default see HintedHandoffQueue. */
  readonly segmentMaxBytes?: number
  /** The node API address of a data node, or undefined when it is no longer in the cluster. */
  readonly nodeAddress: (nodeID: bigint) => string | undefined
  /** Sends one queued write to its node (ShardWriter.write). */
  readonly send: (r: ShardWriteRequest) => Promise<RemoteWriteResult>
  readonly logger: HintedHandoffLogger
}

/** How many delivered entries between two saves of a queue's position. */
const COMMIT_EVERY = 64

/**
 * The queues of every target node and the loop that drains them. `open()` starts the loop;
 * `close()` stops it and waits for it (idempotent). `enqueue` is safe to call concurrently.
 */
export class HintedHandoff {
  readonly #o: HintedHandoffOptions
  readonly #queues = new Map<bigint, HintedHandoffQueue>()
  readonly #opening = new Map<bigint, Promise<HintedHandoffQueue>>()
  readonly #backoff = new Map<bigint, { untilMs: number; intervalMs: number }>()
  /** Nodes whose queue was deleted because they left the cluster. */
  readonly #removed = new Set<bigint>()
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #status: 'new' | 'open' | 'closed' = 'new'

  constructor(options: HintedHandoffOptions) {
    this.#o = options
  }

  /** Opens the queues found on disk and starts delivering them. */
  async open(): Promise<void> {
    await mkdir(this.#o.dir, { recursive: true })
    for (const name of await readdir(this.#o.dir)) {
      if (/^\d{1,20}$/.test(name)) await this.#queue(BigInt(name))
    }
    this.#status = 'open'
    this.#schedule()
  }

  #queue(nodeID: bigint): Promise<HintedHandoffQueue> {
    const q = this.#queues.get(nodeID)
    if (q !== undefined) return Promise.resolve(q)
    let p = this.#opening.get(nodeID)
    if (p === undefined) {
      const queue = new HintedHandoffQueue(join(this.#o.dir, String(nodeID)), {
        nodeID,
        maxSizeBytes: this.#o.maxSizeBytes,
        maxAgeMs: this.#o.maxAgeMs,
        logger: this.#o.logger,
        ...(this.#o.segmentMaxBytes !== undefined
          ? { segmentMaxBytes: this.#o.segmentMaxBytes }
          : {}),
      })
      p = queue.open().then(() => {
        this.#queues.set(nodeID, queue)
        this.#opening.delete(nodeID)
        return queue
      })
      this.#opening.set(nodeID, p)
    }
    return p
  }

  /**
   * Whether writes for `nodeID` are still queued. While they are, new writes for that node go to
   * the queue too, so the node receives its writes in order.
   */
  pending(nodeID: bigint): boolean {
    const q = this.#queues.get(nodeID)
    return (q !== undefined && !q.empty) || this.#opening.has(nodeID)
  }

  /** Bytes queued for each node (for status and tests). */
  sizes(): Map<bigint, number> {
    const out = new Map<bigint, number>()
    for (const [id, q] of this.#queues) out.set(id, q.sizeBytes)
    return out
  }

  /** The nodes that have a queue (open or opening). */
  queuedNodes(): bigint[] {
    return [...new Set([...this.#queues.keys(), ...this.#opening.keys()])].sort((a, b) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
  }

  /**
   * Deletes the queue of `nodeID`, a node that left the cluster, with its directory; its entries
   * can never be delivered. Waits for a delivery pass in flight first. Later writes for the node
   * are dropped while it is not in the cluster. Resolves to whether a queue was deleted.
   */
  async removeNode(nodeID: bigint): Promise<boolean> {
    if (this.#status !== 'open') return false
    this.#removed.add(nodeID)
    await this.#opening.get(nodeID)?.catch(() => undefined)
    const queue = this.#queues.get(nodeID)
    if (queue === undefined) return false
    this.#queues.delete(nodeID)
    this.#backoff.delete(nodeID)
    await this.#running
    const bytes = queue.sizeBytes
    await queue.close()
    await rm(queue.dir, { recursive: true, force: true })
    this.#o.logger.info(
      { nodeID: String(nodeID), path: queue.dir, bytes },
      'deleted the hinted-handoff queue of a data node that left the cluster',
    )
    return true
  }

  /** Queues a shard write for `nodeID`; resolves once it is durable on disk. */
  async enqueue(nodeID: bigint, w: Omit<HintedWrite, 'enqueuedAtNs'>): Promise<void> {
    if (this.#status !== 'open') throw new NotOpenError('hinted handoff')
    // A node that left the cluster never takes its writes: queue nothing for it.
    if (this.#removed.has(nodeID)) {
      if (this.#o.nodeAddress(nodeID) === undefined) return
      this.#removed.delete(nodeID)
    }
    const q = await this.#queue(nodeID)
    await q.append({ ...w, enqueuedAtNs: BigInt(Date.now()) * 1_000_000n })
  }

  #schedule(): void {
    if (this.#status !== 'open') return
    this.#timer = setTimeout(
      () => {
        this.#running = this.#drainAll().finally(() => {
          this.#running = undefined
          this.#schedule()
        })
      },
      Math.min(this.#o.retryIntervalMs, 1000),
    )
    this.#timer.unref()
  }

  async #drainAll(): Promise<void> {
    for (const [nodeID, queue] of this.#queues) {
      if (this.#status !== 'open') return
      const b = this.#backoff.get(nodeID)
      if (queue.empty || (b !== undefined && Date.now() < b.untilMs)) continue
      try {
        await this.#drain(nodeID, queue)
        this.#backoff.delete(nodeID)
      } catch (err) {
        const intervalMs = Math.min(
          b === undefined ? this.#o.retryIntervalMs : b.intervalMs * 2,
          this.#o.retryMaxIntervalMs,
        )
        this.#backoff.set(nodeID, { untilMs: Date.now() + intervalMs, intervalMs })
        if (b === undefined)
          this.#o.logger.warn(
            { nodeID: String(nodeID), err: (err as Error).message, bytes: queue.sizeBytes },
            'hinted handoff cannot deliver to its node yet',
          )
      }
    }
  }

  /** Delivers `queue` until it is empty; throws when a delivery fails (the entry stays queued). */
  async #drain(nodeID: bigint, queue: HintedHandoffQueue): Promise<void> {
    let delivered = 0
    try {
      for (;;) {
        if (this.#status !== 'open') return
        const address = this.#o.nodeAddress(nodeID)
        if (address === undefined) throw new Error(`node ${nodeID} is not in the cluster`)
        const item = await queue.next()
        if (item === undefined) break
        const e = item.entry
        await this.#o.send({
          nodeID,
          address,
          shardID: e.shardID,
          database: e.database,
          retentionPolicy: e.retentionPolicy,
          body: e.body,
        })
        queue.ack(item.next)
        if (++delivered % COMMIT_EVERY === 0) await queue.commit()
      }
    } finally {
      await queue.commit()
      if (delivered > 0)
        this.#o.logger.info(
          { nodeID: String(nodeID), entries: delivered },
          'hinted handoff delivered queued writes',
        )
    }
  }

  /** Runs one delivery pass over every queue now (tests and shutdown). */
  async drainNow(): Promise<void> {
    await this.#running
    this.#backoff.clear()
    await this.#drainAll()
  }

  /** Stops the loop, waits for a delivery in progress and closes every queue. Idempotent. */
  async close(): Promise<void> {
    if (this.#status === 'closed') return
    this.#status = 'closed'
    clearTimeout(this.#timer)
    await this.#running
    await Promise.all([...this.#opening.values()].map((p) => p.catch(() => undefined)))
    for (const q of this.#queues.values()) await q.close()
  }
}

// Writing one shard's points to every owner of the shard, under a consistency level, as InfluxDB
// Enterprise's coordinator does:
//
//   level   owners that must acknowledge (n = owners of the shard)
//   any     1, and a write queued in hinted handoff counts
//   one     1 (the default)
//   quorum  floor(n / 2) + 1
//   all     n
//
// The local owner writes to the local store (WAL + fsync); a remote owner gets a node-to-node
// write (shard-writer.ts). A remote owner that cannot be reached, times out or fails with a 5xx
// gets the write in its hinted-handoff queue instead; so does every write for a node whose queue
// is not empty yet, which keeps each node's writes in order ("hinted handoff queue not empty").
// The call resolves as soon as enough owners acknowledged; the others finish in the background
// (and queue on failure). Every acknowledgement counted is durable on that owner.

import { formatPoint, type Point } from '../lineprotocol/index.js'
import { ShardWriteError, WriteConsistencyError } from './errors.js'
import type { HintedWrite } from './hinted-handoff-entry.js'
import type { RemoteWriteResult, ShardWriteRequest } from './shard-writer.js'

/** Write consistency of a `/write` request. */
export type ConsistencyLevel = 'any' | 'one' | 'quorum' | 'all'

/** What one owner reports for the points it stored. */
export interface ShardResult {
  readonly written: number
  readonly dropped: number
  readonly reason: string | undefined
}

/** How a data node reaches the other owners of its shards (wired in src/server). */
export interface ReplicaWriting {
  /** This node's ID in the cluster, once the metadata lists it. */
  localNodeID(): bigint | undefined
  /** A data node's node API address, or undefined when it is not in the cluster. */
  nodeAddress(nodeID: bigint): string | undefined
  /** Sends a shard write to another node (ShardWriter.write). */
  send(r: ShardWriteRequest): Promise<RemoteWriteResult>
  /** The hinted-handoff service; undefined when `[hinted-handoff] enabled` is false. */
  readonly hintedHandoff:
    | {
        pending(nodeID: bigint): boolean
        enqueue(nodeID: bigint, w: Omit<HintedWrite, 'enqueuedAtNs'>): Promise<void>
      }
    | undefined
}

/** One shard's write. */
export interface ReplicaWrite {
  readonly database: string
  readonly retentionPolicy: string
  readonly shardID: bigint
  readonly owners: readonly bigint[]
  readonly points: readonly Point[]
  readonly consistency: ConsistencyLevel
  /** Writes the points to the local store (creating the shard if needed). */
  readonly local: () => Promise<ShardResult>
}

type Outcome =
  | { readonly kind: 'ack'; readonly result: ShardResult }
  | { readonly kind: 'hinted'; readonly error: Error }
  | { readonly kind: 'failed'; readonly error: Error; readonly timeout: boolean }

/** How many owners of `n` must acknowledge at `level`. */
export function requiredAcks(level: ConsistencyLevel, n: number): number {
  switch (level) {
    case 'any':
    case 'one':
      return Math.min(1, n)
    case 'quorum':
      return Math.floor(n / 2) + 1
    case 'all':
      return n
    default: {
      const never: never = level
      return never
    }
  }
}

const utf8 = new TextEncoder()

/** The points as line protocol with ns timestamps. */
export function pointsToLineProtocol(points: readonly Point[]): Uint8Array {
  let text = ''
  for (const p of points) text += formatPoint(p) + '\n'
  return utf8.encode(text)
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

/**
 * Writes `w.points` to the owners of shard `w.shardID`. Resolves with the first acknowledging
 * owner's result once `w.consistency` is met; throws WriteConsistencyError when it cannot be.
 */
export function writeReplicas(cluster: ReplicaWriting, w: ReplicaWrite): Promise<ShardResult> {
  const self = cluster.localNodeID()
  const hh = cluster.hintedHandoff
  let body: Uint8Array | undefined
  const lineProtocol = (): Uint8Array => (body ??= pointsToLineProtocol(w.points))

  const hint = async (nodeID: bigint, error: Error): Promise<Outcome> => {
    if (hh === undefined) return { kind: 'failed', error, timeout: isTimeout(error) }
    try {
      await hh.enqueue(nodeID, {
        shardID: w.shardID,
        database: w.database,
        retentionPolicy: w.retentionPolicy,
        body: lineProtocol(),
      })
      return { kind: 'hinted', error }
    } catch (err) {
      return { kind: 'failed', error: asError(err), timeout: isTimeout(error) }
    }
  }

  const toOwner = async (nodeID: bigint): Promise<Outcome> => {
    if (nodeID === self) {
      try {
        return { kind: 'ack', result: await w.local() }
      } catch (err) {
        return { kind: 'failed', error: asError(err), timeout: false }
      }
    }
    const address = cluster.nodeAddress(nodeID)
    if (address === undefined) return hint(nodeID, new Error(`data node ${nodeID} not found`))
    if (hh?.pending(nodeID) === true)
      return hint(nodeID, new Error('hinted handoff queue not empty'))
    try {
      const r = await cluster.send({
        nodeID,
        address,
        shardID: w.shardID,
        database: w.database,
        retentionPolicy: w.retentionPolicy,
        body: lineProtocol(),
      })
      return {
        kind: 'ack',
        result: r.written < 0 ? { written: w.points.length, dropped: 0, reason: undefined } : r,
      }
    } catch (err) {
      if (err instanceof ShardWriteError && err.retryable) return hint(nodeID, err)
      return { kind: 'failed', error: asError(err), timeout: false }
    }
  }

  const n = w.owners.length
  const required = requiredAcks(w.consistency, n)
  return new Promise((resolve, reject) => {
    const outcomes: Outcome[] = []
    let first: ShardResult | undefined
    let done = false
    for (const nodeID of w.owners) {
      void toOwner(nodeID).then((o) => {
        outcomes.push(o)
        if (o.kind === 'ack') first ??= o.result
        if (done) return
        const acked = outcomes.filter(
          (x) => x.kind === 'ack' || (x.kind === 'hinted' && w.consistency === 'any'),
        ).length
        if (acked >= required) {
          done = true
          return resolve(first ?? { written: w.points.length, dropped: 0, reason: undefined })
        }
        if (outcomes.length < n) return
        done = true
        const errors = outcomes.flatMap((x) => (x.kind === 'ack' ? [] : [x]))
        const fields = {
          shardID: w.shardID,
          consistency: w.consistency,
          required,
          acknowledged: acked,
        }
        const timedOut = errors.some((x) => (x.kind === 'failed' ? x.timeout : isTimeout(x.error)))
        const failure = timedOut ? 'timeout' : acked > 0 ? 'partial' : 'failed'
        reject(new WriteConsistencyError(failure, errors[0]?.error.message ?? 'no owner', fields))
      })
    }
  })
}

function isTimeout(err: Error): boolean {
  return err instanceof ShardWriteError && err.code === 'ERR_CLUSTER_SHARD_WRITE_TIMEOUT'
}

// A cluster restore ships every restored shard to all its owners. The data node that took the
// upload (the coordinator) has each archive extracted and checked in its staging directory; for
// every owner that is another node it streams the shard's files as a tar (entries
// `<db>/<rp>/<newid>/<file>`) to that node's PUT /shards/<id>/replica, which extracts and checks it
// again into a temp directory. Only when every replica is staged everywhere are they moved into
// place (POST /shards/replicas/install, under each node's restore journal); then the coordinator
// installs its own shards and saves the metadata, last. Any failure before that aborts every node
// (POST /shards/replicas/abort), so no node keeps a half-restored database; `done` forgets the
// journals once the metadata is saved.

import { mkdir, stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { MetaData } from '../meta/index.js'
import { RestoreFailedError } from './errors.js'
import type { PreparedArchive } from './restore-installer.js'
import type { PlannedShard, RestorePlan } from './restore-planner.js'
import { extractShardArchive } from './shard-extract.js'
import { tarStream, type TarFile } from './tar-writer.js'

/** Where and how the coordinator reaches the other data nodes. */
export interface ReplicaShipping {
  /** The coordinator's own data node ID. */
  readonly selfID: bigint
  /** The restore's token (the other nodes stage replicas under it). */
  readonly token: string
  /** The Authorization header the restore came with (the other nodes check it too). */
  readonly authorization?: string
  /** A directory of the coordinator where archives not yet extracted are extracted for shipping. */
  readonly stagingDir: string
  /** Archives already extracted and checked, by archive path (new ones are added). */
  readonly prepared: Map<string, PreparedArchive>
}

/** What was shipped: the nodes holding staged replicas, and each shard's time and size. */
export interface ShippedReplicas {
  readonly nodes: readonly string[]
  readonly shards: ReadonlyMap<bigint, { readonly tarSize: number; readonly ms: number }>
}

/** The owners of shard `id` in `meta`. */
export function shardOwnersIn(meta: MetaData, id: bigint): readonly bigint[] {
  for (const db of meta.databases)
    for (const rp of db.retentionPolicies)
      for (const g of rp.shardGroups) {
        const s = g.shards.find((x) => x.id === id)
        if (s !== undefined) return s.owners
      }
  return []
}

/** Whether the coordinator `selfID` keeps a copy of shard `id` (a shard without owners: yes). */
export function ownsLocally(meta: MetaData, id: bigint, selfID: bigint | undefined): boolean {
  const owners = shardOwnersIn(meta, id)
  return selfID === undefined || owners.length === 0 || owners.includes(selfID)
}

function send(
  node: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Readable | string,
): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(`http://${node}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      )
      res.on('error', fail)
    })
    req.setTimeout(60_000, () => req.destroy(new Error('no answer for 60s')))
    req.on('error', (err) =>
      fail(new Error(`cannot reach the data node at ${node}: ${err.message}`)),
    )
    if (typeof body === 'string') req.end(body)
    else pipeline(body, req).catch((err: unknown) => req.destroy(err as Error))
  })
}

function reason(text: string): string {
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text.trim()
  } catch {
    return text.trim()
  }
}

/** The checked, extracted copy of planned shard `s` (extracting it now if the upload did not). */
async function extracted(s: PlannedShard, ship: ReplicaShipping): Promise<PreparedArchive> {
  const ready = ship.prepared.get(s.source.path)
  const e = s.source.entry
  if (
    ready !== undefined &&
    ready.location.shardID === s.location.shardID &&
    ready.tarSize === e.size &&
    (e.sha256 === undefined || ready.sha256 === e.sha256)
  )
    return ready
  const t0 = performance.now()
  const dir = join(ship.stagingDir, `.ship-${s.newID}`)
  await mkdir(dir, { recursive: true })
  const x = await extractShardArchive(s.source.path, dir, {
    location: s.location,
    expectedSize: e.size,
    ...(e.sha256 !== undefined ? { expectedSha256: e.sha256 } : {}),
    applyTombstones: true,
    durable: true,
  })
  const p: PreparedArchive = { ...x, location: s.location, ms: performance.now() - t0 }
  ship.prepared.set(s.source.path, p)
  return p
}

async function* tarOf(s: PlannedShard, x: PreparedArchive): AsyncGenerator<TarFile> {
  for (const name of x.tsmFiles) {
    const source = join(x.dir, name)
    const st = await stat(source)
    yield {
      name: `${s.database}/${s.retentionPolicy}/${s.newID}/${name}`,
      source,
      size: st.size,
      mtime: st.mtime,
    }
  }
}

/**
 * Stages every planned shard on each of its owners other than the coordinator, then installs
 * them there. On failure every node touched is aborted and a RestoreFailedError is thrown.
 */
export async function shipReplicas(
  plan: RestorePlan,
  addresses: ReadonlyMap<bigint, string>,
  ship: ReplicaShipping,
): Promise<ShippedReplicas> {
  const nodes = new Set<string>()
  const shards = new Map<bigint, { tarSize: number; ms: number }>()
  const auth: Record<string, string> =
    ship.authorization === undefined ? {} : { Authorization: ship.authorization }
  try {
    for (const s of plan.shards) {
      const others = shardOwnersIn(plan.meta, s.newID).filter((o) => o !== ship.selfID)
      if (others.length === 0) continue
      const x = await extracted(s, ship)
      const t0 = performance.now()
      for (const owner of others) {
        const node = addresses.get(owner)
        if (node === undefined)
          throw new Error(`data node ${owner}, an owner of shard ${s.newID}, has no address`)
        nodes.add(node)
        const q = new URLSearchParams({
          token: ship.token,
          db: s.database,
          rp: s.retentionPolicy,
        })
        const r = await send(
          node,
          'PUT',
          `/shards/${s.newID}/replica?${q}`,
          { ...auth, 'Content-Type': 'application/x-tar' },
          Readable.from(tarStream(tarOf(s, x))),
        )
        if (r.status !== 200)
          throw new Error(`data node ${node} refused shard ${s.newID}: ${reason(r.text)}`)
      }
      shards.set(s.newID, { tarSize: x.tarSize, ms: x.ms + performance.now() - t0 })
    }
    await finishReplicas([...nodes], 'install', ship)
    return { nodes: [...nodes], shards }
  } catch (err) {
    await finishReplicas([...nodes], 'abort', ship).catch(() => undefined)
    throw new RestoreFailedError(
      `restore failed and was rolled back on every node: ${(err as Error).message}`,
      {},
      err,
    )
  }
}

/** Asks each node to install, abort or forget (`done`) the replicas staged under the token. */
export async function finishReplicas(
  nodes: readonly string[],
  op: 'install' | 'abort' | 'done',
  ship: Pick<ReplicaShipping, 'token' | 'authorization'>,
): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...(ship.authorization === undefined ? {} : { Authorization: ship.authorization }),
  }
  const results = await Promise.allSettled(
    nodes.map(async (node) => {
      const r = await send(
        node,
        'POST',
        `/shards/replicas/${op}`,
        headers,
        JSON.stringify({ token: ship.token }),
      )
      if (r.status !== 200)
        throw new Error(`data node ${node} could not ${op} the replicas: ${reason(r.text)}`)
    }),
  )
  for (const r of results) if (r.status === 'rejected') throw r.reason
}

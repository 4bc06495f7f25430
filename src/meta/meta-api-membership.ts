// The cluster membership commands of the meta API (what `tidemark-ctl add-data`, `remove-data`,
// `update-data`, `add-meta` and `remove-meta` ask a meta node for). Each takes the request's JSON
// and answers with an HTTP status and a JSON body — `{"error": "..."}` with a one-line reason on
// failure — so meta-api-server.ts only routes. Data nodes are named by their TCP (node API)
// address, meta nodes by their meta API address, as influxd-ctl names them.

import { NodeExistsError, NodeNotFoundError } from './errors.js'
import type { MetaClient } from './meta-client.js'
import type { MetaData } from './meta-data.js'
import { RemoteMetaStore } from './remote-meta-store.js'
import type { NodeInfo, ShardInfo } from './types.js'

/** An answer of a membership command: the status and the JSON body. */
export interface MembershipAnswer {
  readonly status: number
  readonly body: Readonly<Record<string, unknown>>
}

/** What the meta API needs from the rest of the node to run membership commands. */
export interface ClusterMembership {
  /**
   * Asks the data node whose node API is at `tcpAddr` to join the cluster whose meta nodes are
   * `metaAddresses`. Resolves to the data node's HTTP API address; rejects with a one-line reason
   * when it cannot be reached or refuses (e.g. it belongs to another cluster).
   */
  joinDataNode(tcpAddr: string, metaAddresses: readonly string[]): Promise<{ httpAddr: string }>
  /** The `Authorization` header of requests to other meta nodes (add-meta's check), if any. */
  authorization(): string | undefined
  /** This meta node's own meta API address, given to data nodes when no meta node is registered. */
  selfAddress(): string
}

const ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/

function fail(status: number, error: string): MembershipAnswer {
  return { status, body: { error } }
}

function ok(node: NodeInfo): MembershipAnswer {
  return { status: 200, body: { id: Number(node.id), httpAddr: node.host, tcpAddr: node.tcpHost } }
}

/** Reads a `host:port` string field of a request body; undefined when missing or malformed. */
function address(body: unknown, field: string): string | undefined {
  const v = (body as Record<string, unknown> | null)?.[field]
  return typeof v === 'string' && ADDRESS.test(v) ? v : undefined
}

function badAddress(field: string): MembershipAnswer {
  return fail(400, `${field} must be host:port`)
}

/** The IDs of the shards `id` owns, in live shard groups. */
function ownedShards(data: MetaData, id: bigint): bigint[] {
  const out: bigint[] = []
  for (const db of data.databases)
    for (const rp of db.retentionPolicies)
      for (const g of rp.shardGroups)
        if (g.deletedAtNs === 0n)
          for (const s of g.shards) if (s.owners.includes(id)) out.push(s.id)
  return out
}

/** `data` with every shard replaced by what `change` makes of it. */
export function mapShards(data: MetaData, change: (s: ShardInfo) => ShardInfo): MetaData {
  return data.with({
    databases: data.databases.map((db) => ({
      ...db,
      retentionPolicies: db.retentionPolicies.map((rp) => ({
        ...rp,
        shardGroups: rp.shardGroups.map((g) => ({ ...g, shards: g.shards.map(change) })),
      })),
    })),
  })
}

/** `data` with `id` removed from every shard's owners. */
function withoutOwner(data: MetaData, id: bigint): MetaData {
  return mapShards(data, (s) =>
    s.owners.includes(id) ? { ...s, owners: s.owners.filter((o) => o !== id) } : s,
  )
}

/** `add-data {"addr"}`: the data node joins (its node API is called), then is registered. */
export async function addDataNode(
  meta: MetaClient,
  cluster: ClusterMembership,
  body: unknown,
): Promise<MembershipAnswer> {
  const addr = address(body, 'addr')
  if (addr === undefined) return badAddress('addr')
  const member = meta.data.dataNodes.find((n) => n.tcpHost === addr)
  if (member !== undefined)
    return fail(409, `data node ${addr} is already a member of the cluster (ID ${member.id})`)
  const metaNodes = meta.data.metaNodes.map((n) => n.host)
  let joined: { httpAddr: string }
  try {
    joined = await cluster.joinDataNode(
      addr,
      metaNodes.length > 0 ? metaNodes : [cluster.selfAddress()],
    )
  } catch (err) {
    return fail(502, `cannot add data node ${addr}: ${(err as Error).message}`)
  }
  try {
    const data = await meta.update((d) => d.createDataNode(joined.httpAddr, addr))
    const node = data.dataNodes.find((n) => n.tcpHost === addr)
    return node === undefined ? fail(500, `data node ${addr} vanished`) : ok(node)
  } catch (err) {
    if (err instanceof NodeExistsError)
      return fail(409, `data node ${addr} is already a member of the cluster`)
    throw err
  }
}

/** `remove-data {"addr", "force"}`: refused for a node owning shards unless forced. */
export async function removeDataNode(meta: MetaClient, body: unknown): Promise<MembershipAnswer> {
  const addr = address(body, 'addr')
  if (addr === undefined) return badAddress('addr')
  const force = (body as { force?: unknown }).force === true
  const node = meta.data.dataNodes.find((n) => n.tcpHost === addr)
  if (node === undefined) return fail(404, `data node ${addr} is not a member of the cluster`)
  const shards = ownedShards(meta.data, node.id)
  if (shards.length > 0 && !force)
    return fail(
      409,
      `data node ${addr} owns ${shards.length} shard(s) (${shards.join(', ')}): ` +
        'move them first, or remove it with -force',
    )
  try {
    await meta.update((d) => {
      const n = d.dataNodes.find((x) => x.tcpHost === addr)
      if (n === undefined) throw new NodeNotFoundError(node.id)
      return (force ? withoutOwner(d, n.id) : d).deleteDataNode(n.id)
    })
  } catch (err) {
    if (err instanceof NodeNotFoundError)
      return fail(404, `data node ${addr} is not a member of the cluster`)
    throw err
  }
  return ok(node)
}

/** `update-data {"old", "new"}`: changes a data node's TCP address. */
export async function updateDataNode(meta: MetaClient, body: unknown): Promise<MembershipAnswer> {
  const from = address(body, 'old')
  const to = address(body, 'new')
  if (from === undefined) return badAddress('old')
  if (to === undefined) return badAddress('new')
  let updated: NodeInfo | undefined
  let answer: MembershipAnswer | undefined
  await meta.update((d) => {
    updated = undefined
    answer = undefined
    const node = d.dataNodes.find((n) => n.tcpHost === from)
    if (node === undefined) {
      answer = fail(404, `data node ${from} is not a member of the cluster`)
      return d
    }
    if (from === to) {
      updated = node
      return d
    }
    if (d.dataNodes.some((n) => n.tcpHost === to)) {
      answer = fail(409, `another data node already has the address ${to}`)
      return d
    }
    updated = { ...node, tcpHost: to }
    const next = updated
    return d.with({ dataNodes: d.dataNodes.map((n) => (n.id === node.id ? next : n)) })
  })
  if (answer !== undefined) return answer
  return updated === undefined ? fail(500, 'update-data changed nothing') : ok(updated)
}

/**
 * `add-meta {"addr"}`: registers a meta node that shares this one's metastore (same etcd, so the
 * same cluster ID). Meta nodes register themselves when they start, so this is idempotent.
 */
export async function addMetaNode(
  meta: MetaClient,
  cluster: ClusterMembership,
  body: unknown,
): Promise<MembershipAnswer> {
  const addr = address(body, 'addr')
  if (addr === undefined) return badAddress('addr')
  const probe = new RemoteMetaStore({
    addresses: [addr],
    authorization: () => cluster.authorization(),
    requestTimeoutMs: 3000,
  })
  let theirs: MetaData
  try {
    theirs = await probe.load()
  } catch (err) {
    return fail(502, `cannot reach the meta node at ${addr}: ${(err as Error).message}`)
  } finally {
    await probe.close()
  }
  if (theirs.clusterID !== meta.data.clusterID)
    return fail(
      409,
      `meta node ${addr} belongs to another cluster (cluster ID ${theirs.clusterID}, ours ` +
        `${meta.data.clusterID}): meta nodes of one cluster share one etcd ([meta] etcd-endpoints)`,
    )
  const data = await meta.update((d) =>
    d.metaNodes.some((n) => n.host === addr) ? d : d.createMetaNode(addr, addr),
  )
  const node = data.metaNodes.find((n) => n.host === addr)
  return node === undefined ? fail(500, `meta node ${addr} vanished`) : ok(node)
}

/** `remove-meta {"addr"}`: unregisters a meta node; the last one cannot be removed. */
export async function removeMetaNode(meta: MetaClient, body: unknown): Promise<MembershipAnswer> {
  const addr = address(body, 'addr')
  if (addr === undefined) return badAddress('addr')
  const node = meta.data.metaNodes.find((n) => n.host === addr)
  if (node === undefined) return fail(404, `meta node ${addr} is not a member of the cluster`)
  if (meta.data.metaNodes.length === 1)
    return fail(409, `meta node ${addr} is the last meta node of the cluster`)
  try {
    await meta.update((d) => {
      const n = d.metaNodes.find((x) => x.host === addr)
      if (n === undefined) throw new NodeNotFoundError(node.id)
      return d.deleteMetaNode(n.id)
    })
  } catch (err) {
    if (err instanceof NodeNotFoundError)
      return fail(404, `meta node ${addr} is not a member of the cluster`)
    throw err
  }
  return ok(node)
}

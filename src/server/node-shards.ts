// The node API's shard endpoints, for tidemark-ctl's shard commands and for a cluster restore:
//
//   POST /shards/<id>/copy {source}      copy-shard: this node pulls the shard's archive from the
//                                        source node (GET /shards/<id>/archive, the caller's
//                                        credentials), checks it as it extracts, opens it, then
//                                        adds itself to the shard's owners (undone on failure)
//   POST /shards/<id>/remove             remove-shard: drops this node from the owners, then the data
//   POST /shards/truncate {delayMs}      truncate-shards: ends the current shard groups at now+delay
//   PUT  /shards/<id>/replica?token&db&rp a restored shard's tar (entries <db>/<rp>/<id>/…) that
//                                        this node owns: extracted and checked into a temp directory
//   POST /shards/replicas/{install,abort,done} {token}
//                                        moves the staged replicas into place under a restore journal
//                                        (start-up recovery drops them if the metadata never names
//                                        them), removes them again, or forgets the journal once the
//                                        coordinator saved the metadata.
// Errors answer {error}: 404 for an unknown shard, 400 for a refused request, 500 otherwise.

import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import {
  extractShardArchive,
  removeRestoreJournal,
  writeRestoreJournal,
  type ArchiveLocation,
} from '../backup/index.js'
import type { MetaClient, MetaData } from '../meta/index.js'
import type { Store } from '../store/index.js'
import { fsyncDir } from '../util/index.js'

/** The paths this file serves. */
export const SHARD_OP_PATH =
  /^\/shards\/(?:(\d{1,15})\/(copy|remove|replica)|(truncate|replicas\/install|replicas\/abort|replicas\/done))$/

/** What the shard endpoints need of the node. */
export interface ShardOpContext {
  readonly store: Store
  readonly meta: MetaClient
  /** This node's node API address (its tcpHost in the metastore); '' on a single node. */
  readonly self: string
}

/** A refused shard request, with its HTTP status. */
export class ShardOpError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

interface LocatedShard extends ArchiveLocation {
  readonly owners: readonly bigint[]
}

/** Where shard `id` lives in the metastore, or undefined. */
export function locateShardOwners(data: MetaData, id: bigint): LocatedShard | undefined {
  for (const db of data.databases)
    for (const rp of db.retentionPolicies)
      for (const g of rp.shardGroups) {
        if (g.deletedAtNs !== 0n) continue
        const s = g.shards.find((x) => x.id === id)
        if (s !== undefined)
          return { database: db.name, retentionPolicy: rp.name, shardID: id, owners: s.owners }
      }
  return undefined
}

/** `data` with shard `id`'s owners changed by `change`. */
function withOwners(
  data: MetaData,
  id: bigint,
  change: (owners: readonly bigint[]) => bigint[],
): MetaData {
  return data.with({
    databases: data.databases.map((db) => ({
      ...db,
      retentionPolicies: db.retentionPolicies.map((rp) => ({
        ...rp,
        shardGroups: rp.shardGroups.map((g) =>
          g.shards.some((s) => s.id === id)
            ? {
                ...g,
                shards: g.shards.map((s) => (s.id === id ? { ...s, owners: change(s.owners) } : s)),
              }
            : g,
        ),
      })),
    })),
  })
}

function selfID(ctx: ShardOpContext): bigint {
  const n = ctx.meta.data.dataNodes.find((d) => d.tcpHost === ctx.self)
  if (n === undefined)
    throw new ShardOpError(
      400,
      `this node (${ctx.self || 'single node'}) is not a data node of a cluster`,
    )
  return n.id
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

async function readJSON(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>
  } catch {
    // refused below
  }
  throw new ShardOpError(400, 'the request body must be a JSON object')
}

/**
 * Extracts a shard archive arriving on `body` (gzip or tar) into a temp directory of the shard's
 * RP directory, checks it completely, moves it into place and opens it. Any failure removes what
 * it created. Resolves to the directories it created (for a later rollback).
 */
async function stageShard(
  store: Store,
  loc: ArchiveLocation,
  label: string,
  body: IncomingMessage,
  form: 'gzip' | 'tar',
): Promise<{ tmp: string; created: string[] }> {
  const created: string[] = []
  const rpDir = join(store.config.dataDir, loc.database, loc.retentionPolicy)
  for (const d of [join(store.config.dataDir, loc.database), rpDir])
    if (!(await exists(d))) {
      await mkdir(d)
      created.push(d)
    }
  const tmp = join(rpDir, `.${loc.shardID}.replica.tmp`)
  await rm(tmp, { recursive: true, force: true })
  await mkdir(tmp)
  try {
    await extractShardArchive(label, tmp, {
      location: loc,
      applyTombstones: true,
      durable: true,
      source: { bytes: body, form },
    })
    return { tmp, created }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    for (const d of created.reverse()) await rm(d, { recursive: true, force: true })
    throw err
  }
}

/** Moves a staged shard into place and opens it. */
async function installStaged(store: Store, loc: ArchiveLocation, tmp: string): Promise<void> {
  const rpDir = join(store.config.dataDir, loc.database, loc.retentionPolicy)
  const final = join(rpDir, String(loc.shardID))
  if (store.shard(Number(loc.shardID)) !== undefined || (await exists(final)))
    throw new ShardOpError(409, `shard ${loc.shardID} already exists on this node`)
  await rename(tmp, final)
  await fsyncDir(rpDir)
  await store.createShard(loc.database, loc.retentionPolicy, Number(loc.shardID))
}

/** GET of a shard archive from another data node, with the caller's credentials. */
function fetchArchive(
  source: string,
  id: bigint,
  auth: string | undefined,
): Promise<IncomingMessage> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      `http://${source}/shards/${id}/archive`,
      { headers: auth === undefined ? {} : { Authorization: auth }, agent: false },
      done,
    )
    req.setTimeout(30_000, () => req.destroy(new Error('no answer for 30s')))
    req.on('error', (err) =>
      fail(new ShardOpError(502, `cannot reach the data node at ${source}: ${err.message}`)),
    )
    req.end()
  })
}

async function copyShard(ctx: ShardOpContext, id: bigint, req: IncomingMessage): Promise<unknown> {
  const body = await readJSON(req)
  const source = body['source']
  if (typeof source !== 'string' || !/^\S+:\d{1,5}$/.test(source))
    throw new ShardOpError(400, 'copy needs the source data node as host:port')
  const me = selfID(ctx)
  const loc = locateShardOwners(ctx.meta.data, id)
  if (loc === undefined) throw new ShardOpError(404, `shard ${id} not found`)
  if (loc.owners.includes(me) && ctx.store.shard(Number(id)) !== undefined)
    throw new ShardOpError(409, `shard ${id} already exists on ${ctx.self}`)
  const res = await fetchArchive(source, id, req.headers.authorization)
  if (res.statusCode !== 200) {
    res.resume()
    throw new ShardOpError(
      res.statusCode === 404 ? 404 : 502,
      `shard ${id}: the source ${source} answered ${res.statusCode ?? 0}`,
    )
  }
  // Pinned until the metadata names this node as an owner, so cleanup leaves the copy alone.
  const unpin = ctx.store.pins.pin({ ...loc, id: Number(id) })
  try {
    const { tmp, created } = await stageShard(ctx.store, loc, `${source} shard ${id}`, res, 'gzip')
    try {
      if (!res.complete || typeof res.trailers['x-archive-crc32'] !== 'string')
        throw new ShardOpError(502, `shard ${id}: the archive from ${source} was cut off`)
      await installStaged(ctx.store, loc, tmp)
      try {
        await ctx.meta.update((d) =>
          withOwners(d, id, (o) => (o.includes(me) ? [...o] : [...o, me])),
        )
      } catch (err) {
        await ctx.store.deleteShard(Number(id))
        throw err
      }
    } catch (err) {
      await rm(tmp, { recursive: true, force: true })
      for (const d of created.reverse()) await rm(d, { recursive: true, force: true })
      throw err
    }
  } finally {
    unpin()
  }
  return { shard: String(id), source, destination: ctx.self }
}

async function removeShard(
  ctx: ShardOpContext,
  id: bigint,
  req: IncomingMessage,
): Promise<unknown> {
  req.resume()
  const me = selfID(ctx)
  const loc = locateShardOwners(ctx.meta.data, id)
  if (loc === undefined) throw new ShardOpError(404, `shard ${id} not found`)
  if (!loc.owners.includes(me) && ctx.store.shard(Number(id)) === undefined)
    throw new ShardOpError(400, `shard ${id} is not on ${ctx.self}`)
  await ctx.meta.update((d) => withOwners(d, id, (o) => o.filter((x) => x !== me)))
  await ctx.store.deleteShard(Number(id))
  return { shard: String(id), node: ctx.self }
}

/** Replicas of a cluster restore staged on this node, by restore token. */
interface StagedRestore {
  readonly staged: { loc: ArchiveLocation; tmp: string }[]
  readonly created: string[]
  readonly installed: number[]
  /** Releases the pins of the staged shards (held until the coordinator is done or aborts). */
  readonly unpins: (() => void)[]
  journal?: string
}

/** Forgets a staged restore: its pins are released. */
function forgetRestore(token: string): StagedRestore | undefined {
  const r = restores.get(token)
  restores.delete(token)
  for (const unpin of r?.unpins ?? []) unpin()
  return r
}
const restores = new Map<string, StagedRestore>()

function tokenOf(v: unknown): string {
  if (typeof v !== 'string' || !/^[a-f0-9]{8,64}$/.test(v))
    throw new ShardOpError(400, 'invalid restore token')
  return v
}

async function abortRestore(ctx: ShardOpContext, token: string): Promise<void> {
  const r = restores.get(token)
  restores.delete(token)
  if (r === undefined) return
  for (const id of r.installed.reverse()) await ctx.store.deleteShard(id).catch(() => undefined)
  for (const s of r.staged) await rm(s.tmp, { recursive: true, force: true })
  for (const d of r.created.reverse()) await rm(d, { recursive: true, force: true })
  if (r.journal !== undefined) await removeRestoreJournal(r.journal).catch(() => undefined)
  for (const unpin of r.unpins) unpin()
}

async function stageReplica(
  ctx: ShardOpContext,
  id: bigint,
  url: URL,
  req: IncomingMessage,
): Promise<unknown> {
  const token = tokenOf(url.searchParams.get('token'))
  const database = url.searchParams.get('db') ?? ''
  const retentionPolicy = url.searchParams.get('rp') ?? ''
  if (database === '' || retentionPolicy === '' || /[/\\]|^\.\.?$/.test(database + retentionPolicy))
    throw new ShardOpError(400, 'a replica needs its database and retention policy')
  const loc = { database, retentionPolicy, shardID: id }
  const r = restores.get(token) ?? { staged: [], created: [], installed: [], unpins: [] }
  restores.set(token, r)
  r.unpins.push(ctx.store.pins.pin({ database, retentionPolicy, id: Number(id) }))
  const { tmp, created } = await stageShard(ctx.store, loc, `replica of shard ${id}`, req, 'tar')
  r.staged.push({ loc, tmp })
  r.created.push(...created)
  return { shard: String(id) }
}

async function installReplicas(ctx: ShardOpContext, token: string): Promise<unknown> {
  const r = restores.get(token)
  if (r === undefined) return { installed: 0 }
  try {
    r.journal = await writeRestoreJournal(
      ctx.store.config.dataDir,
      token,
      r.staged.map((s) => ({
        database: s.loc.database,
        retentionPolicy: s.loc.retentionPolicy,
        id: Number(s.loc.shardID),
      })),
    )
    for (const s of r.staged) {
      await installStaged(ctx.store, s.loc, s.tmp)
      r.installed.push(Number(s.loc.shardID))
    }
  } catch (err) {
    await abortRestore(ctx, token)
    throw err
  }
  return { installed: r.installed.length }
}

/** Serves one shard endpoint (the path matched {@link SHARD_OP_PATH}); answers with `send`. */
export async function serveShardOp(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ShardOpContext,
  send: (res: ServerResponse, status: number, body: unknown) => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://node')
  const m = SHARD_OP_PATH.exec(url.pathname)
  try {
    if (m === null) throw new ShardOpError(404, `not found: ${url.pathname}`)
    const id = m[1] === undefined ? 0n : BigInt(m[1])
    const op = m[2] ?? m[3] ?? ''
    const want = op === 'replica' ? 'PUT' : 'POST'
    if (req.method !== want) throw new ShardOpError(405, 'method not allowed')
    switch (op) {
      case 'copy':
        return send(res, 200, await copyShard(ctx, id, req))
      case 'remove':
        return send(res, 200, await removeShard(ctx, id, req))
      case 'replica':
        return send(res, 200, await stageReplica(ctx, id, url, req))
      case 'truncate': {
        const delay = Number((await readJSON(req))['delayMs'] ?? 0)
        if (!Number.isFinite(delay) || delay < 0) throw new ShardOpError(400, 'invalid delayMs')
        const at = BigInt(Date.now() + Math.round(delay)) * 1_000_000n
        await ctx.meta.update((d) => d.truncateShardGroups(at))
        return send(res, 200, { truncatedAt: String(at) })
      }
      default: {
        const token = tokenOf((await readJSON(req))['token'])
        if (op === 'replicas/install') return send(res, 200, await installReplicas(ctx, token))
        if (op === 'replicas/abort') await abortRestore(ctx, token)
        else {
          const r = forgetRestore(token)
          if (r?.journal !== undefined) await removeRestoreJournal(r.journal)
        }
        return send(res, 200, {})
      }
    }
  } catch (err) {
    if (!req.readableEnded) req.resume()
    const status = err instanceof ShardOpError ? err.status : 500
    return send(res, status, { error: (err as Error).message })
  }
}

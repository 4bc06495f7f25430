// The restore side of the node API. `tidemark-ctl restore` uploads the files of a backup set into a
// staging directory inside the data directory (archives are extracted and checked as they arrive),
// then asks for a commit: the node plans against the
// live metastore (new shard IDs, -db/-newdb/-rp/-newrp/-shard/-newrf) and installs the shards
// atomically, checking every archive as it extracts it (metadata saved last; any failure removes
// everything the restore created). The staging directory is always removed afterwards.
//
//   PUT  /restore/<token>/<file>   the body is one file of the set (manifest, .meta, .tar.gz);
//                                  with Content-Type application/x-tar, an archive's tar (the
//                                  client inflated it) plus a sha256 trailer; 400 {error, code}
//                                  names the client's file when the archive is refused
//   POST /restore/<token>/plan     JSON RestoreOptions + "archives": the archive names the client
//                                  has; 200 JSON {archives}: the ones the restore installs (the
//                                  client uploads only those), or 4xx {error} for a refusal
//   POST /restore/<token>/commit   JSON RestoreOptions (+ "manifest": a file name, for -full);
//                                  200 JSON {metaMs, mapped, shards: [...]}, or 4xx/5xx {error}
//   DELETE /restore/<token>        drops an abandoned staging directory; uploads for it that
//                                  arrive later are refused (400)
// In a cluster the commit ships each restored shard to its other owners first (restore-replicas.ts:
// staged and checked there, installed there only when all are staged, aborted everywhere on any
// failure), then installs this node's own shards and saves the metadata, last.

import { Buffer } from 'node:buffer'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { basename, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  ARCHIVE_BYTES_TRAILER,
  ARCHIVE_PATH_HEADER,
  ARCHIVE_SHA256_TRAILER,
  archiveLocation,
  BackupChecksumError,
  TAR_CONTENT_TYPE,
  extractShardArchive,
  finishReplicas,
  installShards,
  ownsLocally,
  shardOwnersIn,
  shipReplicas,
  planRestore,
  readBackupMeta,
  readBackupSet,
  type ArchiveLocation,
  type BackupMeta,
  type BackupSet,
  type BackupSetShard,
  type PreparedArchive,
  type RestoreOptions,
  type RestoreResult,
  type BackupWarning,
  warningPlace,
} from '../backup/index.js'
import type { MetaClient } from '../meta/index.js'
import type { Store } from '../store/index.js'
import { chunksOf } from '../util/index.js'

const TOKEN = /^[a-f0-9]{8,64}$/
/**
 * Whether `name` may name a file of the staging directory: one path component of at most 255
 * bytes, not hidden (the directory's own work files start with a dot), no control characters.
 * A backup's file names are the user's (influxd names them <ts>.s<id>.tar.gz, but a set may be
 * renamed); the manifest decoder refuses names with a directory.
 */
function isFileName(name: string): boolean {
  return (
    name !== '' &&
    !name.startsWith('.') &&
    Buffer.byteLength(name) <= 255 &&
    !/[/\\\u0000-\u001f\u007f]/.test(name)
  )
}

/** A request the restore endpoints refuse (bad token, file name or options): HTTP 400. */
export class RestoreRequestError extends Error {}

/** What a commit did, for the CLI's output lines. */
export interface RestoreCommitResult {
  readonly metaMs: number
  readonly mapped: number
  /** database and retentionPolicy: where the shard was in the backup, as the seed's lines name it. */
  readonly shards: readonly {
    sourceID: string
    newID: string
    database: string
    retentionPolicy: string
    tarSize: number
    ms: number
    /** The data nodes (TCP addresses) the shard was copied to; empty on a single node. */
    owners: string[]
  }[]
  /** What the restore tolerated but reports (an archive entry ignored, a tombstone orphaned). */
  readonly warnings: readonly RestoreWarningText[]
}

/** The name of a restore's staging directory before its token. */
const STAGING_PREFIX = '.restore-staging-'

/** The staging directory of an upload token, inside the data directory (skipped by the store's scan). */
export function stagingDir(dataDir: string, token: string): string {
  if (!TOKEN.test(token))
    throw new RestoreRequestError(`invalid restore token ${JSON.stringify(token)}`)
  return join(dataDir, `${STAGING_PREFIX}${token}`)
}

/** Archives extracted while they were uploaded, by staged archive path (dropped at commit or abandon). */
const prepared = new Map<string, PreparedArchive>()

function forget(dir: string): void {
  for (const path of prepared.keys()) if (path.startsWith(`${dir}/`)) prepared.delete(path)
  metas.delete(dir)
  archiveIndexes.delete(dir)
}

/** The staged set's archive entries by file name, read once per staging directory. */
interface ArchiveIndex {
  readonly set: BackupSet
  readonly byName: ReadonlyMap<string, BackupSetShard>
}

/**
 * Staged sets' archive indexes, by staging directory: an archive upload looks its name up here
 * instead of reading the staged manifests again (and stat'ing every archive they list), which
 * made a restore of n shards read n manifests of n entries (300 shards: ~1.2 s of the node's CPU).
 * A manifest or .meta uploaded later drops the directory's index.
 */
const archiveIndexes = new Map<string, Promise<ArchiveIndex>>()

/**
 * Every archive the staged manifests list, by file name (the newest manifest's entry when two
 * list the same name), whether it has arrived or not: the upload of an archive whose shard has a
 * newer archive missing from the set (the one a restore then uses) is found too.
 */
function archiveIndex(dir: string): Promise<ArchiveIndex> {
  let index = archiveIndexes.get(dir)
  if (index === undefined) {
    index = readBackupSet(dir, () => true).then((set) => {
      const byName = new Map<string, BackupSetShard>()
      for (const m of set.manifests) {
        for (const entry of m.manifest.files) {
          if (byName.has(entry.fileName)) continue
          byName.set(entry.fileName, {
            shardID: entry.shardID,
            entry,
            path: join(dir, entry.fileName),
            manifestFileName: m.fileName,
          })
        }
      }
      return { set, byName }
    })
    const made = index
    archiveIndexes.set(dir, made)
    // Not kept when it fails (nothing staged yet, a damaged manifest): the next upload reads again.
    made.catch(() => {
      if (archiveIndexes.get(dir) === made) archiveIndexes.delete(dir)
    })
  }
  return index
}

/** The staged set's .meta, decoded once per staging directory (per file, size and mtime). */
const metas = new Map<string, { key: string; meta: Promise<BackupMeta> }>()

async function stagedMeta(dir: string, set: BackupSet): Promise<BackupMeta> {
  const st = await stat(set.meta.path)
  const key = `${set.meta.path}:${st.size}:${st.mtimeMs}`
  const cached = metas.get(dir)
  if (cached?.key === key) return cached.meta
  const meta = readBackupMeta(set)
  metas.set(dir, { key, meta })
  // Not kept when it fails: the next archive reads it again.
  meta.catch(() => {
    if (metas.get(dir)?.meta === meta) metas.delete(dir)
  })
  return meta
}

/** Where the staged set says archive `name` belongs (its manifests and .meta came first), or undefined. */
async function expectedArchive(
  dir: string,
  name: string,
): Promise<{ location: ArchiveLocation; size: number; sha256?: string } | undefined> {
  try {
    const { set, byName } = await archiveIndex(dir)
    const shard = byName.get(name)
    if (shard === undefined) return undefined
    const location = archiveLocation(set, await stagedMeta(dir, set), shard)
    if (location === undefined) return undefined
    return {
      location,
      size: shard.entry.size,
      ...(shard.entry.sha256 !== undefined ? { sha256: shard.entry.sha256 } : {}),
    }
  } catch {
    return undefined // not enough staged yet to tell: the archive is extracted at commit
  }
}

/**
 * Stores one uploaded file of a backup set (mode 0600). An archive whose place the staged
 * manifest and .meta name is also extracted and checked as it arrives, so the commit only moves
 * directories; if that fails the archive is still stored whole, and the commit extracts it again
 * and reports the problem with the archive named.
 */
export async function receiveFile(
  dataDir: string,
  token: string,
  name: string,
  body: IncomingMessage,
): Promise<void> {
  if (!isFileName(name))
    throw new RestoreRequestError(`invalid backup file name ${JSON.stringify(name)}`)
  const dir = stagingDir(dataDir, token)
  refuseAbandoned(dir, name)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, name)
  if (body.headers['content-type'] === TAR_CONTENT_TYPE) return receiveTar(dir, name, body)
  const want = name.endsWith('.tar.gz') ? await expectedArchive(dir, name) : undefined
  if (want === undefined) {
    // A manifest or .meta changes what the staged set says: its index is read again, once
    // the file is whole (an index made while it was being written is dropped too).
    try {
      await pipeline(body, createWriteStream(path, { mode: 0o600 }))
    } finally {
      if (!name.endsWith('.tar.gz')) archiveIndexes.delete(dir)
    }
    return
  }
  const xdir = join(dir, `.x-${name}`)
  await rm(xdir, { recursive: true, force: true })
  await mkdir(xdir)
  const t0 = performance.now()
  const feed = new PassThrough({ highWaterMark: 1 << 20 })
  let feeding = true
  const extracted = extractShardArchive(path, xdir, {
    location: want.location,
    expectedSize: want.size,
    ...(want.sha256 !== undefined ? { expectedSha256: want.sha256 } : {}),
    applyTombstones: true,
    durable: true,
    source: { bytes: feed, form: 'gzip' },
  }).then(
    (x): PreparedArchive | undefined => ({
      ...x,
      location: want.location,
      ms: performance.now() - t0,
    }),
    () => {
      feeding = false
      feed.destroy()
      return undefined
    },
  )
  const fh = await open(path, 'wx', 0o600)
  try {
    for await (const chunk of body) {
      await fh.write(chunk as Buffer)
      if (feeding && !feed.write(chunk))
        await Promise.race([once(feed, 'drain'), once(feed, 'close')])
    }
  } catch (err) {
    feed.destroy()
    await extracted
    throw err
  } finally {
    await fh.close()
  }
  feed.end()
  const x = await extracted
  if (x === undefined) await rm(xdir, { recursive: true, force: true })
  else prepared.set(path, x)
}

/**
 * Takes archive `name` uploaded as the tar it holds: extracts and checks it as it arrives (paths,
 * sizes, TSM blocks, tombstones) and keeps it for the commit, or fails the upload naming the
 * client's file and the entry (the rest of the body is read and dropped, so the client gets the
 * answer). The sha256 trailer must match the staged manifest's, when it records one.
 */
async function receiveTar(dir: string, name: string, body: IncomingMessage): Promise<void> {
  const path = join(dir, name)
  const header = body.headers[ARCHIVE_PATH_HEADER]
  const shown = typeof header === 'string' && header !== '' ? decodeURIComponent(header) : name
  const xdir = join(dir, `.x-${name}`)
  prepared.delete(path)
  await rm(xdir, { recursive: true, force: true })
  try {
    const want = await expectedArchive(dir, name)
    if (want === undefined)
      throw new RestoreRequestError(
        `${shown}: the uploaded manifest names no shard archive ${JSON.stringify(name)}`,
      )
    await mkdir(xdir)
    const t0 = performance.now()
    const x = await extractShardArchive(shown, xdir, {
      location: want.location,
      expectedSize: want.size,
      applyTombstones: true,
      durable: true,
      source: { bytes: chunksOf(body), form: 'tar' },
    })
    const sha256 = body.trailers[ARCHIVE_SHA256_TRAILER] ?? ''
    if (want.sha256 !== undefined && sha256 !== want.sha256)
      throw new BackupChecksumError(shown, want.sha256, sha256)
    prepared.set(path, {
      ...x,
      sha256,
      compressedSize: Number(body.trailers[ARCHIVE_BYTES_TRAILER] ?? 0),
      location: want.location,
      ms: performance.now() - t0,
    })
  } catch (err) {
    await rm(xdir, { recursive: true, force: true })
    if (!body.readableEnded && !body.destroyed) {
      body.resume()
      await once(body, 'end').catch(() => undefined)
    }
    throw err
  }
}

function optionsFrom(json: unknown): {
  options: RestoreOptions
  manifest: string | undefined
  metaOnlyOverwrite: boolean
} {
  if (typeof json !== 'object' || json === null)
    throw new RestoreRequestError('restore options must be a JSON object')
  const o = json as Record<string, unknown>
  const str = (k: string): string | undefined => {
    const v = o[k]
    if (v === undefined || v === null || v === '') return undefined
    if (typeof v !== 'string') throw new RestoreRequestError(`restore option ${k} must be a string`)
    return v
  }
  const shard = str('shard')
  const newrf = o['newrf']
  if (
    newrf !== undefined &&
    newrf !== null &&
    (typeof newrf !== 'number' || !Number.isInteger(newrf))
  ) {
    throw new RestoreRequestError('restore option newrf must be an integer')
  }
  const options: RestoreOptions = {
    ...(str('db') !== undefined ? { db: str('db') } : {}),
    ...(str('newdb') !== undefined ? { newdb: str('newdb') } : {}),
    ...(str('rp') !== undefined ? { rp: str('rp') } : {}),
    ...(str('newrp') !== undefined ? { newrp: str('newrp') } : {}),
    ...(shard !== undefined ? { shard: BigInt(shard) } : {}),
    ...(typeof newrf === 'number' && newrf > 0 ? { newrf } : {}),
  }
  const manifest = str('manifest')
  if (manifest !== undefined && !isFileName(manifest))
    throw new RestoreRequestError('invalid manifest name')
  const force = o['metaOnlyOverwriteForce']
  if (force !== undefined && typeof force !== 'boolean')
    throw new RestoreRequestError('restore option metaOnlyOverwriteForce must be a boolean')
  return { options, manifest, metaOnlyOverwrite: force === true }
}

/** The staged set: the staging directory, or (-full) the one manifest the client named in it. */
function stagedSetPath(dir: string, manifest: string | undefined): string {
  return manifest === undefined ? dir : join(dir, manifest)
}

/** A warning of a restore, as the client prints it (paths are the node's staged ones). */
export interface RestoreWarningText {
  readonly code: string
  readonly path: string
  readonly reason: string
}

function warningTexts(warnings: readonly BackupWarning[]): RestoreWarningText[] {
  return warnings.map((w) => ({
    code: w.code,
    path: warningPlace(w),
    reason: w.reason,
  }))
}

/** What a plan request answers: the archives the restore will install, by file name. */
export interface RestorePlanResult {
  readonly archives: readonly string[]
  /** What the set and the plan tolerate but report (a shard skipped, a file shadowed). */
  readonly warnings: readonly RestoreWarningText[]
  /** The staging directory the warnings' paths are in (the client shows its own instead). */
  readonly staged: string
}

/**
 * Plans the restore of the staged set (its manifests and .meta uploaded, its archives not yet)
 * against the live metastore, changing nothing: the client then uploads only the archives the
 * plan installs, and a refusal (a database that holds data, an unknown -db, -rp or -shard, a
 * missing archive the restore needs) comes before any data moves. `body` is the commit's JSON
 * plus "archives": the archive file names the client has (the set as the client sees it). The
 * commit plans again, against the metastore as it is then.
 */
export async function planStagedRestore(
  store: Store,
  meta: MetaClient,
  token: string,
  body: unknown,
): Promise<RestorePlanResult> {
  const dir = stagingDir(store.config.dataDir, token)
  const { options, manifest, metaOnlyOverwrite } = optionsFrom(body)
  if (metaOnlyOverwrite) return { archives: [], warnings: [], staged: dir }
  const listed = (body as Record<string, unknown>)['archives']
  if (!Array.isArray(listed) || !listed.every((a) => typeof a === 'string' && isFileName(a)))
    throw new RestoreRequestError('restore option archives must be a list of file names')
  const have = new Set(listed as string[])
  const set = await readBackupSet(stagedSetPath(dir, manifest), (p) => have.has(basename(p)))
  const plan = await planRestore(set, meta.data, options, await stagedMeta(dir, set))
  return {
    archives: plan.shards.map((s) => s.source.entry.fileName),
    warnings: warningTexts([...set.warnings, ...plan.warnings]),
    staged: dir,
  }
}

/** Who the committing node is in its cluster, and the credentials to pass on to the others. */
export interface RestoreClusterContext {
  /** This node's node API address ('' on a single node). */
  readonly self: string
  readonly authorization?: string
}

/** Verifies, plans and installs the staged set; removes the staging directory in every case. */
export async function commitRestore(
  store: Store,
  meta: MetaClient,
  token: string,
  body: unknown,
  cluster: RestoreClusterContext = { self: '' },
  signal?: AbortSignal,
): Promise<RestoreCommitResult> {
  const dir = stagingDir(store.config.dataDir, token)
  try {
    const { options, manifest, metaOnlyOverwrite } = optionsFrom(body)
    const path = stagedSetPath(dir, manifest)
    if (metaOnlyOverwrite) return await overwriteMeta(meta, await readBackupSet(path))
    // No separate verification pass here: the client verified the whole set before uploading, and
    // installShards checks every archive again (size, sha256, gzip, paths, TSM) while extracting it
    // into temp directories, rolling everything back on the first problem.
    const set = await readBackupSet(path, (p) => prepared.has(p))
    const t0 = performance.now()
    const plan = await planRestore(set, meta.data, options, await stagedMeta(dir, set))
    const metaMs = performance.now() - t0
    const selfID = meta.data.dataNodes.find((n) => n.tcpHost === cluster.self)?.id
    const addresses = new Map(meta.data.dataNodes.map((n) => [n.id, n.tcpHost]))
    const shipping = {
      selfID: selfID ?? 0n,
      token,
      ...(cluster.authorization !== undefined ? { authorization: cluster.authorization } : {}),
      stagingDir: dir,
      prepared,
    }
    const shipped = selfID === undefined ? undefined : await shipReplicas(plan, addresses, shipping)
    const local = {
      ...plan,
      shards: plan.shards.filter((s) => ownsLocally(plan.meta, s.newID, selfID)),
      emptyShards: plan.emptyShards.filter((s) => ownsLocally(plan.meta, s.id, selfID)),
    }
    const ownersOf = (id: bigint): string[] =>
      shardOwnersIn(plan.meta, id).map((o) => addresses.get(o) ?? String(o))
    const byID = new Map<string, RestoreCommitResult['shards'][number]>()
    let installed: RestoreResult
    try {
      installed = await installShards(local, store, meta, {
        prepared,
        ...(signal !== undefined ? { signal } : {}),
        onShard: (s) => {
          byID.set(String(s.newID), {
            sourceID: String(s.sourceID),
            newID: String(s.newID),
            database: s.sourceDatabase,
            retentionPolicy: s.sourceRetentionPolicy,
            tarSize: s.tarSize,
            ms: s.ms,
            owners: ownersOf(s.newID),
          })
        },
      })
    } catch (err) {
      if (shipped !== undefined)
        await finishReplicas(shipped.nodes, 'abort', shipping).catch(() => undefined)
      throw err
    }
    if (shipped !== undefined)
      await finishReplicas(shipped.nodes, 'done', shipping).catch(() => undefined)
    const shards = plan.shards.map(
      (s) =>
        byID.get(String(s.newID)) ?? {
          sourceID: String(s.source.shardID),
          newID: String(s.newID),
          database: s.location.database,
          retentionPolicy: s.location.retentionPolicy,
          tarSize: shipped?.shards.get(s.newID)?.tarSize ?? 0,
          ms: shipped?.shards.get(s.newID)?.ms ?? 0,
          owners: ownersOf(s.newID),
        },
    )
    // A complete restore drops the node's _internal database (the seed): monitoring starts anew.
    // Done only after the install succeeded, so a failed restore changes nothing.
    if (options.db === undefined && meta.data.database('_internal') !== undefined) {
      await meta.update((d) => d.dropDatabase('_internal'))
      await store.deleteDatabase('_internal')
    }
    return {
      metaMs,
      mapped: plan.shardIDMap.size,
      shards,
      warnings: warningTexts(installed.warnings),
    }
  } finally {
    forget(dir)
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * `restore -meta-only-overwrite-force`: the backup's metadata replaces the node's as it is (same
 * shard IDs, users, CQs), to repair damaged metadata from a backup of this same node; the node's
 * identity (cluster ID, node list) stays. No shard data is touched.
 */
async function overwriteMeta(
  meta: MetaClient,
  set: Awaited<ReturnType<typeof readBackupSet>>,
): Promise<RestoreCommitResult> {
  const t0 = performance.now()
  const backup = (await readBackupMeta(set)).data
  await meta.update((current) =>
    backup.with({
      clusterID: current.clusterID,
      nodes: current.nodes,
      dataNodes: current.dataNodes,
      metaNodes: current.metaNodes,
      maxNodeID: current.maxNodeID,
      term: current.term,
      index: current.index + 1n,
    }),
  )
  let mapped = 0
  for (const db of backup.databases)
    for (const rp of db.retentionPolicies) for (const g of rp.shardGroups) mapped += g.shards.length
  return { metaMs: performance.now() - t0, mapped, shards: [], warnings: [] }
}

/**
 * Requests in flight and when the last one ended, per staging directory, and whether the client
 * abandoned it (DELETE): a request of its still running when the directory went may have written
 * into it, and a file uploaded after it may not start it again.
 */
const sessions = new Map<string, RestoreSession>()

interface RestoreSession {
  inFlight: number
  lastMs: number
  abandoned?: boolean
}

/** The session of the restore staged in `dir`, made on first use. */
function sessionOf(dir: string): RestoreSession {
  let s = sessions.get(dir)
  if (s === undefined) sessions.set(dir, (s = { inFlight: 0, lastMs: 0 }))
  return s
}

/**
 * Runs `work`, one request of the restore staged in `dir`: a staging directory is swept as
 * abandoned only while no request of its restore runs (sweepAbandonedRestores).
 */
export async function inRestoreSession<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const s = sessionOf(dir)
  s.inFlight++
  try {
    return await work()
  } finally {
    s.inFlight--
    s.lastMs = Date.now()
    // The last request of an abandoned restore removes what the others wrote after the DELETE.
    // (Should that fail, the sweep removes it later: no request of it runs.)
    if (s.abandoned === true && s.inFlight === 0)
      await rm(dir, { recursive: true, force: true }).catch(() => undefined)
  }
}

/**
 * Removes the staging directories of restores abandoned `idleMs` ago or more (a client killed
 * between its uploads and its commit): none of their requests runs, and the last ended (or, for
 * a directory this process never served, the directory was last changed) that long ago. The
 * store removes every staging directory when it opens; this keeps a long-running node's disk
 * from filling with them. Resolves to the directories removed.
 */
export async function sweepAbandonedRestores(
  dataDir: string,
  idleMs: number,
  nowMs = Date.now(),
): Promise<string[]> {
  const removed: string[] = []
  let names: string[]
  try {
    names = await readdir(dataDir)
  } catch {
    return removed // no data directory yet
  }
  const present = new Set<string>()
  for (const name of names) {
    if (!name.startsWith(STAGING_PREFIX)) continue
    const dir = join(dataDir, name)
    present.add(dir)
    const s = sessions.get(dir)
    if (s !== undefined && s.inFlight > 0) continue
    const last = s?.lastMs ?? (await stat(dir).catch(() => undefined))?.mtimeMs
    if (last === undefined || nowMs - last < idleMs) continue
    forget(dir)
    sessions.delete(dir)
    await rm(dir, { recursive: true, force: true })
    removed.push(dir)
  }
  for (const [dir, s] of sessions) if (s.inFlight === 0 && !present.has(dir)) sessions.delete(dir)
  return removed
}

/**
 * Drops a staging directory. Its restore is abandoned from then on: no file uploaded for it starts
 * the directory again (an upload the client gave up on can reach the node after the DELETE, on
 * its own connection), and a request of it still running removes the directory again when it
 * ends (inRestoreSession).
 */
export async function abandonRestore(dataDir: string, token: string): Promise<void> {
  const dir = stagingDir(dataDir, token)
  forget(dir)
  const s = sessionOf(dir)
  s.abandoned = true
  try {
    await rm(dir, { recursive: true, force: true })
  } catch (err) {
    // A request still writing into it (ENOTEMPTY): the last one to end removes it.
    if (s.inFlight <= 1) throw err
  }
}

/** Throws when the restore staged in `dir` was abandoned (its client sent DELETE). */
function refuseAbandoned(dir: string, name: string): void {
  if (sessions.get(dir)?.abandoned === true)
    throw new RestoreRequestError(
      `${name}: this restore was abandoned; nothing more is staged for it`,
    )
}

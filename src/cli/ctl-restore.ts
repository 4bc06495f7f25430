// tidemark-ctl restore: restores an incremental or metadata backup directory (`restore [flags] DIR`)
// or a full backup (`restore -full MANIFEST`), or lists one (`-list`). Its manifests and .meta go
// to the data node, which plans against the live metastore; then the archives it will install
// are uploaded as the tar they hold (inflated and checked here as influxd restore does; the node
// checks every entry as it arrives), and the node installs everything atomically at the commit.
// Output lines are the seed's.

import { readdir, readFile, stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import {
  ARCHIVE_BYTES_TRAILER,
  ARCHIVE_PATH_HEADER,
  ARCHIVE_SHA256_TRAILER,
  BackupChecksumError,
  inflateArchive,
  TAR_CONTENT_TYPE,
  readBackupSet,
  readBackupMeta,
  type BackupSet,
} from '../backup/index.js'
import type { CtlConnection } from './ctl-http.js'
import { formatGoDuration } from './ctl-format.js'
import { Progress } from './ctl-progress.js'
import { formatUsage, parseFlags } from './flags.js'
import { forEachWhileRoom, roomForSmall } from '../util/index.js'

const RESTORE_FLAGS = {
  db: {
    kind: 'string',
    default: '',
    usage: 'Identifies the database from the backup that will be restored',
  },
  newdb: {
    kind: 'string',
    default: '',
    usage: 'Identifies the new database name in the restore (must specify with -db)',
  },
  rp: {
    kind: 'string',
    default: '',
    usage: 'Identifies the retention policy from the backup that will be restored',
  },
  newrp: {
    kind: 'string',
    default: '',
    usage: 'Identifies the new retention policy name in the restore (must specify with -rp)',
  },
  shard: { kind: 'string', default: '', usage: 'Identifies the shard ID to restore' },
  newrf: {
    kind: 'integer',
    default: 0,
    usage: 'The new replication factor to restore to (capped to the number of data nodes)',
  },
  full: {
    kind: 'boolean',
    default: false,
    usage: 'Restore a full backup: the argument is the manifest file',
  },
  list: { kind: 'boolean', default: false, usage: 'Shows the contents of the backup' },
  'meta-only-overwrite-force': {
    kind: 'boolean',
    default: false,
    usage:
      "Restore only the metadata, overwriting the target's: only for backups of this same cluster, to repair damaged metadata",
  },
} as const

/** What `tidemark-ctl restore -h` prints. */
export const RESTORE_USAGE = `Usage: tidemark-ctl restore [flags] <path-to-backup-dir>
       tidemark-ctl restore [flags] -full <path-to-manifest-file>

Restores metadata (databases, retention policies, users, continuous queries) and shard data from
a backup. A database restored must not hold data in the target: restore it under a new name
with -db and -newdb. The whole set is verified before anything in the target changes.

Options:
${formatUsage(RESTORE_FLAGS)}`

/**
 * The archive files of `set` that are in its directory: every manifest's, not only the newest
 * of each shard (the node then tells an archive a newer one shadows from one that is missing).
 */
async function presentArchives(set: BackupSet): Promise<string[]> {
  const listed = new Set(set.manifests.flatMap((m) => m.manifest.files.map((f) => f.fileName)))
  return (await readdir(set.dir)).filter((n) => listed.has(n))
}

/** A warning as the node answers it (plan and commit alike). */
interface WarningText {
  code: string
  path: string
  reason: string
}

/** Shard archives uploaded at once. */
const ARCHIVES_AT_ONCE = 2
/**
 * Archives uploaded at once while they are all small (below SMALL_ARCHIVE_BYTES): each costs the
 * node a dozen file-system calls in turn whatever its size, so small ones are bound by those
 * waits, not by the cores (300 one-hour shards of ~33 KB: 1.9 s at six at once against 2.2 at two).
 */
const SMALL_ARCHIVES_AT_ONCE = 6
const SMALL_ARCHIVE_BYTES = 1 << 20

function elapsed(t0: number): string {
  return formatGoDuration(BigInt(Math.round((performance.now() - t0) * 1e6)))
}

/** Runs `restore`; resolves to the exit code. */
export async function runRestore(
  conn: CtlConnection,
  args: readonly string[],
  stderr: NodeJS.WritableStream,
): Promise<number> {
  const t0 = performance.now()
  const flags = parseFlags(RESTORE_FLAGS, args, { interspersed: true })
  const f = flags.values
  const path = flags.args[0]
  const out = conn.stdout
  if (path === undefined || flags.args.length > 1) {
    stderr.write(
      'restore: exactly one backup directory (or, with -full, one manifest file) is required\n',
    )
    return 1
  }
  if (f.newdb !== '' && f.db === '') return fail(stderr, 'restore: -newdb requires -db')
  if (f.newrp !== '' && f.rp === '') return fail(stderr, 'restore: -newrp requires -rp')
  if (f.rp !== '' && f.db === '') return fail(stderr, 'restore: -rp requires -db')
  const metaOnly = f['meta-only-overwrite-force']
  if (metaOnly && (f.db !== '' || f.rp !== '' || f.shard !== '' || f.newrf !== 0)) {
    return fail(
      stderr,
      'restore: -meta-only-overwrite-force restores the whole metadata; it cannot be combined with -db, -rp, -shard or -newrf',
    )
  }
  if (f.newrf < 0)
    return fail(stderr, `restore: invalid -newrf ${f.newrf}: a replication factor is at least 1`)
  if (f.shard !== '' && !/^\d+$/.test(f.shard))
    return fail(stderr, `restore: invalid -shard ${JSON.stringify(f.shard)}`)
  const st = await stat(path).catch(() => undefined)
  if (st === undefined) return fail(stderr, `restore: ${path} does not exist`)
  const isFile = st.isFile()
  if (f.full && isFile && !path.endsWith('.manifest'))
    return fail(stderr, `restore: -full needs a manifest file (<timestamp>.manifest), not ${path}`)
  if (f.full !== isFile) {
    return fail(
      stderr,
      f.full
        ? `restore: -full needs the path to a manifest file, not ${path}`
        : `restore: ${path} is not a backup directory (use -full with a manifest file)`,
    )
  }
  const set = await readBackupSet(path)
  if (f.list) {
    const meta = await readBackupMeta(set)
    out.write(`Backup ${path}\nDatabases:\n`)
    for (const db of meta.data.databases)
      out.write(`  ${db.name}: ${db.retentionPolicies.map((r) => r.name).join(', ')}\n`)
    out.write('Shards:\n')
    for (const s of set.shards)
      out.write(
        `  db ${s.entry.database}, rp ${s.entry.policy}, shard ${s.shardID} (${s.entry.fileName}, ${s.entry.size} bytes)\n`,
      )
    return 0
  }
  // Check the set before anything is committed: each archive is inflated here while its tar
  // uploads (every gzip member checked: its CRC-32 and length, or, in a set we wrote, the file's
  // sha256 against the manifest's instead, which proves the bytes whose CRC-32s the backup
  // computed); the node extracts and checks each entry as it arrives (paths, sizes against the
  // manifest, every TSM block's CRC-32, type and times, tombstones) and installs nothing before
  // the commit, which rolls back on the first problem. A set made by InfluxDB (no sha256) is not
  // read a second time first: that pass found nothing the uploads do not, and doubled the time.
  // The .meta is checked by the node when it plans, before any archive moves (its sha256 against
  // the manifest's, its protobuf, its names): this process does not decode it.
  const dir = f.full ? dirname(path) : path
  out.write(
    f.full
      ? `Using manifest: ${path}\n`
      : `Using backup directory: ${path}\nUsing meta backup: ${set.meta.fileName}\n`,
  )

  const node = await conn.dataNodeAddress()
  const token = randomBytes(12).toString('hex')
  const small = [set.meta.fileName, ...new Set(set.manifests.map((m) => m.fileName))]
  let progress: Progress | undefined
  const options = {
    db: f.db,
    newdb: f.newdb,
    rp: f.rp,
    newrp: f.newrp,
    shard: f.shard,
    newrf: f.newrf,
    ...(f.full ? { manifest: basename(path) } : {}),
    ...(metaOnly ? { metaOnlyOverwriteForce: true } : {}),
  }
  // The node names the files it staged; they are this directory's.
  const ownDir = dir.length > 1 ? dir.replace(/\/+$/, '') : dir
  let staged: string | undefined
  const ownPaths = (text: string): string =>
    staged === undefined ? text : text.split(staged).join(ownDir)
  const warned = new Set<string>()
  /** Prints the node's warnings on stderr (verify's form), each once. */
  const warn = (warnings: readonly WarningText[]): void => {
    for (const w of warnings) {
      const line = ownPaths(`WARNING ${w.code}: ${w.path}: ${w.reason}\n`)
      if (!warned.has(line)) stderr.write(line)
      warned.add(line)
    }
  }
  /** A refusal of the node's (plan or commit): the seed's lines, then exit 1. */
  const refused = (text: string): number => {
    let message = text.trim()
    try {
      const answer = JSON.parse(text) as { error?: string; staged?: string }
      staged = answer.staged
      message = ownPaths(answer.error ?? message)
    } catch {
      // not JSON
    }
    out.write('Restoring meta data... Error.\n')
    stderr.write(
      `restore: operation exited with error: ${message.replace(/^restore: operation exited with error: /, '')}\n`,
    )
    return 1
  }
  try {
    // The manifests and .meta go first: the node plans the restore from them against its
    // metadata (a refusal comes before any data moves) and names the archives it will install;
    // only those are uploaded, two at once, so one's inflating overlaps another's transfer. The
    // node reads the manifests and .meta to place each archive as it arrives.
    // Every upload settles before a failure is acted on: the DELETE that drops the staging
    // directory must not race an upload still writing into it.
    const sent = await Promise.allSettled(
      small.map((name) => uploadFile(conn, node, token, join(dir, name), name)),
    )
    for (const r of sent) if (r.status === 'rejected') throw r.reason
    const planned = await conn.nodeRequest(
      node,
      'POST',
      `/restore/${token}/plan`,
      JSON.stringify({ ...options, archives: await presentArchives(set) }),
      { 'Content-Type': 'application/json' },
    )
    if (planned.status !== 200) {
      await conn.nodeRequest(node, 'DELETE', `/restore/${token}`).catch(() => undefined)
      return refused(planned.text)
    }
    const plan = JSON.parse(planned.text) as {
      archives: string[]
      staged?: string
      warnings?: WarningText[]
    }
    staged = plan.staged
    warn(plan.warnings ?? [])
    const wanted = new Set(plan.archives)
    const archives = set.shards.filter((s) => wanted.has(s.entry.fileName))
    const sizes = await Promise.all(archives.map(async (s) => (await stat(s.path)).size))
    progress = new Progress(
      process.stderr,
      archives.length,
      sizes.reduce((n, b) => n + b, 0),
    )
    const bar = progress
    const isSmall = (i: number): boolean => (sizes[i] ?? Infinity) < SMALL_ARCHIVE_BYTES
    const room = roomForSmall(isSmall, ARCHIVES_AT_ONCE, SMALL_ARCHIVES_AT_ONCE)
    await forEachWhileRoom(archives, room, async (s) => {
      const name = s.entry.fileName
      await uploadArchive(conn, node, token, join(dir, name), name, s.entry.sha256, (n) =>
        bar.advance(n),
      )
      bar.shardDone(0)
    })
    progress.end()
    const r = await conn.nodeRequest(
      node,
      'POST',
      `/restore/${token}/commit`,
      JSON.stringify(options),
      { 'Content-Type': 'application/json' },
    )
    const text = r.text
    if (r.status !== 200) return refused(text)
    const result = JSON.parse(text) as {
      metaMs: number
      mapped: number
      shards: {
        sourceID: string
        newID: string
        database: string
        retentionPolicy: string
        tarSize: number
        ms: number
        owners: string[]
      }[]
      warnings?: WarningText[]
    }
    warn(result.warnings ?? [])
    out.write(
      `Restoring meta data... Done. Restored in ${formatGoDuration(BigInt(Math.round(result.metaMs * 1e6)))}, ${result.mapped} shards mapped\n`,
    )
    for (const s of result.shards) {
      out.write(
        `Restoring db ${s.database}, rp ${s.retentionPolicy}, shard ${s.sourceID} to shard ${s.newID}...\n`,
      )
      // One "Copying data to" per data node that holds a copy, as influxd-ctl prints them.
      const copies = (s.owners.length > 0 ? s.owners : [node])
        .map((o) => `Copying data to ${o}... `)
        .join('')
      out.write(
        `${copies}Done. Restored shard ${s.sourceID} into shard ${s.newID} in ${formatGoDuration(BigInt(Math.round(s.ms * 1e6)))}, ${s.tarSize} bytes transferred\n`,
      )
    }
    // As the seed's examples count it: the shards' bytes, or the metadata's when no shard moved.
    const transferred =
      result.shards.length > 0
        ? result.shards.reduce((n, s) => n + s.tarSize, 0)
        : (await stat(set.meta.path)).size
    // -full names a manifest; the line names the backup directory it is in (the seed's example).
    out.write(
      `Restored from ${f.full ? dirname(path) : path} in ${elapsed(t0)}, transferred ${transferred} bytes\n`,
    )
    return 0
  } catch (err) {
    progress?.end()
    await conn.nodeRequest(node, 'DELETE', `/restore/${token}`).catch(() => undefined)
    throw err
  }
}

/** Uploads one file of the set (a manifest or the .meta: small) as it is; resolves to its size. */
async function uploadFile(
  conn: CtlConnection,
  node: string,
  token: string,
  file: string,
  name: string,
): Promise<void> {
  const bytes = await readFile(file)
  const r = await conn.nodeRequest(
    node,
    'PUT',
    `/restore/${token}/${encodeURIComponent(name)}`,
    bytes,
  )
  if (r.status !== 204) throw new Error(`data node ${node} refused ${name}: ${nodeError(r.text)}`)
}

/**
 * Uploads a shard archive as the tar it holds, as influxd restore does: this process inflates it
 * (checking the gzip layer) and hashes the file while the node untars and checks the entries,
 * so the two work at once. The file's sha256 must be the manifest's, when it records one (which
 * then proves the stored members' bytes without their CRC-32s); the node checks it too.
 */
async function uploadArchive(
  conn: CtlConnection,
  node: string,
  token: string,
  file: string,
  name: string,
  sha256: string | undefined,
  onRead: (bytes: number) => void,
): Promise<void> {
  const tar = inflateArchive(file, {
    onRead,
    sha256Checked: sha256 !== undefined,
    hash: sha256 !== undefined,
  })
  let r: Awaited<ReturnType<CtlConnection['nodeUpload']>>
  try {
    r = await conn.nodeUpload(
      node,
      'PUT',
      `/restore/${token}/${encodeURIComponent(name)}`,
      tar.pieces,
      { 'Content-Type': TAR_CONTENT_TYPE, [ARCHIVE_PATH_HEADER]: encodeURIComponent(file) },
      async () => {
        const read = await tar.result
        return {
          [ARCHIVE_SHA256_TRAILER]: read?.sha256 ?? '',
          [ARCHIVE_BYTES_TRAILER]: String(read?.compressedSize ?? 0),
        }
      },
      tar.sent,
    )
  } catch (err) {
    await tar.result // the archive's own problem (unreadable, bad gzip) explains a failed upload best
    throw err
  }
  if (r.status !== 204) {
    await tar.result.catch(() => undefined)
    // 5xx: the node failed (its disk, say), not the archive: say which node.
    throw new Error(r.status >= 500 ? `node ${node}: ${nodeError(r.text)}` : nodeError(r.text))
  }
  const read = await tar.result
  if (read === undefined) throw new Error(`${file}: the upload ended before the archive did`)
  if (sha256 !== undefined && read.sha256 !== sha256)
    throw new BackupChecksumError(file, sha256, read.sha256)
}

/** The `error` of a node's JSON answer, or its text. */
function nodeError(text: string): string {
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text.trim()
  } catch {
    return text.trim()
  }
}

function fail(stderr: NodeJS.WritableStream, message: string): number {
  stderr.write(`${message}\n`)
  return 1
}

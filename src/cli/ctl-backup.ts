// `tidemark-ctl backup` (= influxd-ctl backup): fetches the metastore from the meta node (/data)
// and shard archives from the data node's node API (src/server/node-api.ts), and writes a portable
// backup set into an existing directory: `<ts>.meta`, `<ts>.s<id>.tar.gz` (each streamed to
// `….tmp` with mode 0600, checked against the node's sha256 and length, fsynced, renamed), and
// `<ts>.manifest` LAST, so a manifest only ever describes a complete set. Incremental (default):
// shards whose fingerprint equals the newest recorded one in the directory are skipped.
// In a cluster the plan (metastore, shards and their owners) still comes from the meta node, but
// each archive streams straight from a data node that owns the shard: the one `-from` names when
// it is an owner, else the owners in turn (spread over shards); an owner that fails or falls
// silent is left for the next one, and a shard no owner delivers fails the backup naming it.

import { createHash } from 'node:crypto'
import { closeSync, fsync, openSync, writeSync } from 'node:fs'
import { readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  BackupNotFoundError,
  BackupOptionsError,
  BackupShardError,
  encodeManifest,
  formatBackupTimestamp,
  MANIFEST_TIDEMARK_VERSION,
  readBackupSet,
} from '../backup/index.js'
import type { Manifest, ManifestEntry } from '../backup/index.js'
import { decodeMetaData, encodePortableData } from '../meta/index.js'
import type { MetaData } from '../meta/index.js'
import { crc32, fsyncDir, loadCRC32, WriteBehind, writeFileDurable } from '../util/index.js'
import { parseBindAddress } from '../http/index.js'
import { formatGoDuration } from './ctl-format.js'
import { rfc3339Nanos } from './inspect-time.js'
import type { CtlConnection } from './ctl-http.js'
import { Progress } from './ctl-progress.js'
import { NodeClient } from './ctl-shards.js'
import type { DownloadResult } from './raw-http.js'
import { formatUsage, parseFlags } from './flags.js'

const BACKUP_FLAGS = {
  db: { kind: 'string', default: '', usage: 'The database to back up' },
  rp: { kind: 'string', default: '', usage: 'The retention policy to back up (requires -db)' },
  shard: { kind: 'string', default: '', usage: 'The shard ID to back up' },
  from: {
    kind: 'string',
    default: '',
    usage: 'The data node TCP address to prefer when backing up',
  },
  strategy: {
    kind: 'string',
    default: 'incremental',
    usage: 'Backup strategy: incremental, full, only-meta',
  },
  full: {
    kind: 'boolean',
    default: false,
    usage: 'Perform a full backup (deprecated: use -strategy full)',
  },
  start: { kind: 'string', default: '', usage: 'Include points starting with this time (RFC3339)' },
  end: { kind: 'string', default: '', usage: 'Exclude points after this time (RFC3339)' },
  since: {
    kind: 'string',
    default: '',
    usage: 'Back up only shards changed after this time (RFC3339); not with -start/-end',
  },
} as const

/** What `tidemark-ctl backup -h` prints. */
export const BACKUP_USAGE = `Usage: tidemark-ctl backup [flags] <path-to-backup-dir>

Backs up the metadata and shard data into a directory that must already exist, in InfluxDB's
portable layout (<ts>.meta, <ts>.s<shard>.tar.gz, <ts>.manifest). Incremental by default: only
shards changed since the directory's most recent backup are copied.

Options:
${formatUsage(BACKUP_FLAGS)}`

/** A shard of the metastore that the backup covers. */
interface ShardPick {
  readonly id: bigint
  readonly database: string
  readonly rp: string
  readonly owners: readonly bigint[]
}

function pickShards(
  data: MetaData,
  db: string,
  rp: string,
  shard: bigint | undefined,
): ShardPick[] {
  if (db !== '' && data.databases.every((d) => d.name !== db))
    throw new BackupOptionsError(`database ${JSON.stringify(db)} not found`)
  const out: ShardPick[] = []
  for (const d of data.databases) {
    if (db !== '' && d.name !== db) continue
    if (rp !== '' && d.retentionPolicies.every((r) => r.name !== rp))
      throw new BackupOptionsError(
        `retention policy ${JSON.stringify(rp)} not found in database ${JSON.stringify(db)}`,
      )
    for (const r of d.retentionPolicies) {
      if (rp !== '' && r.name !== rp) continue
      for (const g of r.shardGroups) {
        if (g.deletedAtNs !== 0n) continue
        for (const s of g.shards) {
          if (shard === undefined || s.id === shard)
            out.push({ id: s.id, database: d.name, rp: r.name, owners: s.owners })
        }
      }
    }
  }
  if (shard !== undefined && out.length === 0) {
    const scope =
      db === ''
        ? ''
        : rp === ''
          ? ` in database ${JSON.stringify(db)}`
          : ` in ${JSON.stringify(db)}.${JSON.stringify(rp)}`
    throw new BackupShardError(shard, `not found${scope}`)
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** A timestamp whose `<ts>.` names are free in `dir` (waits for the next second if needed). */
async function freeTimestamp(dir: string): Promise<string> {
  for (;;) {
    const ts = formatBackupTimestamp(new Date())
    if (!(await readdir(dir)).some((n) => n.startsWith(`${ts}.`))) return ts
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5))
  }
}

async function previousEntries(dir: string): Promise<Map<bigint, ManifestEntry>> {
  const prior = new Map<bigint, ManifestEntry>()
  try {
    for (const s of (await readBackupSet(dir)).shards) prior.set(s.shardID, s.entry)
  } catch (err) {
    if (!(err instanceof BackupNotFoundError)) throw err
  }
  return prior
}

/** Whether `address` is a host:port a data node can be reached at (port 0-65535, a host). */
function isNodeAddress(address: string): boolean {
  try {
    return parseBindAddress(address).host !== undefined
  } catch {
    return false
  }
}

/** How many shard archives are fetched at once. */
const SHARDS_AT_ONCE = 4

/** Runs `backup` with its own arguments; resolves to the exit code. */
export async function runBackup(
  conn: CtlConnection,
  args: readonly string[],
  nodes: NodeClient = new NodeClient({}),
): Promise<number> {
  const { values: f, set, args: rest } = parseFlags(BACKUP_FLAGS, args, { interspersed: true })
  if (rest.length !== 1 || rest[0] === '')
    throw new BackupOptionsError(
      'backup needs exactly one argument: the path of the backup directory',
    )
  const dir = rest[0] ?? ''
  if (f.full && set.has('strategy') && f.strategy !== 'full')
    throw new BackupOptionsError(`-full cannot be used with -strategy ${f.strategy}`)
  const strategy = f.full ? 'full' : f.strategy
  if (!['incremental', 'full', 'only-meta'].includes(strategy))
    throw new BackupOptionsError(
      `unknown -strategy ${JSON.stringify(strategy)} (incremental, full, only-meta)`,
    )
  if (f.rp !== '' && f.db === '') throw new BackupOptionsError('-rp requires -db')
  if (f.from !== '' && !isNodeAddress(f.from))
    throw new BackupOptionsError(
      `-from ${JSON.stringify(f.from)} is not a data node TCP address (host:port)`,
    )
  const timed = set.has('start') || set.has('end')
  if (timed && strategy === 'full')
    throw new BackupOptionsError('-start and -end cannot be used with -strategy full (or -full)')
  /** The time of flag -`name`, or undefined when it is not given. */
  const timeOf = (name: 'since' | 'start' | 'end'): bigint | undefined => {
    const text = f[name]
    if (text === '') return undefined
    try {
      return rfc3339Nanos(text)
    } catch (err) {
      if (!(err instanceof RangeError)) throw err
      throw new BackupOptionsError(
        `-${name} ${JSON.stringify(text)} is not an RFC3339 time: ${err.message}`,
      )
    }
  }
  const since = timeOf('since')
  if (since !== undefined && timed)
    throw new BackupOptionsError('-since cannot be used with -start or -end')
  if (since !== undefined && strategy === 'full')
    throw new BackupOptionsError('-since cannot be used with -strategy full (or -full)')
  const start = timeOf('start')
  const end = timeOf('end')
  if (start !== undefined && end !== undefined && start > end)
    throw new BackupOptionsError('-start must be before -end')
  if (f.shard !== '' && !/^\d{1,19}$/.test(f.shard))
    throw new BackupOptionsError(`-shard ${JSON.stringify(f.shard)} is not a shard ID`)
  const shardID = f.shard === '' ? undefined : BigInt(f.shard)
  try {
    if (!(await stat(dir)).isDirectory())
      throw new BackupOptionsError(`backup directory ${dir} is not a directory`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BackupNotFoundError(
        dir,
        `backup directory ${dir} does not exist: the directory must already exist`,
      )
    throw err
  }

  const began = process.hrtime.bigint()
  const out = conn.stdout
  out.write('Backing up meta data... ')
  let metaData: Uint8Array
  let data: MetaData
  let shards: ShardPick[]
  try {
    metaData = await conn.metaBytes('/data')
    data = decodeMetaData(metaData)
    shards = strategy === 'only-meta' ? [] : pickShards(data, f.db, f.rp, shardID)
  } catch (err) {
    out.write('Error.\n') // the line ends; the reason follows on stderr
    throw err
  }
  const metaBytes = encodePortableData(metaData, data.maxNodeID)
  // A single node: its data node address; -from, as in a cluster, is only preferred (tried first).
  const single =
    data.dataNodes.length === 0
      ? [...new Set([...(f.from !== '' ? [f.from] : []), await conn.dataNodeAddress()])]
      : []
  const addressOf = new Map(data.dataNodes.map((n) => [n.id, n.tcpHost]))
  /** The nodes to ask for shard `s` (number `i` of the backup), best first. */
  const sourcesOf = (s: ShardPick, i: number): string[] => {
    if (single.length > 0) return single
    const owners = s.owners.map((o) => addressOf.get(o) ?? '').filter((a) => a !== '')
    if (owners.length === 0)
      throw new BackupShardError(s.id, 'no data node owns it (the metastore lists no owner)')
    const spread = owners.map((_, k) => owners[(i + k) % owners.length] ?? '')
    const from = spread.indexOf(f.from)
    if (from > 0) spread.unshift(...spread.splice(from, 1))
    return spread
  }
  const prior =
    strategy === 'incremental' ? await previousEntries(dir) : new Map<bigint, ManifestEntry>()
  const ts = await freeTimestamp(dir)
  const written: string[] = []
  try {
    const metaPath = join(dir, `${ts}.meta`)
    written.push(metaPath)
    await writeFileDurable(metaPath, metaBytes, 0o600)
    out.write(`Done. ${metaBytes.length} bytes transferred\n`)
    let transferred = metaBytes.length
    const files: ManifestEntry[] = []
    const range = {
      ...(start !== undefined ? { start: String(start) } : {}),
      ...(end !== undefined ? { end: String(end) } : {}),
    }
    // Several shards are copied at once (the node builds archives in parallel); lines are still
    // printed in shard order, each as soon as it and every shard before it are done.
    const lines = new Map<number, string>()
    let nextLine = 0
    const finish = (index: number, line: string): void => {
      lines.set(index, line)
      for (let l = lines.get(nextLine); l !== undefined; l = lines.get(nextLine)) {
        out.write(l)
        lines.delete(nextLine++)
      }
    }
    const backupShard = async (s: ShardPick, i: number): Promise<string> => {
      const sources = sourcesOf(s, i)
      const fileName = `${ts}.s${s.id}.tar.gz`
      const path = join(dir, fileName)
      const prev = prior.get(s.id)
      const problems: string[] = []
      let absent = 0
      for (const node of sources) {
        try {
          if (since !== undefined) {
            const state = await shardState(nodes, node, s.id, range)
            if (state === undefined) {
              absent++
              continue
            }
            if (state.lastModified <= since) return ''
          }
          if (prev?.fingerprint !== undefined) {
            const fp = await shardState(nodes, node, s.id, range)
            if (fp?.fingerprint === prev.fingerprint) return ''
          }
          const t0 = process.hrtime.bigint()
          written.push(`${path}.tmp`, path)
          const got = await fetchArchive(nodes, node, s.id, range, `${path}.tmp`)
          if (got === undefined) {
            absent++ // a shard group made ahead of time: no data on this owner (yet)
            continue
          }
          await rename(`${path}.tmp`, path)
          const floor = prev === undefined ? 0n : prev.lastModified + 1n
          files.push({
            database: s.database,
            policy: s.rp,
            shardID: s.id,
            fileName,
            size: got.size,
            lastModified: got.lastModified > floor ? got.lastModified : floor,
            sha256: got.sha256,
            fingerprint: got.fingerprint,
          })
          transferred += got.bytes
          return `Backing up node ${node}, db ${s.database}, rp ${s.rp}, shard ${s.id}... Done. Backed up in ${formatGoDuration(process.hrtime.bigint() - t0)}, ${got.bytes} bytes transferred\n`
        } catch (err) {
          await rm(`${path}.tmp`, { force: true })
          if (single.length > 0 && node === sources.at(-1)) throw err
          problems.push(`${node}: ${(err as Error).message.replace(/^backup: shard \d+: /, '')}`)
        }
      }
      if (problems.length === 0 || absent === sources.length) return ''
      throw new BackupShardError(
        s.id,
        `no owner could send it (${problems.join('; ')})${absent > 0 ? `; ${absent} owner(s) do not hold it` : ''}`,
      )
    }
    // On a failure the other workers take no new shard, and all are awaited before the cleanup
    // below removes what this run wrote, so nothing is written after it.
    const progress = new Progress(process.stderr, shards.length)
    let taken = 0
    let failed = false
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(SHARDS_AT_ONCE, shards.length) }, async () => {
        for (let i = taken++; i < shards.length && !failed; i = taken++) {
          const s = shards[i]
          try {
            if (s !== undefined) {
              const line = await backupShard(s, i)
              finish(i, line)
              progress.shardDone(Number(/, (\d+) bytes transferred/.exec(line)?.[1] ?? 0))
            }
          } catch (err) {
            failed = true
            throw err
          }
        }
      }),
    )
    progress.end()
    for (const r of settled) if (r.status === 'rejected') throw r.reason
    // The archives' renames made durable at once, before the manifest that names them: one
    // fsync of the directory instead of one per shard (no change measured here, where an fsync
    // takes ~0.3 ms; on a disk where it takes 10 ms, 2 s for 200 shards).
    if (files.length > 0) await fsyncDir(dir)
    files.sort((a, b) => (a.shardID < b.shardID ? -1 : a.shardID > b.shardID ? 1 : 0))
    const manifest: Manifest = {
      meta: { fileName: `${ts}.meta`, size: metaData.length },
      limited: f.db !== '' || shardID !== undefined,
      files,
      ...(f.db !== '' ? { database: f.db } : {}),
      ...(f.rp !== '' ? { policy: f.rp } : {}),
      ...(shardID !== undefined ? { shardID } : {}),
      tidemark: {
        version: MANIFEST_TIDEMARK_VERSION,
        metaSha256: createHash('sha256').update(metaBytes).digest('hex'),
        complete: true,
      },
    }
    await writeFileDurable(join(dir, `${ts}.manifest`), encodeManifest(manifest), 0o600)
    out.write(
      `Backed up to ${dir} in ${formatGoDuration(process.hrtime.bigint() - began)}, transferred ${transferred} bytes\n`,
    )
    if (timed && prior.size > 0 && files.length > 0) {
      // A restore of the directory takes each shard from its newest archive: these ones.
      process.stderr.write(
        `WARNING: ${dir} holds earlier backups: a restore of ${dir} now restores ${files.length === 1 ? 'shard' : 'shards'} ${files.map((x) => x.shardID).join(', ')} with only the points of ${f.start || 'the beginning'} to ${f.end || 'now'}. Back up a time range into a directory of its own, or restore this backup alone with restore -full ${join(dir, `${ts}.manifest`)}\n`,
      )
    }
    return 0
  } catch (err) {
    for (const p of written) await rm(p, { force: true }).catch(() => undefined)
    throw err
  }
}

/** What one archive download brought. */
interface Fetched {
  readonly bytes: number
  readonly size: number
  readonly sha256: string
  readonly lastModified: bigint
  readonly fingerprint: string
}

/**
 * Streams shard `id`'s archive into `tmp` (0600, fsynced), checking it against the node's CRC-32
 * trailer, and computes the sha256 the manifest records. Undefined: the node has no such shard. The body is hashed and written as
 * it comes off the socket (see raw-http.ts), synchronously: writes land in the page cache, an
 * fdatasync every 8 MiB (WriteBehind) starts the disk early, and the fsync at the end waits on
 * the thread pool for the rest.
 */
async function fetchArchive(
  nodes: NodeClient,
  node: string,
  id: bigint,
  range: Readonly<Record<string, string>>,
  tmp: string,
): Promise<Fetched | undefined> {
  const q = new URLSearchParams(range).toString()
  const fail = (why: string): never => {
    throw new BackupShardError(id, why)
  }
  const field = (where: Readonly<Record<string, string>>, name: string, what: string): string =>
    where[name.toLowerCase()] ?? fail(`node ${node} sent its archive without the ${name} ${what}`)
  const hash = createHash('sha256')
  let crc = 0
  let bytes = 0
  let fd: number | undefined
  let behind: WriteBehind | undefined
  // A local write failing (a full disk) is this machine's problem, not the node's: say so.
  const diskError = (err: unknown, written = bytes): BackupShardError =>
    new BackupShardError(
      id,
      `cannot write ${tmp} after ${written} bytes: ${(err as Error).message}`,
    )
  let res: DownloadResult
  try {
    res = await nodes.download(
      node,
      `/shards/${id}/archive${q === '' ? '' : `?${q}`}`,
      (head) => {
        if (head.status !== 200) return
        field(head.headers, 'X-Archive-Last-Modified', 'header')
        field(head.headers, 'X-Archive-Fingerprint', 'header')
        fd = openSync(tmp, 'w', 0o600)
        behind = new WriteBehind(fd)
      },
      (piece) => {
        hash.update(piece)
        crc = crc32(piece, crc)
        let at = 0
        try {
          while (at < piece.length) at += writeSync(fd ?? -1, piece, at, piece.length - at)
        } catch (err) {
          throw diskError(err, bytes + at)
        }
        bytes += piece.length
        behind?.wrote(piece.length)
      },
      loadCRC32,
    )
    if (fd !== undefined) {
      await behind?.drain().catch((err: unknown) => Promise.reject(diskError(err)))
      await promisify(fsync)(fd).catch((err: unknown) => Promise.reject(diskError(err)))
    }
  } catch (err) {
    if (err instanceof BackupShardError || fd === undefined) throw err
    return fail(
      `the archive from ${node} was cut off after ${bytes} bytes: ${(err as Error).message}`,
    )
  } finally {
    await behind?.drain().catch(() => undefined) // no flush may outlive the descriptor
    if (fd !== undefined) closeSync(fd)
  }
  if (res.status === 404) return undefined
  if (res.status !== 200)
    return fail(`node ${node} answered ${res.status}: ${nodeReason(res.body.toString('utf8'))}`)
  if (!res.complete) return fail(`the archive from ${node} was cut off after ${bytes} bytes`)
  const want = field(res.trailers, 'X-Archive-Crc32', 'trailer (the node stopped before the end)')
  const size = Number(field(res.trailers, 'X-Archive-Size', 'trailer'))
  const got = crc.toString(16).padStart(8, '0')
  if (got !== want)
    fail(
      `the archive from ${node} arrived damaged: ${bytes} bytes with CRC-32 ${got}, expected ${want}`,
    )
  return {
    bytes,
    size,
    sha256: hash.digest('hex'),
    lastModified: BigInt(field(res.headers, 'X-Archive-Last-Modified', 'header')),
    fingerprint: field(res.headers, 'X-Archive-Fingerprint', 'header'),
  }
}

/** The `error` of a node's JSON answer, or its text. */
function nodeReason(text: string): string {
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text.trim()
  } catch {
    return text.trim()
  }
}

/** The fingerprint and last change (Unix ns) of shard `id` on `node`, or undefined if it lacks it. */
async function shardState(
  nodes: NodeClient,
  node: string,
  id: bigint,
  range: Readonly<Record<string, string>>,
): Promise<{ fingerprint: string; lastModified: bigint } | undefined> {
  const q = new URLSearchParams({ ...range, 'fingerprint-only': '1' })
  try {
    const j = await nodes.json<{ fingerprint?: string; lastModified?: string }>(
      node,
      'GET',
      `/shards/${id}/archive?${q}`,
    )
    return { fingerprint: j.fingerprint ?? '', lastModified: BigInt(j.lastModified ?? '0') }
  } catch (err) {
    if (/not found on this node/.test((err as Error).message)) return undefined
    throw new BackupShardError(id, `node ${node}: ${(err as Error).message}`)
  }
}

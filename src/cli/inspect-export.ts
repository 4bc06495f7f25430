// The export engine behind `tidemark-inspect export` (= influx_inspect export): writes every point
// of a data/WAL directory pair as line protocol in InfluxDB's export layout (spec
// backup-formats.md §5.2), streaming — one TSM block at a time, text handed on in 256 KiB chunks
// with backpressure — so memory does not grow with the amount of data.
//
// Per (database, RP) block, sorted by name: `# CONTEXT-…` lines, then `# writing tsm data` and
// the TSM data of each shard (files merged per shard: later files win, tombstones applied, values
// the shard's WAL rewrites left to the WAL part), then `# writing wal data` and each shard's WAL
// replayed into a small cache (writes, deletes and delete-ranges applied in order), sorted by key
// and time. Our product rules differ from InfluxDB 1.6 in four places: the DDL is the 1.10+ form
// (CREATE DATABASE … WITH NAME autogen + CREATE RETENTION POLICY for the others), blocks are in
// sorted order, WAL deletes are applied, and a point stored twice (TSM and WAL) is written once.

import type { Writable } from 'node:stream'
import { quoteIdent } from '../influxql/index.js'
import type { TimeRange } from '../tsm/index.js'
import { scanShards } from './inspect-files.js'
import type { RetentionPolicyFiles, ShardFiles } from './inspect-files.js'
import type { TextSink } from './inspect-io.js'
import { appendValueLines, linePrefix } from './inspect-lines.js'
import type { LineCounts } from './inspect-lines.js'
import { ShardTSM } from './inspect-shard-tsm.js'
import type { TSMReadProblem } from './inspect-shard-tsm.js'
import { formatRFC3339Local } from './inspect-time.js'
import { loadWALCache } from './inspect-wal-cache.js'
import type { WALCache, WALSegmentProblem } from './inspect-wal-cache.js'

/** What to export. */
export interface ExportOptions {
  /** Directory holding `<db>/<rp>/<shard>/*.tsm`. */
  readonly dataDir: string
  /** Directory holding `<db>/<rp>/<shard>/_*.wal`. */
  readonly walDir: string
  /** Only this database (undefined: all). */
  readonly database?: string | undefined
  /** Only this retention policy (needs `database`). */
  readonly retentionPolicy?: string | undefined
  /** Inclusive time bounds in ns. */
  readonly start: bigint
  readonly end: bigint
  /** Write only data lines: no header, DDL or comments. */
  readonly lpOnly: boolean
}

/** Where an export writes: data to `out`, progress lines and warnings to two streams. */
export interface ExportTargets {
  readonly out: TextSink
  /** `writing out tsm file data for <db>/<rp>...complete.` lines. */
  readonly progress: Writable
  /** Corrupt files, unreadable blocks, dropped values. */
  readonly warnings: Writable
}

/** What an export did. `problems > 0` means some stored data is missing from the output. */
export interface ExportSummary {
  readonly lines: number
  /** TSM files and blocks that could not be read, WAL segments cut short. */
  readonly problems: number
  /** NaN or infinite floats, which line protocol cannot express (not written). */
  readonly invalidValues: number
  /** (database, RP) blocks written. */
  readonly blocks: number
}

/** The DDL lines (each ending in `\n`) for the (database, RP) pairs, in the 1.10+ form. */
export function ddlLines(pairs: readonly { database: string; retentionPolicy: string }[]): string {
  const byDB = new Map<string, string[]>()
  for (const p of pairs) {
    const rps = byDB.get(p.database) ?? []
    if (!rps.includes(p.retentionPolicy)) rps.push(p.retentionPolicy)
    byDB.set(p.database, rps)
  }
  let text = ''
  for (const db of [...byDB.keys()].sort()) {
    const rps = (byDB.get(db) ?? []).sort()
    const first = rps.includes('autogen') ? 'autogen' : (rps[0] ?? 'autogen')
    text += `CREATE DATABASE ${quoteIdent(db)} WITH NAME ${quoteIdent(first)}\n`
    for (const rp of rps) {
      if (rp === first) continue
      text += `CREATE RETENTION POLICY ${quoteIdent(rp)} ON ${quoteIdent(db)} DURATION 0s REPLICATION 1\n`
    }
  }
  return text
}

class ExportRun {
  readonly #options: ExportOptions
  readonly #targets: ExportTargets
  readonly #range: TimeRange
  readonly #counts: LineCounts = { lines: 0, invalid: 0 }
  #problems = 0
  /** A progress line was started and not finished (warnings then start on a new line). */
  #progressOpen = false

  constructor(options: ExportOptions, targets: ExportTargets) {
    this.#options = options
    this.#targets = targets
    this.#range = { min: options.start, max: options.end }
  }

  async run(blocks: readonly RetentionPolicyFiles[]): Promise<ExportSummary> {
    const o = this.#options
    const out = this.#targets.out
    if (!o.lpOnly) {
      // In the local time zone, as influx_inspect prints it (spec §5.2).
      out.append(
        `# INFLUXDB EXPORT: ${formatRFC3339Local(o.start)} - ${formatRFC3339Local(o.end)}\n`,
      )
      out.append(`# DDL\n${ddlLines(blocks)}# DML\n`)
    }
    try {
      for (const block of blocks) await this.#writeBlock(block)
      await out.flush()
    } catch (err) {
      // End the progress line, so that the caller's error message starts on its own line.
      if (this.#progressOpen) this.#progress('\n', false)
      throw err
    }
    return {
      lines: this.#counts.lines,
      problems: this.#problems,
      invalidValues: this.#counts.invalid,
      blocks: blocks.length,
    }
  }

  #warn(line: string): void {
    const sameStream = this.#targets.warnings === this.#targets.progress
    this.#targets.warnings.write((this.#progressOpen && sameStream ? '\n' : '') + line + '\n')
    if (sameStream) this.#progressOpen = false
  }

  #progress(text: string, open: boolean): void {
    this.#targets.progress.write(text)
    this.#progressOpen = open
  }

  #tsmProblem = (p: TSMReadProblem): void => {
    this.#problems++
    const where = p.offset === undefined ? '' : ` block at offset ${p.offset} of key ${p.key ?? ''}`
    this.#warn(`unable to read ${p.path}, skipping${where}: ${p.error.message}`)
  }

  #walProblem(p: WALSegmentProblem): void {
    this.#problems++
    const reason = 'reason' in p.error ? String(p.error.reason) : p.error.message
    this.#warn(`file ${p.path} corrupt at position ${p.offset}: ${reason}`)
  }

  async #loadWAL(shard: ShardFiles): Promise<WALCache> {
    const cache = await loadWALCache(shard.walPaths)
    for (const p of cache.problems) this.#walProblem(p)
    for (const c of cache.typeConflicts) {
      this.#warn(
        `file ${c.path} at position ${c.offset}: ${c.found} values for ${c.key}, which holds ` +
          `${c.expected} values; skipped (influxd refuses them too)`,
      )
    }
    return cache
  }

  async #writeBlock(block: RetentionPolicyFiles): Promise<void> {
    const { database: db, retentionPolicy: rp, shards } = block
    const out = this.#targets.out
    const comment = (text: string): void => {
      if (!this.#options.lpOnly) out.append(text)
    }
    comment(`# CONTEXT-DATABASE:${db}\n# CONTEXT-RETENTION-POLICY:${rp}\n`)
    const caches = new Map<ShardFiles, WALCache>()
    if (shards.some((s) => s.tsmPaths.length > 0)) {
      this.#progress(`writing out tsm file data for ${db}/${rp}...`, true)
      comment('# writing tsm data\n')
      for (const shard of shards) {
        if (shard.tsmPaths.length === 0) continue
        let cache: WALCache | undefined
        if (shard.walPaths.length > 0) {
          cache = await this.#loadWAL(shard)
          caches.set(shard, cache)
        }
        await this.#writeShardTSM(shard, cache)
      }
      this.#progress('complete.\n', false)
    }
    if (shards.some((s) => s.walPaths.length > 0)) {
      this.#progress(`writing out wal file data for ${db}/${rp}...`, true)
      comment('# writing wal data\n')
      for (const shard of shards) {
        if (shard.walPaths.length === 0) continue
        const cache = caches.get(shard) ?? (await this.#loadWAL(shard))
        caches.delete(shard)
        await this.#writeShardWAL(cache)
      }
      this.#progress('complete.\n', false)
    }
  }

  async #writeShardTSM(shard: ShardFiles, cache: WALCache | undefined): Promise<void> {
    const out = this.#targets.out
    const tsm = await ShardTSM.open(shard.tsmPaths, this.#tsmProblem, this.#range)
    try {
      for (const key of tsm.keys()) {
        const prefix = linePrefix(key)
        const rewritten = cache?.values.get(key)?.times
        for await (const chunk of tsm.keyChunks(key, this.#range)) {
          appendValueLines(out, prefix, chunk.values, this.#range, this.#counts, rewritten)
          await out.maybeFlush()
        }
      }
    } finally {
      await tsm.close()
    }
  }

  async #writeShardWAL(cache: WALCache): Promise<void> {
    const out = this.#targets.out
    for (const key of cache.keys) {
      const values = cache.values.get(key)
      if (values === undefined) continue
      appendValueLines(out, linePrefix(key), values, this.#range, this.#counts)
      await out.maybeFlush()
    }
  }
}

/**
 * Finds the shards an export covers (databases, RPs and their TSM and WAL files, filtered by
 * `options.database` and `options.retentionPolicy`). Rejects when a directory cannot be read.
 */
export async function scanExport(options: ExportOptions): Promise<RetentionPolicyFiles[]> {
  const filter = { database: options.database, retentionPolicy: options.retentionPolicy }
  return scanShards(options.dataDir, options.walDir, filter)
}

/**
 * Exports the data under `options.dataDir` and `options.walDir` to `targets.out` (flushed at the
 * end; the caller closes the underlying stream). `blocks` is what scanExport() found (scanned
 * here when omitted). Unreadable files, blocks and WAL tails are reported on `targets.warnings`
 * and counted in the summary, and everything else is still exported. Rejects for errors that
 * stop the export: unreadable directories, output failures.
 */
export async function exportData(
  options: ExportOptions,
  targets: ExportTargets,
  blocks?: readonly RetentionPolicyFiles[],
): Promise<ExportSummary> {
  return new ExportRun(options, targets).run(blocks ?? (await scanExport(options)))
}

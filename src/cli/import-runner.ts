// `tidemark -import`: loads an export file (influx_inspect export layout) into a server the way
// influx 1.x does — the `# DDL` section's statements run one by one, then the `# DML` section's
// data lines are written in batches of 5000 lines to the database and retention policy named by
// the last `# CONTEXT-DATABASE:` / `# CONTEXT-RETENTION-POLICY:` lines, throttled by -pps —
// with the same log lines, summary and exit status. Unlike influx it reports every failed line
// with its line number and counts only lines that were really not written (import-writer.ts).

import type { Writable } from 'node:stream'
import { executeDDL } from './import-ddl.js'
import { ImportInputError } from './import-errors.js'
import { readSourceLines } from './import-lines.js'
import { GoLogger, formatGoDuration } from './import-log.js'
import { RecordBuilder, isBlank } from './import-records.js'
import type { DataRecord } from './import-records.js'
import { BatchWriter } from './import-writer.js'
import type { LineFailure } from './import-writer.js'
import type { InfluxClient } from './shell-client.js'
import { ShellConnectError } from './shell-errors.js'

/** influx's batch size, in lines. */
export const IMPORT_BATCH_LINES = 5000

/** What to import and how. */
export interface ImportOptions {
  /** The export file; '' makes the import fail with `file argument required`. */
  readonly path: string
  /** Read the file through gunzip. */
  readonly compressed: boolean
  /** Points (lines) per second at most; 0 = no limit. */
  readonly pps: number
  /** `precision` of every write and `epoch` of every DDL query ('' = ns / RFC3339). */
  readonly precision: string
  /** `consistency` of every write. */
  readonly consistency: string
}

/** Where the importer writes; `now` is injectable for the log timestamps. */
export interface ImportIO {
  readonly stdout: Writable
  readonly stderr: Writable
  readonly now?: () => Date
}

/** The counts of a finished import. */
export interface ImportSummary {
  readonly commands: number
  readonly inserted: number
  readonly failed: number
  readonly failures: readonly LineFailure[]
}

const DML = Buffer.from('# DML')
const CONTEXT_DB = Buffer.from('# CONTEXT-DATABASE:')
const CONTEXT_RP = Buffer.from('# CONTEXT-RETENTION-POLICY:')

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return (
    line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  )
}

/** The name on a CONTEXT line: everything after the first colon, trimmed (spaces allowed). */
function contextName(line: Buffer): string {
  const text = line.toString('utf8')
  return text.slice(text.indexOf(':') + 1).trim()
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Imports `opts.path` through `client` and resolves to the exit code (0, or 1 when any line was
 * not inserted or the file could not be read), having printed influx's messages to `io`.
 */
export async function runImport(
  client: InfluxClient,
  opts: ImportOptions,
  io: ImportIO,
): Promise<number> {
  // influx's importer pings the server once more before anything else.
  try {
    await client.ping()
  } catch (err) {
    if (!(err instanceof ShellConnectError)) throw err
    io.stderr.write(`ERROR: failed to connect to ${client.addr}\n\n`)
    return 1
  }
  if (opts.path === '') {
    io.stderr.write('ERROR: file argument required\n')
    return 1
  }
  const imp = new Importer(client, opts, io)
  let error: string | undefined
  try {
    await imp.run()
  } catch (err) {
    if (!(err instanceof ImportInputError)) throw err
    error = err.message
  }
  const s = imp.summary
  if (s.inserted > 0) {
    imp.out.print(`Processed ${s.commands} commands`)
    imp.out.print(`Processed ${s.inserted} inserts`)
    imp.out.print(`Failed ${s.failed} inserts`)
  }
  if (error === undefined && s.failed > 0) {
    error = s.failed === 1 ? '1 point was not inserted' : `${s.failed} points were not inserted`
  }
  if (error === undefined) return 0
  io.stderr.write(`ERROR: ${error}\n`)
  return 1
}

class Importer {
  readonly #client: InfluxClient
  readonly #opts: ImportOptions
  readonly #writer: BatchWriter
  readonly out: GoLogger
  readonly #err: GoLogger
  #database = ''
  #retentionPolicy = ''
  #batch: DataRecord[] = []
  #batchLines = 0
  #commands = 0
  #inserted = 0
  #failed = 0
  #failures: LineFailure[] = []
  #startNs = 0n
  #lastWriteMs = 0

  constructor(client: InfluxClient, opts: ImportOptions, io: ImportIO) {
    this.#client = client
    this.#opts = opts
    this.#writer = new BatchWriter(client)
    this.out = new GoLogger(io.stdout, io.now)
    this.#err = new GoLogger(io.stderr, io.now)
  }

  get summary(): ImportSummary {
    return {
      commands: this.#commands,
      inserted: this.#inserted,
      failed: this.#failed,
      failures: this.#failures,
    }
  }

  /**
   * Reads the file and writes its data. When the file breaks off (a read or gunzip error), the
   * lines read before it are still written, then the error is rethrown.
   */
  async run(): Promise<void> {
    const records = new RecordBuilder(IMPORT_BATCH_LINES)
    try {
      await this.#readAll(records)
    } finally {
      this.#push(records.take())
      await this.#flush()
    }
  }

  async #readAll(records: RecordBuilder): Promise<void> {
    let dml = false
    for await (const group of readSourceLines(this.#opts.path, this.#opts.compressed)) {
      for (const { bytes, lineNo } of group) {
        const hash = bytes[0] === 0x23
        if (!dml) {
          if (hash && startsWith(bytes, DML)) {
            dml = true
            this.#startNs = process.hrtime.bigint()
            this.#lastWriteMs = performance.now()
          } else if (!hash && !isBlank(bytes)) {
            this.#commands++
            const q = bytes.toString('utf8') + '\n'
            const err = await executeDDL(this.#client, q, this.#database, this.#opts.precision)
            if (err !== undefined) this.#err.print(`error: ${err}`)
          }
          continue
        }
        let record: DataRecord | undefined
        const isDB = hash && startsWith(bytes, CONTEXT_DB)
        const isRP = hash && !isDB && startsWith(bytes, CONTEXT_RP)
        if (isDB || isRP) {
          this.#push(records.take())
          await this.#flush()
          if (isDB) this.#database = contextName(bytes)
          else this.#retentionPolicy = contextName(bytes)
          continue
        }
        if (records.isOpen) record = records.add(bytes, lineNo)
        else if (!hash && !isBlank(bytes)) record = records.add(bytes, lineNo)
        if (record !== undefined && this.#push(record)) await this.#flush()
      }
    }
  }

  /** Adds a record to the batch; true when the batch is full and must be flushed. */
  #push(r: DataRecord | undefined): boolean {
    if (r === undefined) return false
    this.#batch.push(r)
    this.#batchLines += r.lines.length
    return this.#batchLines >= IMPORT_BATCH_LINES
  }

  async #flush(): Promise<void> {
    if (this.#batch.length === 0) return
    const batch = this.#batch
    const lines = this.#batchLines
    this.#batch = []
    this.#batchLines = 0
    if (this.#opts.pps > 0) {
      const waitMs = (lines * 1000) / this.#opts.pps - (performance.now() - this.#lastWriteMs)
      if (waitMs > 0) await sleep(waitMs)
    }
    const outcome = await this.#writer.write(batch, {
      db: this.#database,
      rp: this.#retentionPolicy,
      precision: this.#opts.precision,
      consistency: this.#opts.consistency,
    })
    this.#lastWriteMs = performance.now()
    this.#inserted += outcome.inserted
    this.#failed += outcome.failed
    if (outcome.firstError !== undefined)
      this.#err.print(`error writing batch:  ${outcome.firstError}\n`)
    for (const f of outcome.failures) {
      this.#failures.push(f)
      const where = f.firstLine === f.lastLine ? `${f.firstLine}` : `${f.firstLine}-${f.lastLine}`
      this.#err.print(`${this.#opts.path}:${where}: ${f.message}`)
    }
    const processed = this.#inserted + this.#failed
    if (processed % 100_000 === 0) {
      const elapsed = process.hrtime.bigint() - this.#startNs
      const pps = Math.trunc(processed / (Number(elapsed) / 1e9))
      const took = formatGoDuration(elapsed)
      this.out.print(
        `Processed ${processed} lines.  Time elapsed: ${took}.  Points per second (PPS): ${pps}`,
      )
    }
  }
}

// Writes one batch of import records with POST /write and accounts for every input line: written
// or failed, and for each failure the file lines and the server's reason. Where influx counts a
// whole batch as failed, this writer attributes failures to the exact records: lines the server
// quotes as unparsable are matched back (import-attribution.ts); when the server dropped points
// without saying which, the batch is split in halves and re-sent until each failing record stands
// alone (re-sending is harmless: a point written twice with the same time is overwritten by the
// same values). Batches holding a line without a timestamp are not re-sent — the server would
// give the copy a new time — and count as failed as a whole, as influx counts them.

import { parsePoints, precisionMultiplier, truncateTime } from '../lineprotocol/index.js'
import { judgeWrite, quotedText } from './import-attribution.js'
import type { DataRecord } from './import-records.js'
import { lineCount, regroupTail } from './import-records.js'
import type { InfluxClient } from './shell-client.js'
import { ShellConnectError } from './shell-errors.js'

/** Where a batch goes: the /write parameters. */
export interface WriteTarget {
  readonly db: string
  readonly rp: string
  readonly precision: string
  readonly consistency: string
}

/** Lines that were not written: `firstLine`..`lastLine` of the file, and why. */
export interface LineFailure {
  readonly firstLine: number
  readonly lastLine: number
  /** How many input lines this failure counts (lines of comments in between are not counted). */
  readonly lines: number
  readonly message: string
}

/** The result of writing one batch. */
export interface BatchOutcome {
  inserted: number
  failed: number
  readonly failures: LineFailure[]
  /** The text influx logs for the batch's first answer when it failed: the body or the error. */
  firstError: string | undefined
}

/** Writes batches through one client. Not safe for concurrent write() calls on one target. */
export class BatchWriter {
  readonly #client: InfluxClient

  constructor(client: InfluxClient) {
    this.#client = client
  }

  /** Writes `records` (non-empty) to `target`; never throws for server or network failures. */
  async write(records: readonly DataRecord[], target: WriteTarget): Promise<BatchOutcome> {
    const out: BatchOutcome = { inserted: 0, failed: 0, failures: [], firstError: undefined }
    await this.#write(records, target, out, true)
    out.failures.sort((a, b) => a.firstLine - b.firstLine)
    return out
  }

  async #write(
    records: readonly DataRecord[],
    target: WriteTarget,
    out: BatchOutcome,
    top: boolean,
  ): Promise<void> {
    if (records.length === 0) return
    let status: number
    let text: string
    try {
      const ans = await this.#client.write(joinRecords(records), target)
      status = ans.status
      text = ans.body.toString('utf8')
    } catch (err) {
      if (!(err instanceof ShellConnectError)) throw err
      status = 0
      text = err.message
      if (top) out.firstError = text
      this.#failAll(records, text, out)
      return
    }
    if (top && status !== 204 && status !== 200) out.firstError = text
    const verdict = judgeWrite(status, text, () => records.map((r) => quotedText(r.lines)))
    switch (verdict.kind) {
      case 'ok':
        out.inserted += lineCount(records)
        return
      case 'whole':
        this.#failAll(records, verdict.message, out)
        return
      case 'parse':
        for (let i = 0; i < records.length; i++) {
          const r = records[i]
          if (r === undefined) continue
          const msg = verdict.failures.get(i)
          if (msg === undefined) out.inserted += r.lines.length
          else await this.#failRecord(r, msg, target, out)
        }
        return
      case 'unexplained': {
        const only = records.length === 1 ? records[0] : undefined
        if (only !== undefined) {
          await this.#failRecord(only, verdict.message, target, out)
        } else if (verdict.dropped === records.length) {
          // Every point was dropped: no need to look for the culprits.
          for (const r of records) await this.#failRecord(r, verdict.message, target, out)
        } else if (hasUntimedPoint(records, target.precision)) {
          this.#failAll(records, verdict.message, out)
        } else {
          const half = records.length >> 1
          await this.#write(records.slice(0, half), target, out, false)
          await this.#write(records.slice(half), target, out, false)
        }
        return
      }
      default: {
        const never: never = verdict
        throw new Error(`unhandled verdict ${String(never)}`)
      }
    }
  }

  #failAll(records: readonly DataRecord[], message: string, out: BatchOutcome): void {
    const first = records[0]
    const last = records[records.length - 1]
    if (first === undefined || last === undefined) return
    const n = lineCount(records)
    out.failed += n
    const lastLine = last.firstLine + last.lines.length - 1
    out.failures.push({ firstLine: first.firstLine, lastLine, lines: n, message })
  }

  /**
   * Counts a record as failed, with the server's reason for it alone (a `partial write: … dropped=N`
   * wrapper describes a whole request, not the line). A record of several lines failed as one point; its first line is
   * the culprit (its open quote or trailing backslash pulled the next lines in), so the lines after
   * it are grouped afresh and written again.
   */
  async #failRecord(
    r: DataRecord,
    message: string,
    target: WriteTarget,
    out: BatchOutcome,
  ): Promise<void> {
    out.failed += 1
    out.failures.push({
      firstLine: r.firstLine,
      lastLine: r.firstLine,
      lines: 1,
      message: lineReason(message),
    })
    if (r.lines.length > 1) await this.#write(regroupTail(r), target, out, false)
  }
}

/** `partial write: <reason> dropped=N` → `<reason>`; other messages as they are. */
function lineReason(message: string): string {
  const m = /^partial write: ([^]*) dropped=\d+$/.exec(message)
  return m?.[1] ?? message
}

/** The records as one /write body: lines joined by `\n`. */
export function joinRecords(records: readonly DataRecord[]): Buffer {
  let size = 0
  for (const r of records) for (const l of r.lines) size += l.length + 1
  const body = Buffer.allocUnsafe(Math.max(0, size - 1))
  let at = 0
  let first = true
  for (const r of records) {
    for (const l of r.lines) {
      if (!first) body[at++] = 0x0a
      first = false
      at += l.copy(body, at)
    }
  }
  return body
}

/** A time no real line carries: lines that parse to it had no timestamp. */
const NO_TIME_SENTINEL = -7_777_777_777_777_777_777n

/** True when a record parses to a point without a timestamp (the server would stamp it now). */
function hasUntimedPoint(records: readonly DataRecord[], precision: string): boolean {
  const now = truncateTime(NO_TIME_SENTINEL, precisionMultiplier(precision))
  const { points } = parsePoints(joinRecords(records), { precision, now })
  return points.some((p) => p.time === now)
}

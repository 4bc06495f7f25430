// TSM file names: `%09d-%09d.tsm` = generation, sequence (spec §2.14, §5), and the tombstone
// file that sits beside each TSM file. Parsing follows influxd: base name up to the first `.`,
// split at the first `-`, both parts base-10 uint32; anything else is "named incorrectly".

import { basename, dirname, extname, join } from 'node:path'
import { TSMFileNameError } from './file-errors.js'

const MAX_UINT32 = 0xffffffff

/** A TSM file's generation and sequence (the sequence carries the compaction level). */
export interface TSMFileID {
  readonly generation: number
  readonly sequence: number
}

function checkPart(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_UINT32) throw new TSMFileNameError(name)
}

/**
 * The TSM file name for a generation and sequence, e.g. (1, 1) → `000000001-000000001.tsm`.
 * Both must be integers in 0 … 2^32−1 (influxd parses them as uint32), else ERR_TSM_FILE_NAME.
 */
export function formatTSMFileName(generation: number, sequence: number): string {
  const stem = `${String(generation).padStart(9, '0')}-${String(sequence).padStart(9, '0')}`
  checkPart(generation, `${stem}.tsm`)
  checkPart(sequence, `${stem}.tsm`)
  return `${stem}.tsm`
}

function parseUint32(s: string): number | undefined {
  if (s.length === 0 || s.length > 10) return undefined
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return undefined
  }
  const n = Number(s)
  return n <= MAX_UINT32 ? n : undefined
}

/**
 * Parses a TSM file name or path (only the base name matters) into generation and sequence.
 * Throws TSMFileNameError (`file <name> is named incorrectly`) like influxd for bad names.
 */
export function parseTSMFileName(name: string): TSMFileID {
  const base = basename(name)
  const dot = base.indexOf('.')
  if (dot === -1) throw new TSMFileNameError(name)
  const id = base.slice(0, dot)
  const dash = id.indexOf('-')
  if (dash === -1) throw new TSMFileNameError(name)
  const generation = parseUint32(id.slice(0, dash))
  const sequence = parseUint32(id.slice(dash + 1))
  if (generation === undefined || sequence === undefined) throw new TSMFileNameError(name)
  return { generation, sequence }
}

/**
 * The tombstone path for a TSM file path: the extension (`.tsm`, or `.tsm.tmp`'s last part) is
 * replaced by `.tombstone`, e.g. `…/000000001-000000001.tombstone`. A path already ending in
 * `tombstone` is returned unchanged, as influxd does.
 */
export function tombstonePathFor(tsmPath: string): string {
  if (tsmPath.endsWith('tombstone')) return tsmPath
  const base = basename(tsmPath)
  const ext = extname(base)
  const stem = ext === '' ? base : base.slice(0, -ext.length)
  return join(dirname(tsmPath), `${stem}.tombstone`)
}

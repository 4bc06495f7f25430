// Deep check of one TSM file before a restore trusts it: the reader validates the header, footer
// and the whole index on open; TSMReader.checkKeys that every key is a series key and a field key
// (no empty measurement, tag or field name); then TSMReader.checkBlocks reads every block of every key
// (tombstoned ones too) with its CRC-32 checked, its type byte compared with the index, and its
// first and last timestamps (found without decoding the others) compared with the index entry's
// min and max time — the index has no checksum of its own, so this is what catches a flipped bit
// there. Blocks are streamed, so memory does not grow with the file.

import { TSMReader } from '../tsm/index.js'

/** What a checked TSM file holds. */
export interface TSMCheckResult {
  readonly keyCount: number
  readonly blockCount: number
  readonly minTime: bigint
  readonly maxTime: bigint
  /** The block types of each measurement's field, tombstones not applied (TSMReader.fieldTypes). */
  readonly fieldTypes: ReadonlyMap<string, ReadonlySet<number>>
}

/**
 * Checks the TSM file at `path` (its tombstone file is not read). Throws TSMCorruptError
 * (ERR_TSM_CORRUPT) with the byte offset of the first problem.
 */
export async function checkTSMFile(path: string): Promise<TSMCheckResult> {
  const reader = await TSMReader.open(path, { applyTombstones: false })
  try {
    const fieldTypes = reader.checkKeys()
    return {
      fieldTypes,
      blockCount: await reader.checkBlocks(),
      keyCount: reader.keyCount,
      minTime: reader.minTime,
      maxTime: reader.maxTime,
    }
  } finally {
    await reader.close()
  }
}

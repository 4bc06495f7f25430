// Deep check of one TSM file before a restore trusts it: the reader validates the header, footer
// and the whole index on open; TSMReader.checkKeys that every key is a series key and a field key
// (no empty measurement, tag or field name); then TSMReader.checkBlocks reads every block of every key
// (tombstoned ones too) with its CRC-32 checked, its type byte compared with the index, and its
// first and last timestamps (found without decoding the others) compared with the index entry's
// min and max time — the index has no checksum of its own, so this is what catches a flipped bit
// there. Blocks are streamed, so memory does not grow with the file.

import { TSMReader, type TSMKeyList } from '../tsm/index.js'

/** A file's keys once checked, and the field types they give (for the next file to reuse). */
export interface CheckedKeys {
  readonly keys: TSMKeyList
  readonly fieldTypes: ReadonlyMap<string, ReadonlySet<number>>
}

/** Options of checkTSMFile. */
export interface TSMCheckOptions {
  /**
   * The keys of the file before (of the same shard) as it checked them: when this file lists
   * the same keys and types, byte for byte, they are not checked again (the files of a shard
   * usually do, each a stretch of time of every series).
   */
  readonly previous?: Promise<CheckedKeys | undefined>
  /** Called once this file's keys are checked, with them (or undefined if the check failed first). */
  readonly onKeys?: (keys: CheckedKeys | undefined) => void
}

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
export async function checkTSMFile(
  path: string,
  options: TSMCheckOptions = {},
): Promise<TSMCheckResult> {
  let keys: CheckedKeys | undefined
  try {
    const reader = await TSMReader.open(path, { applyTombstones: false })
    try {
      const previous = await options.previous?.catch(() => undefined)
      const fieldTypes =
        previous !== undefined && reader.keyList.sameKeysAs(previous.keys)
          ? previous.fieldTypes
          : reader.checkKeys()
      keys = { keys: reader.keyList, fieldTypes }
      options.onKeys?.(keys)
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
  } finally {
    if (keys === undefined) options.onKeys?.(undefined)
  }
}

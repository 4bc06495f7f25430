// `tidemark-ctl verify DIR`: checks a backup set end to end before anyone restores from it
// (verifyBackupSet: manifests, the `.meta` file, and every archive a restore would use, extracted
// and read block by block) and prints one line per file checked, then the warnings. The first
// problem is printed as `FAILED <code>: <message>` and the command exits 1.

import { BackupOptionsError, verifyBackupSet, warningPlace } from '../backup/index.js'
import { TidemarkError } from '../util/index.js'
import { parseFlags } from './flags.js'

/** What `tidemark-ctl verify -h` prints. */
export const VERIFY_USAGE = `Usage: tidemark-ctl verify <path-to-backup-dir | path-to-manifest-file>

Checks a backup set without restoring it: the manifests, the metadata, and every archive a
restore would use (sizes, sha256, gzip, tar entry paths, TSM block checksums). Prints one line
per file; the first problem as FAILED <code>: <message>, with exit status 1.

Each archive is unpacked into the temporary directory ($TMPDIR, else /tmp) and removed once
checked, and each TSM file keeps only its index once its blocks are checked: the directory needs
room for the TSM files still being checked, not for a whole shard.
`

/** Runs `verify` with its own arguments; resolves to the exit code. */
export async function runVerify(
  args: readonly string[],
  out: NodeJS.WritableStream,
): Promise<number> {
  const { args: rest } = parseFlags({}, args)
  const dir = rest[0]
  if (rest.length !== 1 || dir === undefined || dir === '')
    throw new BackupOptionsError(
      'exactly one argument is required: the path of the backup directory (or of one manifest)',
      'verify',
    )
  let result
  try {
    result = await verifyBackupSet(dir)
  } catch (err) {
    if (!(err instanceof TidemarkError)) throw err
    out.write(`FAILED ${err.code}: ${err.message}\n`)
    return 1
  }
  for (const m of result.set.manifests) out.write(`OK  ${m.path}\n`)
  out.write(`OK  ${result.set.meta.path}\n`)
  for (const s of result.shards) {
    out.write(
      `OK  ${s.path} (shard ${s.shardID}, db ${s.database}, rp ${s.retentionPolicy}, ${s.tsmFiles} TSM files, ${s.tarSize} bytes)\n`,
    )
  }
  for (const w of result.warnings) out.write(`WARNING ${w.code}: ${warningPlace(w)}: ${w.reason}\n`)
  out.write(`Verified ${dir}: ${result.shards.length} shard archives OK\n`)
  return 0
}

// Durable file helpers: every file Tidemark publishes is written under a temporary name, fsynced,
// renamed into place and the directory fsynced, so a crash at any point leaves either the old file
// or the complete new one — never a torn file under the final name.

import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** The temporary name used while `path` is being written (InfluxDB deletes `*.tmp` at start-up). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `${basename(path)}.tmp`)
}

/** fsyncs a directory so that a rename or unlink inside it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/**
 * Writes `data` to `path` atomically and durably: temp file, write, fsync, rename, fsync the
 * directory. `mode` applies to the new file (default 0o644).
 */
export async function writeFileDurable(
  path: string,
  data: Uint8Array | string,
  mode = 0o644,
): Promise<void> {
  const tmp = tempPathFor(path)
  const fh = await open(tmp, 'w', mode)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } catch (err) {
    await fh.close()
    await rm(tmp, { force: true })
    throw err
  }
  await fh.close()
  await rename(tmp, path)
  await fsyncDir(dirname(path))
}

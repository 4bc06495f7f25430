// Durable file helpers: every file Tidemark publishes is written under a temporary name, fsynced,
// renamed into place and the directory fsynced, so a crash at any point leaves either the old file
// or the complete new one — never a torn file under the final name.

import { Buffer } from 'node:buffer'
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

/** Pieces are gathered to this many bytes per write: a few hundred syscalls for a 100 MB file, not thousands. */
const WRITE_BYTES = 1 << 20

/**
 * Writes `body` to a new file at `path` (`flags` default 'wx': it must not exist), a megabyte at a
 * time with one write in flight while the next is gathered, so the source keeps flowing. Resolves
 * once every byte is written, with a promise that settles when the file is synced (if `durable`)
 * and closed: a caller may go on (extract the next entry) while the disk catches up. On an error
 * of `body` or of a write the file is closed, not removed.
 */
export async function writeStreamToFile(
  path: string,
  body: AsyncIterable<Buffer>,
  options: { readonly durable: boolean; readonly mode: number; readonly flags?: string },
): Promise<{ closed: Promise<void> }> {
  const fh = await open(path, options.flags ?? 'wx', options.mode)
  let writing: Promise<void> = Promise.resolve()
  try {
    let position = 0
    let pending: Buffer[] = []
    let pendingBytes = 0
    const write = async (pieces: Buffer[], at: number, bytes: number): Promise<void> => {
      for (let done = 0; done < bytes;) {
        const { bytesWritten } = await fh.writev(pieces, at + done)
        done += bytesWritten
        if (done < bytes) pieces = [Buffer.concat(pieces).subarray(bytesWritten)]
      }
    }
    const flush = async (): Promise<void> => {
      await writing
      writing = write(pending, position, pendingBytes)
      position += pendingBytes
      pending = []
      pendingBytes = 0
    }
    for await (const piece of body) {
      pending.push(piece)
      pendingBytes += piece.length
      if (pendingBytes >= WRITE_BYTES) await flush()
    }
    await flush()
    await writing
  } catch (err) {
    await writing.catch(() => undefined)
    await fh.close()
    throw err
  }
  const closed = (async (): Promise<void> => {
    try {
      if (options.durable) await fh.sync()
    } finally {
      await fh.close()
    }
  })()
  closed.catch(() => undefined) // awaited by the caller
  return { closed }
}

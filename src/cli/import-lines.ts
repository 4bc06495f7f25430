// Reads an import file as numbered lines, streaming: the file (gunzipped on the fly with
// -compressed) is read in 64 KiB chunks and cut at `\n` bytes, so memory does not grow with the
// file. Lines are raw bytes without their `\n` (a `\r` before it stays, as in influx); a last
// line without a newline is still returned (influx drops it — a silent loss we do not copy).

import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { ImportInputError } from './import-errors.js'

/** One line of the input file. */
export interface SourceLine {
  /** The line's bytes without the terminating `\n`. May share memory with other lines. */
  readonly bytes: Buffer
  /** 1-based line number in the (decompressed) file. */
  readonly lineNo: number
}

const CHUNK_BYTES = 1 << 16

/** The text after `<CODE>: ` in a Node system error message (the C library's strerror text). */
function strerror(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(msg)
  return m?.[1] ?? msg
}

function readError(path: string, line: number, gzipped: boolean, err: unknown): ImportInputError {
  const e = err as NodeJS.ErrnoException
  let reason: string
  if (gzipped && line === 0 && e.code === 'Z_DATA_ERROR' && /header/.test(e.message)) {
    return new ImportInputError('gzip: invalid header', path, line, err)
  } else if (e.code === 'Z_BUF_ERROR' || e.message === 'unexpected end of file') {
    reason = 'unexpected EOF'
  } else if (e.code === 'EISDIR') {
    reason = `read ${path}: is a directory`
  } else if (gzipped && e.code?.startsWith('Z_') === true) {
    reason = `gzip: ${e.message}`
  } else {
    reason = strerror(err)
  }
  return new ImportInputError(`reading standard input: ${reason}`, path, line, err)
}

/**
 * Yields the lines of `path` in groups (one group per chunk read). Throws ImportInputError with
 * influx's wording when the file cannot be opened (`open <path>: no such file or directory`),
 * is not gzip (`gzip: invalid header`) or fails while being read. The file is closed when the
 * generator finishes or is abandoned.
 */
export async function* readSourceLines(
  path: string,
  compressed: boolean,
): AsyncGenerator<SourceLine[]> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (err) {
    throw new ImportInputError(`open ${path}: ${strerror(err)}`, path, 0, err)
  }
  const file = fh.createReadStream({ highWaterMark: CHUNK_BYTES })
  let source: Readable = file
  if (compressed) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES })
    file.on('error', (err) => gunzip.destroy(err))
    source = file.pipe(gunzip)
  }
  let lineNo = 0
  let carry: Buffer[] = []
  try {
    try {
      for await (const chunk of source) {
        if (!(chunk instanceof Buffer)) continue
        const out: SourceLine[] = []
        let start = 0
        for (;;) {
          const nl = chunk.indexOf(10, start)
          if (nl < 0) break
          let bytes = chunk.subarray(start, nl)
          if (carry.length > 0) {
            carry.push(bytes)
            bytes = Buffer.concat(carry)
            carry = []
          }
          out.push({ bytes, lineNo: ++lineNo })
          start = nl + 1
        }
        if (start < chunk.length) carry.push(chunk.subarray(start))
        if (out.length > 0) yield out
      }
    } catch (err) {
      throw readError(path, lineNo, compressed, err)
    }
    if (carry.length > 0) yield [{ bytes: Buffer.concat(carry), lineNo: ++lineNo }]
  } finally {
    source.destroy()
    file.destroy()
    await fh.close().catch(() => undefined)
  }
}

// Streaming tar writer for shard archives, producing what Go's archive/tar produces for influxd: per
// file a 512-byte USTAR header (node-tar's Header encodes it, moving a long path's directories into
// the 155-byte prefix field as Go does), preceded by a PAX header only when the path or size does
// not fit USTAR; the data padded to 512 bytes; and at the end exactly two zero blocks (no padding
// to a 10240-byte record). Files are read in 1 MiB pieces, so memory does not grow with file size.

import { Buffer } from 'node:buffer'
import { open } from 'node:fs/promises'
import { Header } from 'tar/header'
import { Pax } from 'tar/pax'

/** One file to put into a tar stream. */
export interface TarFile {
  /** Path inside the archive, forward slashes, relative (e.g. `db/autogen/1/000000001-000000001.tsm`). */
  readonly name: string
  /** The file to read on disk. */
  readonly source: string
  /** Bytes to copy: the file must hold at least this many (it was stat'ed when chosen). */
  readonly size: number
  readonly mtime: Date
}

const BLOCK = 512
/** The size of the pieces tarStream yields (all but the last). */
export const TAR_PIECE_BYTES = 1024 * 1024
const READ_BYTES = TAR_PIECE_BYTES
/** The end-of-archive marker Go writes: two zero blocks. */
export const TAR_END_MARKER_BYTES = 2 * BLOCK

/** The header block(s) of a regular file entry: a PAX header first when USTAR cannot hold it. */
export function tarFileHeader(name: string, size: number, mtime: Date, mode = 0o644): Buffer {
  const seconds = new Date(Math.floor(mtime.getTime() / 1000) * 1000)
  const data = {
    path: name,
    mode,
    uid: 0,
    gid: 0,
    size,
    mtime: seconds,
    type: 'File' as const,
    uname: 'root',
    gname: 'root',
  }
  const block = Buffer.alloc(BLOCK)
  const header = new Header(data)
  if (!header.encode(block, 0)) return block
  const pax = new Pax({ path: name, ...(size > 0o77777777777 ? { size } : {}) }).encode()
  return Buffer.concat([pax, block])
}

/** Zero bytes that pad `size` bytes of data up to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)
}

/** The bytes of the tar archive tarStream makes of `files`. */
export function tarSize(files: readonly TarFile[]): number {
  let n = TAR_END_MARKER_BYTES
  for (const f of files)
    n += tarFileHeader(f.name, f.size, f.mtime).length + f.size + tarPadding(f.size).length
  return n
}

/**
 * Yields the bytes of a tar archive holding `files` in order, reading each file as it goes, in
 * pieces the size of the buffers `piece` supplies, each filled (the last one shorter): headers,
 * file data and padding are laid into each piece where they fall, file data read straight into
 * it, so a consumer that cuts the stream into blocks of that size (ParallelGzip, 1 MiB) never
 * joins pieces. A file shorter than its `size` throws (it changed while being archived). `piece`
 * supplies buffers of one size, TAR_PIECE_BYTES by default (a BufferPool's, so that a consumer
 * can hand them back; an archive smaller than that may take one buffer of its own size).
 */
export async function* tarStream(
  files: Iterable<TarFile> | AsyncIterable<TarFile>,
  piece: () => Buffer = () => Buffer.allocUnsafe(READ_BYTES),
): AsyncGenerator<Buffer> {
  let out = piece()
  let fill = 0
  /** Yields the current piece if it is full, and starts the next. */
  function* whenFull(): Generator<Buffer> {
    if (fill < out.length) return
    yield out
    out = piece()
    fill = 0
  }
  /** Copies `bytes` into the pieces; yields each piece that fills up. */
  function* put(bytes: Buffer): Generator<Buffer> {
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(bytes.length - at, out.length - fill)
      bytes.copy(out, fill, at, at + n)
      fill += n
      at += n
      yield* whenFull()
    }
  }
  for await (const f of files) {
    yield* put(tarFileHeader(f.name, f.size, f.mtime))
    const fh = await open(f.source, 'r')
    try {
      let done = 0
      while (done < f.size) {
        const want = Math.min(out.length - fill, f.size - done)
        const { bytesRead } = await fh.read(out, fill, want, done)
        if (bytesRead === 0)
          throw new Error(`${f.source} shrank while being archived: ${done} of ${f.size} bytes`)
        done += bytesRead
        fill += bytesRead
        yield* whenFull()
      }
    } finally {
      await fh.close()
    }
    yield* put(tarPadding(f.size))
  }
  yield* put(Buffer.alloc(TAR_END_MARKER_BYTES))
  if (fill > 0) yield out.subarray(0, fill)
}

// The restore client's reading of a shard archive: the tar inside a `.tar.gz`, inflated as the file
// is read, for a node that takes archives in `tar` form (it untars and checks the entries; this
// side checks the gzip layer, and hashes the file when its manifest records a sha256, on its own
// core, as influxd restore does).
//
// No streams: an async generator reads our indexed gzip members (each records its length) into
// reused buffers, one member read ahead of the one being handed out, and hands out each member's
// data as one list of pieces (the upload sends it as one chunk in one write). A stored member
// (what ParallelGzip writes for data that does not shrink) is handed out as views of its buffer,
// which goes back to the pool once the consumer says it was sent; a deflated one is inflated on
// the thread pool, up to four at once, in order. The first member without the length
// subfield (an archive from influxd, or any other gzip) sends the rest of the file through zlib's
// streaming gunzip. Memory stays at a few members whatever the archive's size.

import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { createGunzip, gunzip } from 'node:zlib'
import { BufferPool } from '../util/index.js'
import { BackupGzipError, fileError } from './errors.js'
import { indexedLength, memberChunkBytes, storedData } from './parallel-gunzip.js'
import { INDEXED_HEADER_BYTES } from './parallel-gzip.js'

const gunzipAsync = promisify(gunzip)

/** Pool buffers hold a whole stored member of 1 MiB (ParallelGzip's piece) and the next header. */
const MEMBER_BUFFER_BYTES = (1 << 20) + 4096
/** Free member buffers kept: the upload's send buffer (4 MiB) and the members in flight. */
const MEMBER_BUFFERS_KEPT = 12
/** Deflated members inflating at once. */
const INFLATING_AT_ONCE = 4
/** Read size of the part of a file that is not made of indexed members. */
const PLAIN_READ_BYTES = 1 << 20

/** What an archive held, once its tar has been read to the end. */
export interface InflatedArchive {
  /** Lowercase hex sha256 of the `.tar.gz` bytes ('' when not computed: InflateOptions.hash). */
  readonly sha256: string
  readonly compressedSize: number
  readonly tarSize: number
}

/** Options of inflateArchive. */
export interface InflateOptions {
  /** Sees the size of every piece of the file read (for progress). */
  readonly onRead?: (bytes: number) => void
  /**
   * The caller compares the file's sha256 with a manifest that recorded it when the archive was
   * written (a Tidemark set): equal hashes prove the very bytes whose CRC-32s the writer computed,
   * so stored members skip their CRC-32 (their structure and lengths are still checked).
   */
  readonly sha256Checked?: boolean
  /**
   * Computes the file's sha256 (default true). False when nothing will compare it (a set made by
   * InfluxDB records none): ~0.7 ms of CPU per MB saved, and `sha256` is ''.
   */
  readonly hash?: boolean
}

/** The tar of an archive as inflateArchive hands it out. */
export interface ArchiveTar {
  /**
   * The tar's bytes in order, a list of pieces at a time (a gzip member's data). A list stays
   * valid until it is passed to `sent`. Fails with BackupFileMissingError or BackupGzipError
   * (naming the file and the compressed offset).
   */
  readonly pieces: AsyncIterable<readonly Buffer[]>
  /** Says a list has been sent and its memory may be reused (lists in the order they came). */
  readonly sent: (pieces: readonly Buffer[]) => void
  /**
   * What the archive held once `pieces` has ended; the error `pieces` failed with; or undefined
   * if the consumer stopped before the end.
   */
  readonly result: Promise<InflatedArchive | undefined>
}

function isZlibError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | undefined)?.code
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_')
}

/** Reads into `buf` from `position` until it is full or the file ends; the bytes read. */
async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let done = 0
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

/** The tar inside the `.tar.gz` at `path` (see ArchiveTar). Nothing is read before `pieces` is. */
export function inflateArchive(path: string, options: InflateOptions = {}): ArchiveTar {
  const hash = options.hash === false ? undefined : createHash('sha256')
  const pool = new BufferPool(MEMBER_BUFFER_BYTES, MEMBER_BUFFERS_KEPT)
  // Stored members whose views are out, oldest first.
  const lent: { views: readonly Buffer[]; buffer: Buffer }[] = []
  let compressed = 0
  let tarSize = 0
  let settle: (r: InflatedArchive | undefined, err?: unknown) => void = () => undefined
  const result = new Promise<InflatedArchive | undefined>((done, fail) => {
    settle = (r, err) => (err === undefined ? done(r) : fail(err))
  })
  result.catch(() => undefined) // the same error reaches whoever reads `pieces`

  const read = (n: number): void => {
    compressed += n
    options.onRead?.(n)
  }

  /** The rest of the file from `at`, as plain gzip through zlib. */
  async function* plain(fh: FileHandle, at: number): AsyncGenerator<readonly Buffer[]> {
    const bytes = (async function* (): AsyncGenerator<Buffer> {
      for (let position = at; ;) {
        const buf = Buffer.allocUnsafe(PLAIN_READ_BYTES)
        const n = await readFully(fh, buf, position)
        if (n === 0) return
        position += n
        hash?.update(buf.subarray(0, n))
        read(n)
        yield buf.subarray(0, n)
      }
    })()
    // zlib inflates one output chunk per turn on the thread pool, one turn after another: 1 MiB
    // chunks instead of 256 KiB restored influxd's 94 MB set in ~0.53 s instead of ~0.59 s
    // (7 runs each, twice), the node's share ~0.38 s instead of ~0.44.
    const gz = createGunzip({ chunkSize: PLAIN_READ_BYTES })
    const source = Readable.from(bytes)
    source.on('error', (err) => gz.destroy(err))
    source.pipe(gz)
    try {
      for await (const piece of gz as AsyncIterable<Buffer>) {
        tarSize += piece.length
        yield [piece]
      }
    } finally {
      source.destroy()
      gz.destroy()
    }
  }

  async function* members(fh: FileHandle): AsyncGenerator<readonly Buffer[]> {
    const inflating: { at: number; out: Promise<Buffer> }[] = []
    async function* inflated(keep: number): AsyncGenerator<readonly Buffer[]> {
      while (inflating.length > keep) {
        const first = inflating.shift() as (typeof inflating)[number]
        let out: Buffer
        try {
          out = await first.out
        } catch (err) {
          throw isZlibError(err) ? new BackupGzipError(path, first.at, err.message, err) : err
        }
        tarSize += out.length
        yield [out]
      }
    }
    const take = (total: number, at: number): Promise<{ buffer: Buffer; n: number }> => {
      const want = total + INDEXED_HEADER_BYTES
      const buffer = want <= pool.size ? pool.take() : Buffer.allocUnsafe(want)
      return readFully(fh, buffer.subarray(0, want), at).then((n) => ({ buffer, n }))
    }
    const first = Buffer.alloc(INDEXED_HEADER_BYTES)
    let header = first.subarray(0, await readFully(fh, first, 0))
    let at = 0
    let next: Promise<{ buffer: Buffer; n: number }> | undefined
    const fileSize = (await fh.stat()).size
    /**
     * The length of the member at `memberAt` its header records; a member the file cannot hold
     * (truncated, or a damaged header: nothing is allocated for it) ends it unexpectedly.
     */
    const lengthAt = (memberAt: number): number | undefined => {
      const n = header.length === INDEXED_HEADER_BYTES ? indexedLength(header) : undefined
      if (n !== undefined && n > fileSize - memberAt)
        throw new BackupGzipError(
          path,
          fileSize,
          `unexpected end of file (the gzip member at offset ${memberAt} records ${n} bytes)`,
        )
      return n
    }
    for (;;) {
      const total = lengthAt(at)
      if (total === undefined) break
      const { buffer, n } = await (next ?? take(total, at))
      next = undefined
      if (n < total) {
        hash?.update(buffer.subarray(0, n))
        read(n)
        yield* inflated(0)
        throw new BackupGzipError(path, at + n, 'unexpected end of file')
      }
      const member = buffer.subarray(0, total)
      hash?.update(member)
      read(total)
      const memberAt = at
      at += total
      // The next member's header came with this one: copy it out, read that member meanwhile.
      header = Buffer.from(buffer.subarray(total, n))
      const nextTotal = lengthAt(at)
      if (nextTotal !== undefined) {
        next = take(nextTotal, at)
        next.catch(() => undefined) // awaited on the next turn, unless an error ends the loop first
      }
      const views = storedData(member, { checkCRC: options.sha256Checked !== true })
      if (views === undefined) {
        const out = gunzipAsync(member, {
          chunkSize: memberChunkBytes(member.readUInt32LE(total - 4)),
        }).finally(() => pool.give(buffer))
        out.catch(() => undefined) // awaited in order by inflated()
        inflating.push({ at: memberAt, out })
        yield* inflated(INFLATING_AT_ONCE - 1)
        continue
      }
      yield* inflated(0)
      lent.push({ views, buffer })
      for (const v of views) tarSize += v.length
      yield views
    }
    yield* inflated(0)
    // Bytes that do not start a gzip member (a plain tar named .tar.gz) fail where they begin.
    if (header.length >= 2 && (header[0] !== 0x1f || header[1] !== 0x8b))
      throw new BackupGzipError(path, at, 'incorrect header check (not gzip data)')
    if (at === 0 || header.length > 0) yield* plain(fh, at)
  }

  async function* pieces(): AsyncGenerator<readonly Buffer[]> {
    let fh: FileHandle
    try {
      fh = await open(path, 'r')
    } catch (err) {
      const e = fileError(path, 'the manifest', err)
      settle(undefined, e)
      throw e
    }
    let ended = false
    try {
      yield* members(fh)
      ended = true
      settle({ sha256: hash?.digest('hex') ?? '', compressedSize: compressed, tarSize })
    } catch (err) {
      const e = isZlibError(err) ? new BackupGzipError(path, compressed, err.message, err) : err
      settle(undefined, e)
      throw e
    } finally {
      if (!ended) settle(undefined)
      await fh.close()
    }
  }

  return {
    pieces: pieces(),
    sent: (views) => {
      const head = lent[0]
      if (head === undefined || head.views !== views) return
      lent.shift()
      pool.give(head.buffer)
    },
    result,
  }
}

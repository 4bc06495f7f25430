// Streaming tar reader for shard archives. node-tar decodes each 512-byte header (checksum,
// octal and base-256 numbers, the USTAR prefix field) and each PAX record set; this module does the
// framing itself so that it knows the exact offset of every header and data byte and can stop at
// the first problem with a typed error: a bad header checksum, a truncated header or body, a
// missing or malformed end-of-archive marker, or non-zero bytes after it. GNU long names (`L`) and
// PAX `x`/`g` headers are applied to the next entry. Entries reach the caller one at a time with a
// body stream; whatever the caller does not read is skipped.

import type { Buffer } from 'node:buffer'
import { Header } from 'tar/header'
import { Pax } from 'tar/pax'
import type { HeaderData } from 'tar/header'
import { ByteSource } from './byte-source.js'
import { BackupTarError } from './errors.js'

/** One entry of a tar stream as the reader reports it. */
export interface TarEntryHeader {
  /** The entry's path after PAX / GNU long name / USTAR prefix handling, as stored (not normalised). */
  readonly path: string
  /** node-tar's type name: `File`, `OldFile`, `Directory`, `SymbolicLink`, `Link`, … or `Unsupported`. */
  readonly type: string
  /** Bytes of data. */
  readonly size: number
  readonly mode: number
  readonly mtime: Date | undefined
  /** Offset of the entry's first header block (its PAX or long-name header, if any). */
  readonly headerOffset: number
  /** Offset of the entry's first data byte. */
  readonly dataOffset: number
}

/** What reading a whole tar stream found. */
export interface TarReadResult {
  /** Offset just after the end-of-archive marker (two zero blocks). */
  readonly endOffset: number
  /** Every byte of the stream, including zero padding after the marker. */
  readonly totalBytes: number
  readonly entryCount: number
}

/** Called for each entry; may read `body` (exactly `header.size` bytes) before resolving. */
export type TarEntryHandler = (header: TarEntryHeader, body: AsyncIterable<Buffer>) => Promise<void>

const BLOCK = 512
/** Largest PAX or GNU long-name body we accept. */
const MAX_META_BYTES = 1024 * 1024
const META_TYPES = new Set([
  'ExtendedHeader',
  'OldExtendedHeader',
  'GlobalExtendedHeader',
  'NextFileHasLongPath',
  'OldGnuLongPath',
  'NextFileHasLongLinkpath',
])

function firstNonZero(b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return i
  return -1
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}

/**
 * Reads a tar stream from `source`, calling `onEntry` for every entry that is not a PAX or
 * long-name header. `path` only names the archive in errors. Throws BackupTarError (with the
 * offset and entry) for a malformed stream, and whatever `onEntry` throws.
 */
export async function readTar(
  source: AsyncIterable<Uint8Array>,
  path: string,
  onEntry: TarEntryHandler,
): Promise<TarReadResult> {
  const src = new ByteSource(source)
  let ex: HeaderData | undefined
  let gex: HeaderData | undefined
  let metaStart: number | undefined
  let entryCount = 0
  for (;;) {
    const at = src.position
    const block = await src.read(BLOCK)
    if (block.length === 0)
      throw new BackupTarError(path, at, 'the archive ends without the end-of-archive marker')
    if (block.length < BLOCK)
      throw new BackupTarError(path, at, `truncated header: ${block.length} of 512 bytes`)
    if (firstNonZero(block) === -1) {
      const second = await src.read(BLOCK)
      if (second.length < BLOCK || firstNonZero(second) !== -1) {
        throw new BackupTarError(
          path,
          at + BLOCK,
          'the end-of-archive marker is not two zero blocks',
        )
      }
      if (metaStart !== undefined)
        throw new BackupTarError(path, metaStart, 'an extended header is not followed by an entry')
      const endOffset = src.position
      for await (const piece of src.rest()) {
        const i = firstNonZero(piece)
        if (i !== -1) {
          throw new BackupTarError(
            path,
            src.position - piece.length + i,
            'data after the end-of-archive marker',
          )
        }
      }
      return { endOffset, totalBytes: src.position, entryCount }
    }
    let header: Header
    try {
      header = new Header(block, 0, ex, gex)
    } catch (err) {
      throw new BackupTarError(path, at, `unreadable header: ${(err as Error).message}`)
    }
    if (!header.cksumValid)
      throw new BackupTarError(path, at, 'header checksum mismatch', header.path)
    const size = header.size
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new BackupTarError(path, at, 'invalid size field', header.path)
    }
    const type = header.type
    if (META_TYPES.has(type)) {
      if (size > MAX_META_BYTES)
        throw new BackupTarError(path, at, `extended header of ${size} bytes is too large`)
      const body = await src.read(size)
      if (body.length < size)
        throw new BackupTarError(path, src.position, 'truncated extended header')
      if ((await src.skip(padding(size))) < padding(size))
        throw new BackupTarError(path, src.position, 'truncated extended header')
      const text = body.toString('utf8')
      if (type === 'GlobalExtendedHeader') gex = Pax.parse(text, gex, true)
      else if (type === 'NextFileHasLongLinkpath')
        ex = { ...(ex ?? {}), linkpath: text.replace(/\0[\s\S]*$/, '') }
      else if (type === 'NextFileHasLongPath' || type === 'OldGnuLongPath')
        ex = { ...(ex ?? {}), path: text.replace(/\0[\s\S]*$/, '') }
      else ex = Pax.parse(text, ex, false)
      metaStart ??= at
      continue
    }
    // A PAX or GNU long path replaces the header's name and USTAR prefix whole; node-tar's Header
    // still puts the prefix in front of it (its own parser's ReadEntry applies the path again).
    const entryPath = ex?.path ?? header.path ?? ''
    const headerOffset = metaStart ?? at
    metaStart = undefined
    ex = undefined
    const dataOffset = src.position
    const end = dataOffset + size
    const entry: TarEntryHeader = {
      path: entryPath,
      type,
      size,
      mode: header.mode ?? 0,
      mtime: header.mtime,
      headerOffset,
      dataOffset,
    }
    entryCount++
    const truncated = (): BackupTarError =>
      new BackupTarError(
        path,
        src.position,
        `truncated entry: ${end - src.position} of ${size} data bytes missing`,
        entryPath,
      )
    await onEntry(entry, src.take(size, truncated))
    const left = end - src.position
    if (left > 0 && (await src.skip(left)) < left) throw truncated()
    const pad = padding(size)
    if ((await src.skip(pad)) < pad)
      throw new BackupTarError(path, src.position, 'truncated padding after entry data', entryPath)
  }
}

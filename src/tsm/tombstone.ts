// Tombstone files (spec §2.15): deletions recorded beside an immutable TSM file, as TSM keys with
// an inclusive time range. The version is chosen by the first 4 bytes:
//
//   v1  anything else (or < 4 bytes): text, one key per line, each deleted for all time
//   v2  00 00 15 02: records, uncompressed
//   v3  00 00 15 03: one gzip stream of records
//   v4  00 00 15 04: concatenated gzip members of records (one per delete batch) — what we write
//
//   record = BE u32 key length | key | BE i64 min | BE i64 max
//
// We read all four and write v4. Unlike influxd, which replaces a v1–v3 file by a v3 file holding
// only the new records, appendTombstones() keeps the old records by rewriting such a file as v4.

import { Buffer } from 'node:buffer'
import { readFile } from 'node:fs/promises'
import { gunzipSync, gzipSync } from 'node:zlib'
import { writeFileDurable } from '../util/index.js'
import { TombstoneCorruptError } from './file-errors.js'

/** One deletion: the points of `key` with min ≤ time ≤ max (ns) are deleted. */
export interface TombstoneRecord {
  readonly key: string
  readonly min: bigint
  readonly max: bigint
}

/** The smallest and largest int64: a record with both deletes the whole key. */
export const TOMBSTONE_MIN_TIME = -(2n ** 63n)
export const TOMBSTONE_MAX_TIME = 2n ** 63n - 1n

const V2_HEADER = 0x00001502
const V3_HEADER = 0x00001503
const V4_HEADER = 0x00001504

function headerOf(bytes: Uint8Array): number {
  if (bytes.length < 4) return -1
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
}

/**
 * Parses binary records. `base` is added to positions in errors; `where` says whether those are
 * file offsets or offsets in the decompressed records.
 */
function parseRecords(
  data: Uint8Array,
  path: string,
  base: number,
  where: string,
): TombstoneRecord[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const out: TombstoneRecord[] = []
  let pos = 0
  while (pos < buf.length) {
    if (buf.length - pos < 4) {
      throw new TombstoneCorruptError(path, base + pos, `truncated key length${where}`)
    }
    const keyLen = buf.readUInt32BE(pos)
    if (buf.length - pos - 4 < keyLen + 16) {
      const reason = `truncated record (key length ${keyLen})${where}`
      throw new TombstoneCorruptError(path, base + pos, reason)
    }
    const key = buf.toString('utf8', pos + 4, pos + 4 + keyLen)
    pos += 4 + keyLen
    const min = buf.readBigInt64BE(pos)
    const max = buf.readBigInt64BE(pos + 8)
    pos += 16
    out.push({ key, min, max })
  }
  return out
}

function gunzip(body: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(body)
  } catch (err) {
    throw new TombstoneCorruptError(path, 4, `cannot decompress: ${(err as Error).message}`, err)
  }
}

/**
 * Decodes the bytes of a tombstone file of any version. `path` only names the file in errors.
 * Throws TombstoneCorruptError (ERR_TSM_TOMBSTONE_CORRUPT) with an offset on bad input.
 */
export function decodeTombstones(bytes: Uint8Array, path = '<memory>'): TombstoneRecord[] {
  const header = headerOf(bytes)
  const body = bytes.subarray(4)
  switch (header) {
    case V2_HEADER:
      return parseRecords(body, path, 4, '')
    case V3_HEADER:
    case V4_HEADER: {
      // Node's gunzip reads concatenated gzip members, which is all v4 adds to v3.
      if (body.length === 0) return []
      return parseRecords(gunzip(body, path), path, 0, ' (offset in the decompressed records)')
    }
    default: {
      const out: TombstoneRecord[] = []
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
      for (let line of text.split('\n')) {
        if (line.endsWith('\r')) line = line.slice(0, -1)
        if (line !== '') out.push({ key: line, min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME })
      }
      return out
    }
  }
}

/**
 * Reads the tombstone file at `path` (any version). A missing file means no tombstones and
 * gives an empty array.
 */
export async function readTombstones(path: string): Promise<TombstoneRecord[]> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return decodeTombstones(bytes, path)
}

/** Encodes records uncompressed (the body of a v2 file, and of each v3/v4 gzip member). */
export function encodeTombstoneRecords(records: readonly TombstoneRecord[]): Uint8Array {
  const keys = records.map((r) => Buffer.from(r.key, 'utf8'))
  let size = 0
  for (const k of keys) size += 20 + k.length
  const out = Buffer.alloc(size)
  let pos = 0
  records.forEach((r, i) => {
    const k = keys[i] ?? Buffer.alloc(0)
    out.writeUInt32BE(k.length, pos)
    k.copy(out, pos + 4)
    pos += 4 + k.length
    out.writeBigInt64BE(BigInt.asIntN(64, r.min), pos)
    out.writeBigInt64BE(BigInt.asIntN(64, r.max), pos + 8)
    pos += 16
  })
  return out
}

/** A v4 tombstone file (header and one gzip member) holding `records`. */
export function encodeTombstonesV4(records: readonly TombstoneRecord[]): Uint8Array {
  return Buffer.concat([v4Header(), gzipSync(encodeTombstoneRecords(records))])
}

function v4Header(): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(V4_HEADER)
  return b
}

/**
 * Adds `records` to the tombstone file at `path`: a v4 file gets one more gzip member; a missing
 * file becomes a new v4 file; a v1–v3 file is rewritten as v4 holding its old records and the
 * new ones. The whole file is replaced durably (temp file, fsync, rename, fsync the directory).
 * No records: nothing changes. Not safe for concurrent calls on the same path.
 */
export async function appendTombstones(
  path: string,
  records: readonly TombstoneRecord[],
): Promise<void> {
  if (records.length === 0) return
  let existing: Buffer | undefined
  try {
    existing = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const member = gzipSync(encodeTombstoneRecords(records))
  let next: Buffer
  if (existing === undefined) {
    next = Buffer.concat([v4Header(), member])
  } else if (headerOf(existing) === V4_HEADER) {
    // Validate what is there before extending it, so a corrupt file is reported, not grown.
    decodeTombstones(existing, path)
    next = Buffer.concat([existing, member])
  } else {
    const old = decodeTombstones(existing, path)
    next = Buffer.concat([v4Header(), gzipSync(encodeTombstoneRecords([...old, ...records]))])
  }
  await writeFileDurable(path, next)
}

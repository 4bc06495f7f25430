// CRC-32 with the IEEE polynomial (Go's crc32.ChecksumIEEE), as TSM blocks use it.
import { crc32 as zlibCRC32 } from 'node:zlib'

/** The IEEE CRC-32 of `data`, as an unsigned 32-bit number. */
export function crc32(data: Uint8Array): number {
  return zlibCRC32(data) >>> 0
}

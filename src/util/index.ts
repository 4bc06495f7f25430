// Leaf helpers that know nothing about the domain: errors, bytes, CRC, durable files.
export { TidemarkError, NotOpenError, ShortBufferError } from './errors.js'
export type { ErrorFields } from './errors.js'
export { ByteReader, ByteWriter, uvarintSize } from './bytes.js'
export { crc32, loadCRC32 } from './crc32.js'
export {
  tempPathFor,
  fsyncDir,
  writeFileDurable,
  writeStreamToFile,
  WriteBehind,
} from './durable-file.js'
export { listenOn, closeServer, keepConnectionsLikeGo } from './http-server.js'
export { goJSONString } from './go-json-string.js'
export { forEachWhileRoom, mapInOrder, roomForSmall } from './map-in-order.js'
export { parseGoDurationMs } from './go-duration.js'
export { chunksOf } from './chunks.js'
export { drainOrClose } from './drain.js'
export { BufferPool } from './buffer-pool.js'
export { snappy } from './snappy.js'

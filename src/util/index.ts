// Leaf helpers that know nothing about the domain: errors, bytes, CRC, durable files.
export { TidemarkError, NotOpenError, ShortBufferError } from './errors.js'
export type { ErrorFields } from './errors.js'
export { ByteReader, ByteWriter, uvarintSize } from './bytes.js'
export { crc32 } from './crc32.js'
export { tempPathFor, fsyncDir, writeFileDurable } from './durable-file.js'
export { listenOn, closeServer, keepConnectionsLikeGo } from './http-server.js'
export { goJSONString } from './go-json-string.js'
export { mapInOrder } from './map-in-order.js'

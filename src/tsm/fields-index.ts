// fields.idx (spec §4): a shard's measurement → field → type map, as influxd saves it.
//
//   00 06 01 03 (magic) | protobuf (proto3) MeasurementFieldSet
//   MeasurementFieldSet { repeated MeasurementFields Measurements = 1 }
//   MeasurementFields   { string Name = 1; repeated Field Fields = 2 }
//   Field               { string Name = 1; int32 Type = 2 }   // influxql: 1 float, 2 integer,
//                                                             // 3 string, 4 boolean, 9 unsigned
//
// Names are un-escaped measurement names and field keys. influxd writes measurements and fields in
// Go map order (random), so files compare semantically, not byte for byte. The protobuf messages
// are built with protobufjs's reflection API, not by hand.

import { Buffer } from 'node:buffer'
import { readFile, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import protobuf from 'protobufjs/light.js'
import type { FieldType } from '../lineprotocol/index.js'
import { fsyncDir, writeFileDurable } from '../util/index.js'
import { FieldsIndexCorruptError, FieldsIndexFormatError } from './file-errors.js'

/** Measurement name → field key → field type. */
export type FieldsIndex = Map<string, Map<string, FieldType>>

/** The 4 magic bytes that start fields.idx. */
export const FIELDS_INDEX_MAGIC: Readonly<Uint8Array> = new Uint8Array([0x00, 0x06, 0x01, 0x03])

const TYPE_CODES: Readonly<Record<FieldType, number>> = {
  float: 1,
  integer: 2,
  string: 3,
  boolean: 4,
  unsigned: 9,
}

function fieldTypeOfCode(code: number): FieldType | undefined {
  switch (code) {
    case 1:
      return 'float'
    case 2:
      return 'integer'
    case 3:
      return 'string'
    case 4:
      return 'boolean'
    case 9:
      return 'unsigned'
    default:
      return undefined
  }
}

function buildTypes(): { set: protobuf.Type } {
  const field = new protobuf.Type('Field')
    .add(new protobuf.Field('Name', 1, 'string'))
    .add(new protobuf.Field('Type', 2, 'int32'))
  const measurement = new protobuf.Type('MeasurementFields')
    .add(new protobuf.Field('Name', 1, 'string'))
    .add(new protobuf.Field('Fields', 2, 'Field', 'repeated'))
  const set = new protobuf.Type('MeasurementFieldSet').add(
    new protobuf.Field('Measurements', 1, 'MeasurementFields', 'repeated'),
  )
  new protobuf.Root().define('tsdb').add(field).add(measurement).add(set)
  return { set }
}

let types: { set: protobuf.Type } | undefined
/** The message types, built on first use (no import side effects). */
function messageTypes(): { set: protobuf.Type } {
  types ??= buildTypes()
  return types
}

/**
 * Encodes a fields index: magic, then the protobuf. Empty names are omitted as proto3 does.
 * Measurements and fields are written in the maps' iteration order.
 */
export function encodeFieldsIndex(
  index: ReadonlyMap<string, ReadonlyMap<string, FieldType>>,
): Uint8Array {
  const { set } = messageTypes()
  const measurements = []
  for (const [name, fields] of index) {
    const list = []
    for (const [fieldName, type] of fields) {
      const code = TYPE_CODES[type]
      list.push(fieldName === '' ? { Type: code } : { Name: fieldName, Type: code })
    }
    measurements.push(name === '' ? { Fields: list } : { Name: name, Fields: list })
  }
  const body = set.encode(set.create({ Measurements: measurements })).finish()
  const out = new Uint8Array(4 + body.length)
  out.set(FIELDS_INDEX_MAGIC)
  out.set(body, 4)
  return out
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : []
}

/**
 * Decodes fields.idx bytes. A bad magic throws FieldsIndexFormatError
 * (ERR_TSM_FIELDS_INDEX_FORMAT); a bad protobuf or an unknown type code throws
 * FieldsIndexCorruptError. Either way callers rebuild the index from the TSM keys.
 * `path` only names the file in errors.
 */
export function decodeFieldsIndex(bytes: Uint8Array, path?: string): FieldsIndex {
  const head = bytes.subarray(0, 4)
  if (head.length < 4 || head.some((b, i) => b !== FIELDS_INDEX_MAGIC[i])) {
    throw new FieldsIndexFormatError(path, Buffer.from(head).toString('hex'))
  }
  const { set } = messageTypes()
  let decoded: unknown
  try {
    decoded = set.toObject(set.decode(bytes.subarray(4)), { defaults: false })
  } catch (err) {
    throw new FieldsIndexCorruptError(path, `bad protobuf: ${(err as Error).message}`, err)
  }
  const out: FieldsIndex = new Map()
  for (const m of asArray(asRecord(decoded)['Measurements'])) {
    const mr = asRecord(m)
    const name = typeof mr['Name'] === 'string' ? mr['Name'] : ''
    const fields = new Map<string, FieldType>()
    for (const f of asArray(mr['Fields'])) {
      const fr = asRecord(f)
      const fieldName = typeof fr['Name'] === 'string' ? fr['Name'] : ''
      const code = typeof fr['Type'] === 'number' ? fr['Type'] : 0
      const type = fieldTypeOfCode(code)
      if (type === undefined) {
        const where = `field ${JSON.stringify(fieldName)} of measurement ${JSON.stringify(name)}`
        throw new FieldsIndexCorruptError(path, `${where} has unknown type code ${code}`)
      }
      fields.set(fieldName, type)
    }
    // Like influxd, a later entry for the same measurement replaces an earlier one.
    out.set(name, fields)
  }
  return out
}

/**
 * Reads fields.idx at `path`: undefined when the file is missing, else as decodeFieldsIndex
 * (an empty file is a bad magic).
 */
export async function readFieldsIndex(path: string): Promise<FieldsIndex | undefined> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  return decodeFieldsIndex(bytes, path)
}

/**
 * Writes fields.idx durably (temp file, fsync, rename, fsync the directory). Like influxd, an
 * index with no measurements removes the file instead.
 */
export async function writeFieldsIndex(
  path: string,
  index: ReadonlyMap<string, ReadonlyMap<string, FieldType>>,
): Promise<void> {
  if (index.size === 0) {
    await rm(path, { force: true })
    await fsyncDir(dirname(path))
    return
  }
  await writeFileDurable(path, encodeFieldsIndex(index))
}

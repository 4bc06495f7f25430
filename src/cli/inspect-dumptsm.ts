// `tidemark-inspect dumptsm` (= influx_inspect dumptsm): a summary of one TSM file (path, time
// range, duration, key count, size), with -index its index entries, with -blocks every block
// (checksum, offset, length, type, first time, points, timestamp/value encodings and section
// lengths), then statistics: block sizes, points, encodings in use and bytes per point. Laid out
// as influx_inspect does, with aligned columns and the real block offsets. Tombstones are applied
// (deleted keys are not listed), as influxd's reader does.

import { crc32 } from '../util/index.js'
import { decodeBlockTimestamps, splitBlock, TSMReader } from '../tsm/index.js'
import { FlagError, formatUsage, parseFlags } from './flags.js'
import type { InspectIO } from './inspect-io.js'
import { formatTable } from './inspect-table.js'
import { formatDuration, formatRFC3339Nano } from './inspect-time.js'

const FLAGS = {
  index: { kind: 'boolean', default: false, usage: 'Dump raw index data' },
  blocks: { kind: 'boolean', default: false, usage: 'Dump raw block data' },
  all: {
    kind: 'boolean',
    default: false,
    usage: 'Dump all data. Caution: This may print a lot of information',
  },
  'filter-key': {
    kind: 'string',
    default: '',
    usage: 'Only display index and block data that match this key substring',
  },
} as const

/** The help text of the dumptsm command. */
export function dumpTSMUsage(): string {
  return (
    'Dumps low-level details about a TSM file.\n\n' +
    'Usage: tidemark-inspect dumptsm [flags] <path>\n\n' +
    formatUsage(FLAGS)
  )
}

/** Block type names (by block type byte) and encoding names (by section header nibble). */
const TYPE_NAMES = ['float64', 'int64', 'bool', 'string', 'unsigned']
const TIME_ENCODINGS = ['none', 's8b', 'rle']
const VALUE_ENCODINGS: readonly (readonly string[])[] = [
  ['none', 'gor'],
  ['none', 's8b', 'rle'],
  ['none', 'bp'],
  ['none', 'snpy'],
  ['none', 's8b', 'rle'],
]
const STAT_NAMES = ['Timestamp', 'Float', 'Int', 'Bool', 'String', 'Unsigned']

function encodingName(names: readonly string[], nibble: number): string {
  return names[nibble] ?? `unknown(${nibble})`
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('#!~#')
  return at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at + 4)]
}

class Stats {
  blocks = 0
  bytes = 0
  min = Number.MAX_SAFE_INTEGER
  max = 0
  points = 0
  /** Per section kind (0 timestamps, 1 + block type): encoding name → blocks. */
  readonly encodings: Map<string, number>[] = STAT_NAMES.map(() => new Map())

  add(size: number, points: number, timeEnc: string, type: number, valueEnc: string): void {
    this.blocks++
    this.bytes += size
    this.min = Math.min(this.min, size)
    this.max = Math.max(this.max, size)
    this.points += points
    const inc = (m: Map<string, number> | undefined, k: string): void => {
      m?.set(k, (m.get(k) ?? 0) + 1)
    }
    inc(this.encodings[0], timeEnc)
    inc(this.encodings[type + 1], valueEnc)
  }
}

/** Runs `tidemark-inspect dumptsm`; resolves to the exit code (1 when a block cannot be read). */
export async function runDumpTSM(args: readonly string[], io: InspectIO): Promise<number> {
  if (args.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    io.stdout.write(dumpTSMUsage())
    return 0
  }
  let path: string
  let flags: { index: boolean; blocks: boolean; filter: string }
  try {
    const { values: f, args: rest } = parseFlags(FLAGS, args)
    if (rest.length !== 1 || rest[0] === undefined)
      throw new FlagError('dumptsm needs exactly one TSM file path', '')
    path = rest[0]
    flags = { index: f.index || f.all, blocks: f.blocks || f.all, filter: f['filter-key'] }
  } catch (err) {
    if (!(err instanceof FlagError)) throw err
    io.stderr.write(`${err.message}\n${dumpTSMUsage()}`)
    return 1
  }
  let reader: TSMReader
  try {
    reader = await TSMReader.open(path)
  } catch (err) {
    io.stderr.write(`Error opening TSM file: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  try {
    return await dump(reader, flags, io)
  } finally {
    await reader.close()
  }
}

async function dump(
  reader: TSMReader,
  flags: { index: boolean; blocks: boolean; filter: string },
  io: InspectIO,
): Promise<number> {
  const out = io.stdout
  const empty = reader.keyCount === 0
  out.write(
    'Summary:\n' +
      `  File: ${reader.path}\n` +
      `  Time Range: ${formatRFC3339Nano(reader.minTime)} - ${formatRFC3339Nano(reader.maxTime)}\n` +
      `  Duration: ${empty ? '0s' : formatDuration(reader.maxTime - reader.minTime)}` +
      `   Series: ${reader.keyCount}   File Size: ${reader.size}\n\n`,
  )
  const keys = [...reader.keys()].filter((k) => flags.filter === '' || k.includes(flags.filter))
  if (flags.index) {
    const rows = [['Pos', 'Min Time', 'Max Time', 'Ofs', 'Size', 'Key', 'Field']]
    let pos = 0
    for (const key of keys) {
      const [series, field] = splitKey(key)
      for (const e of reader.entries(key)) {
        pos++
        rows.push([
          String(pos),
          formatRFC3339Nano(e.minTime),
          formatRFC3339Nano(e.maxTime),
          String(e.offset),
          String(e.size),
          series,
          field,
        ])
      }
    }
    out.write('Index:\n\n' + formatTable(rows, '  ') + '\n')
  }
  const stats = new Stats()
  const blockRows = [
    ['Blk', 'Chk', 'Ofs', 'Len', 'Type', 'Min Time', 'Points', 'Enc [T/V]', 'Len [T/V]'],
  ]
  const errors: string[] = []
  let n = 0
  for (const key of keys) {
    const type = reader.type(key) ?? 0
    for (const e of reader.entries(key)) {
      const blk = n++
      try {
        const data = await reader.readBlock(e)
        const s = splitBlock(data)
        const times = decodeBlockTimestamps(data)
        const timeEnc = encodingName(TIME_ENCODINGS, (s.timestamps[0] ?? 0) >>> 4)
        const valueEnc = encodingName(VALUE_ENCODINGS[type] ?? [], (s.values[0] ?? 0) >>> 4)
        stats.add(data.length, times.length, timeEnc, type, valueEnc)
        blockRows.push([
          String(blk),
          String(crc32(data)),
          String(e.offset),
          String(data.length),
          TYPE_NAMES[type] ?? String(type),
          formatRFC3339Nano(times[0] ?? 0n),
          String(times.length),
          `${timeEnc}/${valueEnc}`,
          `${s.timestamps.length}/${s.values.length}`,
        ])
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err)
        errors.push(`block ${blk} of key ${key} at offset ${e.offset}: ${why}`)
        blockRows.push([String(blk), '-', String(e.offset), String(e.size - 4), 'CORRUPT', why])
      }
    }
  }
  if (flags.blocks) out.write('Blocks:\n\n' + formatTable(blockRows, '  ') + '\n')
  const avg = stats.blocks > 0 ? Math.floor(stats.bytes / stats.blocks) : 0
  let text =
    'Statistics\n' +
    '  Blocks:\n' +
    `    Total: ${stats.blocks} Size: ${stats.bytes} Min: ${stats.blocks > 0 ? stats.min : 0} ` +
    `Max: ${stats.max} Avg: ${avg}\n` +
    '  Index:\n' +
    `    Total: ${n} Size: ${reader.indexSize}\n` +
    '  Points:\n' +
    `    Total: ${stats.points}\n` +
    '  Encoding:\n'
  stats.encodings.forEach((counts, i) => {
    if (counts.size === 0) return
    const parts = [...counts].map(
      ([name, c]) => `${name}: ${c} (${Math.floor((c / stats.blocks) * 100)}%)`,
    )
    text += `    ${STAT_NAMES[i] ?? ''}: ${parts.join('  ')}\n`
  })
  const perPoint = (bytes: number): string =>
    stats.points > 0 ? (bytes / stats.points).toFixed(2) : '0.00'
  text +=
    '  Compression:\n' +
    `    Per block: ${perPoint(stats.bytes)} bytes/point\n` +
    `    Total: ${perPoint(reader.size)} bytes/point\n`
  out.write(text)
  if (errors.length > 0) {
    io.stderr.write(errors.map((e) => `${reader.path}: ${e}\n`).join(''))
    return 1
  }
  return 0
}

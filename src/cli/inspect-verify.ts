// `tidemark-inspect verify` (= influx_inspect verify): checks every block of every TSM file under
// a directory — its CRC-32 and that it decodes to the type its index entry names — and prints
// `<path>: healthy` per sound file, one line per broken block (key, block number, offset, why),
// then `Broken Blocks: N / M, in X.XXXs`. Exit status 1 when anything is broken or unreadable.

import { homedir } from 'node:os'
import { join } from 'node:path'
import { TSMReader } from '../tsm/index.js'
import { FlagError, formatUsage, parseFlags } from './flags.js'
import { findFiles } from './inspect-files.js'
import type { InspectIO } from './inspect-io.js'

function verifyFlags() {
  const home = join(process.env['HOME'] ?? homedir(), '.influxdb')
  return {
    dir: {
      kind: 'string',
      default: home,
      usage: 'Root storage path (every *.tsm below it is checked)',
    },
  } as const
}

/** The help text of the verify command. */
export function verifyUsage(): string {
  return (
    'Verifies the integrity of TSM files: the checksum of every block, and that it decodes.\n\n' +
    'Usage: tidemark-inspect verify [flags]\n\n' +
    formatUsage(verifyFlags()) +
    '\nExit status is 1 when a block is broken or a file cannot be read.\n'
  )
}

/** Runs `tidemark-inspect verify`; resolves to the exit code. */
export async function runVerify(args: readonly string[], io: InspectIO): Promise<number> {
  if (args.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    io.stdout.write(verifyUsage())
    return 0
  }
  let dir: string
  try {
    const parsed = parseFlags(verifyFlags(), args)
    if (parsed.args.length > 0)
      throw new FlagError(`unexpected argument: ${parsed.args[0] ?? ''}`, '')
    dir = parsed.values.dir
  } catch (err) {
    if (!(err instanceof FlagError)) throw err
    io.stderr.write(`${err.message}\n${verifyUsage()}`)
    return 1
  }
  const started = performance.now()
  let files: string[]
  try {
    files = await findFiles(dir, '.tsm')
  } catch (err) {
    io.stderr.write(`verify: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  let broken = 0
  let total = 0
  let unreadable = 0
  for (const path of files) {
    let reader: TSMReader
    try {
      reader = await TSMReader.open(path, { applyTombstones: false })
    } catch (err) {
      unreadable++
      io.stdout.write(
        `${path}: cannot be read: ${err instanceof Error ? err.message : String(err)}\n`,
      )
      continue
    }
    try {
      const report = await reader.verify({ decode: true })
      total += report.blockCount
      broken += report.brokenCount
      if (report.brokenCount === 0) {
        io.stdout.write(`${path}: healthy\n`)
        continue
      }
      let text = ''
      report.blocks.forEach((b, n) => {
        if (b.ok) return
        text +=
          `${path}: broken block ${n} of key ${b.key} at offset ${b.offset} ` +
          `(${b.size} bytes): ${b.reason ?? 'unknown'}\n`
      })
      io.stdout.write(text)
    } finally {
      await reader.close()
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(3)
  io.stdout.write(`Broken Blocks: ${broken} / ${total}, in ${seconds}s\n`)
  if (unreadable > 0) io.stdout.write(`Unreadable Files: ${unreadable} / ${files.length}\n`)
  return broken > 0 || unreadable > 0 ? 1 : 0
}

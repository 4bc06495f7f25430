// tidemark-inspect (= influx_inspect): offline tools over a node's TSM and WAL files — export
// (line protocol for `influx -import`), verify (block checksums), dumptsm (one TSM file's index
// and blocks) and report (series per shard). Each command takes an injectable stdout/stderr
// pair so that tests can run it in-process.

import { runDumpTSM } from './inspect-dumptsm.js'
import { runExport } from './inspect-export-command.js'
import { processIO } from './inspect-io.js'
import type { InspectIO } from './inspect-io.js'
import { runReport } from './inspect-report.js'
import { runVerify } from './inspect-verify.js'

export type { InspectIO } from './inspect-io.js'

/** The top-level help text. */
export const INSPECT_USAGE = `Usage: tidemark-inspect [[command] [arguments]]

The commands are:

    dumptsm              dumps low-level details about tsm1 files
    export               exports raw data from a shard to line protocol
    help                 display this help message
    report               displays a shard level report
    verify               verifies integrity of TSM files

"help" is the default command.

Use "tidemark-inspect [command] -h" for more information about a command.
`

const COMMANDS: Readonly<
  Record<string, (args: readonly string[], io: InspectIO) => Promise<number>>
> = {
  dumptsm: runDumpTSM,
  export: runExport,
  report: runReport,
  verify: runVerify,
}

/**
 * Runs tidemark-inspect with `args` (without the program name) and resolves to the process exit
 * code. Output goes to `io` (default: the process's stdout and stderr).
 */
export async function main(args: readonly string[], io: InspectIO = processIO()): Promise<number> {
  const [name, ...rest] = args
  if (
    name === undefined ||
    name === 'help' ||
    name === '-h' ||
    name === '-help' ||
    name === '--help'
  ) {
    io.stdout.write(INSPECT_USAGE)
    return 0
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (command === undefined) {
    io.stderr.write(`tidemark-inspect: unknown command "${name}"\n\n${INSPECT_USAGE}`)
    return 1
  }
  return command(rest, io)
}

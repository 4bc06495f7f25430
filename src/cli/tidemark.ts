// tidemark (= influx 1.x): the command-line client of the InfluxDB 1.x HTTP API. With -execute it
// runs statements and prints the answers; with -import it loads an export file; otherwise it is
// the interactive shell (or, with piped input, runs the piped commands line by line). Flags,
// messages, output formats and exit codes are influx 1.6's (spec/backup-formats.md §5.6–§5.9, §6).

import type { Readable, Writable } from 'node:stream'
import { FlagError, parseFlags } from './flags.js'
import { runImport } from './import-runner.js'
import { Shell } from './shell-commands.js'
import { USAGE_TEXT } from './shell-help.js'
import { ShellHistory, historyPath } from './shell-history.js'
import { LineReader, runInteractive, runPiped } from './shell-loop.js'
import { setPrecision } from './shell-settings.js'
import type { ShellSettings } from './shell-settings.js'

/** The version tidemark reports as its shell version. */
export const TIDEMARK_CLIENT_VERSION = '0.1.0'

/** The streams and environment of one run. Default: the process's own. */
export interface TidemarkIO {
  readonly stdin: Readable & { readonly isTTY?: boolean }
  readonly stdout: Writable
  readonly stderr: Writable
  readonly env: Readonly<Record<string, string | undefined>>
  /** Forces interactive behaviour (banner, prompts, history) on or off; default: stdin is a TTY. */
  readonly interactive?: boolean
  /** The clock of the importer's log lines. */
  readonly now?: () => Date
}

const FLAGS = {
  host: { kind: 'string', default: 'localhost', usage: 'Influxdb host to connect to.' },
  port: { kind: 'integer', default: 8086, usage: 'Influxdb port to connect to.' },
  socket: { kind: 'string', default: '', usage: 'Influxdb unix socket to connect to.' },
  username: { kind: 'string', default: '', usage: 'Username to connect to the server.' },
  password: { kind: 'string', default: '', usage: 'Password to connect to the server.' },
  database: { kind: 'string', default: '', usage: 'Database to connect to the server.' },
  ssl: { kind: 'boolean', default: false, usage: 'Use https for connecting to cluster.' },
  unsafeSsl: { kind: 'boolean', default: false, usage: 'Do not verify the server certificate.' },
  format: { kind: 'string', default: 'column', usage: 'Output format: json, csv, or column.' },
  precision: {
    kind: 'string',
    default: 'ns',
    usage: 'Timestamp format: rfc3339,h,m,s,ms,u or ns.',
  },
  consistency: {
    kind: 'string',
    default: 'all',
    usage: 'Write consistency: any, one, quorum, all.',
  },
  pretty: { kind: 'boolean', default: false, usage: 'Pretty print the json format.' },
  node: { kind: 'integer', default: 0, usage: 'Node to read from (enterprise only).' },
  execute: { kind: 'string', default: '', usage: 'Execute command and quit.' },
  type: { kind: 'string', default: 'influxql', usage: 'Query language (influxql).' },
  version: { kind: 'boolean', default: false, usage: 'Displays the version.' },
  import: { kind: 'boolean', default: false, usage: 'Import a previous database.' },
  pps: {
    kind: 'integer',
    default: 0,
    usage: 'Points per second the import allows (0 = no limit).',
  },
  path: { kind: 'string', default: '', usage: 'Path to the file to import.' },
  compressed: { kind: 'boolean', default: false, usage: 'The import file is gzipped.' },
} as const

function processIO(): TidemarkIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }
}

/** Runs tidemark with `args` and resolves to the process exit code. */
export async function main(args: readonly string[], io: TidemarkIO = processIO()): Promise<number> {
  let parsed
  try {
    parsed = parseFlags(FLAGS, args)
  } catch (err) {
    if (!(err instanceof FlagError)) throw err
    io.stderr.write(`${err.message}\n`)
    io.stdout.write(USAGE_TEXT)
    return 1
  }
  const f = parsed.values
  if (parsed.args.length > 0) {
    io.stderr.write(`unknown arguments: ${parsed.args.join(' ')}\n`)
    io.stdout.write(USAGE_TEXT)
    return 1
  }
  if (f.version) {
    io.stdout.write(`InfluxDB shell version: ${TIDEMARK_CLIENT_VERSION}\n`)
    return 0
  }
  if (f.type.toLowerCase() !== 'influxql') {
    io.stderr.write(
      `unsupported query type ${JSON.stringify(f.type)}: tidemark speaks influxql only\n`,
    )
    return 1
  }
  const interactive = io.interactive ?? io.stdin.isTTY === true
  const settings: ShellSettings = {
    host: f.host,
    port: f.port,
    socket: f.socket,
    ssl: f.ssl,
    unsafeSsl: f.unsafeSsl,
    username: f.username !== '' ? f.username : (io.env['INFLUX_USERNAME'] ?? ''),
    password: f.password,
    database: f.database,
    retentionPolicy: '',
    format: f.format,
    pretty: f.pretty,
    precision: f.precision,
    consistency: f.consistency,
    chunked: true,
    chunkSize: 0,
    nodeID: f.node,
  }
  const write = (s: string): void => {
    if (s !== '') io.stdout.write(s)
  }
  const shell = new Shell(settings, TIDEMARK_CLIENT_VERSION, write)
  const terminal =
    interactive && io.stdin.isTTY === true && (io.stdout as { isTTY?: boolean }).isTTY === true
  let reader: LineReader | undefined
  const history = interactive ? new ShellHistory(historyPath(io.env['HOME'])) : undefined
  const openReader = (): LineReader =>
    (reader ??= new LineReader(io.stdin, io.stdout, {
      terminal,
      showPrompts: interactive,
      history: history?.entries ?? [],
    }))
  try {
    // A -password flag given without a value means: ask for it.
    const askPassword = f.password === '' && args.some((a) => /^--?password/i.test(a))
    if (askPassword) {
      if (!interactive) {
        io.stderr.write('unable to prompt for a password with no TTY\n')
        return 1
      }
      const p = await openReader().ask('password: ', true)
      if (p === undefined) {
        io.stderr.write('Unable to parse password\n')
        return 1
      }
      settings.password = p
    } else if (settings.password === '') {
      settings.password = io.env['INFLUX_PASSWORD'] ?? ''
    }

    const connectErr = await shell.connect('')
    if (connectErr !== undefined) {
      io.stderr.write(`Failed to connect to ${shell.addr}: ${connectErr}\n`)
      io.stderr.write("Please check your connection settings and ensure 'influxd' is running.\n")
      return 1
    }
    write(setPrecision(settings, settings.precision))

    if (f.execute !== '') {
      for (const line of f.execute.split('\n')) {
        const outcome = await shell.parseCommand(line)
        if (outcome.kind === 'blank') {
          io.stderr.write('empty input\n')
          return 1
        }
        if (outcome.kind === 'error') {
          io.stderr.write(`${outcome.message}\n`)
          return 1
        }
      }
      return 0
    }

    if (f.import) {
      shell.client.setUserAgent(`influxDB importer/${TIDEMARK_CLIENT_VERSION}`)
      return await runImport(
        shell.client,
        {
          path: f.path,
          compressed: f.compressed,
          pps: f.pps,
          precision: settings.precision,
          consistency: settings.consistency,
        },
        { stdout: io.stdout, stderr: io.stderr, now: io.now },
      )
    }

    const lines = openReader()
    shell.prompter = lines
    if (!interactive || history === undefined) {
      const err = await runPiped(shell, lines)
      if (err === undefined) return 0
      io.stderr.write(`${err}\n`)
      return 1
    }
    shell.history = history
    if (shell.serverVersion === '') {
      write(`WARN: Connected to ${shell.addr}, but found no server version.\n`)
      write('Are you sure an InfluxDB server is listening at the given address?\n')
    } else {
      write(`Connected to ${shell.addr} version ${shell.serverVersion}\n`)
    }
    write(`InfluxDB shell version: ${TIDEMARK_CLIENT_VERSION}\n`)
    return await runInteractive(shell, lines, history, write)
  } finally {
    reader?.close()
    shell.close()
  }
}

// tidemarkd: the server. `run` (the default) starts a single node (meta + data in one process);
// `meta` a meta node (metastore and meta API) and `data` a data node of a cluster (it waits for
// `tidemark-ctl add-data`, or rejoins the meta nodes it joined before); `config` prints the configuration as TOML; `version` prints the version. Flags follow influxd:
// `tidemarkd run -config FILE -pidfile FILE`. A bad config or a busy port is one line on stderr and
// exit code 1; SIGTERM/SIGINT stop the server gracefully (flush, close files) and exit 0.

import { writeFile, rm } from 'node:fs/promises'
import { loadConfig, renderConfig, startServer, type TidemarkServer } from '../server/index.js'
import { FlagError, formatUsage, parseFlags } from './flags.js'
import { crc32, snappy } from '../util/index.js'

/** Tidemark's version, as `tidemarkd version` prints it. */
export const VERSION = '0.1.0'

const RUN_FLAGS = {
  config: { kind: 'string', default: '', usage: 'Set the path to the configuration file.' },
  pidfile: { kind: 'string', default: '', usage: 'Write process ID to a file.' },
} as const

const USAGE = `Tidemark: a time-series database compatible with InfluxDB 1.x.

Usage: tidemarkd [command] [arguments]

The commands are:

    config               display the default configuration
    data                 run a data node of a cluster (joins with tidemark-ctl add-data)
    meta                 run a meta node of a cluster
    run                  run node with existing configuration (the default)
    version              displays the version

Flags of run, meta, data and config:
${formatUsage(RUN_FLAGS)}`

/** The I/O a command uses (injectable for tests). */
export interface IO {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
}

const defaultIO: IO = { stdout: process.stdout, stderr: process.stderr }

/** Runs tidemarkd with `args` and resolves to the process exit code. */
export async function main(args: readonly string[], io: IO = defaultIO): Promise<number> {
  const [first, ...rest] = args
  const command = first === undefined || first.startsWith('-') ? 'run' : first
  const commandArgs = first === undefined || first.startsWith('-') ? args : rest
  try {
    switch (command) {
      case 'version':
        io.stdout.write(`Tidemark v${VERSION} (InfluxDB 1.6 compatible)\n`)
        return 0
      case 'help':
        io.stdout.write(USAGE)
        return 0
      case 'config': {
        const flags = parseFlags(RUN_FLAGS, commandArgs)
        const { config } = await loadConfig(
          flags.values.config === '' ? undefined : flags.values.config,
        )
        io.stdout.write(renderConfig(config))
        return 0
      }
      case 'run':
      case 'meta':
      case 'data':
        return await run(command, commandArgs, io)
      default:
        io.stderr.write(`unknown command "${command}"\n${USAGE}`)
        return 1
    }
  } catch (err) {
    const message = err instanceof FlagError || err instanceof Error ? err.message : String(err)
    io.stderr.write(`tidemarkd: ${message}\n`)
    return 1
  }
}

async function run(
  role: 'run' | 'meta' | 'data',
  args: readonly string[],
  io: IO,
): Promise<number> {
  const flags = parseFlags(RUN_FLAGS, args)
  const { config, warnings } = await loadConfig(
    flags.values.config === '' ? undefined : flags.values.config,
  )
  let server: TidemarkServer
  try {
    server = await startServer(config, { role })
  } catch (err) {
    // One line that names what could not be done: a busy port names its own address.
    type Errno = NodeJS.ErrnoException & { address?: string; port?: number }
    const e = err as Errno
    const busy = [e, e.cause as Errno | undefined].find(
      (x) => x?.code === 'EADDRINUSE' && x.address !== undefined,
    )
    const message =
      busy !== undefined
        ? `cannot listen on ${busy.address}:${busy.port ?? ''}: address already in use`
        : e.message
    io.stderr.write(`tidemarkd: ${message}\n`)
    return 1
  }
  for (const w of warnings) server.logger.warn({ warning: w }, 'configuration')
  if (flags.values.pidfile !== '') await writeFile(flags.values.pidfile, `${process.pid}\n`)
  server.logger.info(
    { version: VERSION, role, http: server.httpURL, data: config.data.dir, meta: config.meta.dir },
    'tidemarkd started',
  )
  // The native CRC-32 and snappy bindings load on first use (~10-20 ms each, for the command-line
  // tools that may never need them); a server checks a CRC-32 on every TSM block it reads and
  // snappy decodes its WAL and string blocks, so it loads them now, before the first request.
  setImmediate(() => {
    crc32(new Uint8Array(0))
    snappy()
  })
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      server.logger.info({ signal }, 'signal received; shutting down')
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      resolve()
    }
    const onInt = (): void => stop('SIGINT')
    const onTerm = (): void => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
  await server.close()
  if (flags.values.pidfile !== '') await rm(flags.values.pidfile, { force: true })
  server.logger.info({}, 'tidemarkd stopped')
  return 0
}

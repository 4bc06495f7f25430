// `tidemark-inspect export`: flags, output file (or stdout, optionally gzipped), messages and exit
// code around exportData(). Flag names, defaults and messages are influx_inspect's (spec
// backup-formats.md §5.1); -start alone means "to the end of time", -end alone "from the beginning".

import { open } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { Transform, type Writable } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { createGzip, type Gzip } from 'node:zlib'
import { FlagError, formatUsage, parseFlags } from './flags.js'
import { exportData, scanExport } from './inspect-export.js'
import type { ExportOptions, ExportSummary } from './inspect-export.js'
import { TextSink } from './inspect-io.js'
import type { InspectIO } from './inspect-io.js'
import { INT64_MAX, INT64_MIN, parseRFC3339 } from './inspect-time.js'

function influxHome(): string {
  return join(process.env['HOME'] ?? homedir(), '.influxdb')
}

function exportFlags() {
  return {
    datadir: { kind: 'string', default: join(influxHome(), 'data'), usage: 'Data storage path' },
    waldir: { kind: 'string', default: join(influxHome(), 'wal'), usage: 'WAL storage path' },
    out: {
      kind: 'string',
      default: join(influxHome(), 'export'),
      usage: 'Destination file to export to ("-" for stdout)',
    },
    database: { kind: 'string', default: '', usage: 'Optional: the database to export' },
    retention: {
      kind: 'string',
      default: '',
      usage: 'Optional: the retention policy to export (requires -database)',
    },
    start: {
      kind: 'string',
      default: '',
      usage: 'Optional: the start time to export (RFC3339 format, inclusive)',
    },
    end: {
      kind: 'string',
      default: '',
      usage: 'Optional: the end time to export (RFC3339 format, inclusive)',
    },
    lponly: { kind: 'boolean', default: false, usage: 'Only export line protocol' },
    compress: { kind: 'boolean', default: false, usage: 'Compress the output (gzip)' },
  } as const
}

/** The help text of the export command. */
export function exportUsage(): string {
  return (
    'Exports TSM and WAL data as line protocol, readable by `influx -import`.\n\n' +
    'Usage: tidemark-inspect export [flags]\n\n' +
    formatUsage(exportFlags()) +
    '\nExit status is 1 when some stored data could not be read (a corrupt TSM file or block, a\n' +
    'WAL segment cut short): the export still writes everything readable, warns on stderr, and\n' +
    'the output is then incomplete.\n' +
    '\nA string value holding a newline is written verbatim, as influx_inspect does; `influx -import`\n' +
    'splits its input at every newline, and such a value comes back with the newline doubled.\n'
  )
}

interface Output {
  readonly sink: TextSink
  /** Ends the output and waits until every byte is handed to the file or stdout. */
  close(): Promise<void>
  /** Abandons the output after a failure. */
  destroy(): Promise<void>
}

/**
 * A gzip stream (`gzip`, written to, piped by the caller into `out`) whose bytes carry OS 255
 * (unknown) in the header, as Go's compress/gzip writes it and influx_inspect's -compress output
 * has it; zlib writes 3 (Unix).
 */
function goGzip(): { gzip: Gzip; out: Transform } {
  const gzip = createGzip()
  let at = 0
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done): void {
      if (at <= GZIP_OS_BYTE && at + chunk.length > GZIP_OS_BYTE) chunk[GZIP_OS_BYTE - at] = 0xff
      at += chunk.length
      done(null, chunk)
    },
  })
  return { gzip, out }
}

/** The offset of the OS byte in a gzip header. */
const GZIP_OS_BYTE = 9

async function openOutput(path: string, compress: boolean, io: InspectIO): Promise<Output> {
  if (path === '-') {
    const stdout = io.stdout
    if (!compress)
      return { sink: new TextSink(stdout), close: async () => {}, destroy: async () => {} }
    const { gzip, out } = goGzip()
    // stdout stays open after the export: pipe without ending it, and fail the gzip stream (so
    // the sink sees it) when stdout fails.
    const onError = (err: Error): void => {
      gzip.destroy(err)
    }
    stdout.on('error', onError)
    // The sink writes to `gzip` and sees a failure there; `out` only follows it.
    gzip.on('error', (err) => out.destroy(err))
    out.on('error', () => undefined)
    gzip.pipe(out).pipe(stdout, { end: false })
    const detach = (): void => {
      stdout.off('error', onError)
      out.unpipe(stdout)
    }
    return {
      sink: new TextSink(gzip),
      close: async () => {
        gzip.end()
        await finished(out)
        detach()
      },
      destroy: async () => {
        detach()
        gzip.destroy()
      },
    }
  }
  const fh = await open(path, 'w')
  const file = fh.createWriteStream()
  if (!compress) {
    return {
      sink: new TextSink(file),
      close: async () => {
        file.end()
        await finished(file)
      },
      destroy: async () => {
        file.destroy()
        await finished(file).catch(() => undefined)
      },
    }
  }
  const { gzip, out } = goGzip()
  // pipeline() destroys the gzip stream with the file's error, which the sink then reports.
  const done = pipeline(gzip, out, file)
  done.catch(() => undefined)
  return {
    sink: new TextSink(gzip),
    close: async () => {
      gzip.end()
      await done
    },
    destroy: async () => {
      gzip.destroy()
      await done.catch(() => undefined)
    },
  }
}

/**
 * An error's text as influx_inspect prints it: a file-system error in Go's form
 * (`open /x/y: no such file or directory`), not Node's (`ENOENT: no such file or directory,
 * open '/x/y'`); a directory walk fails on its lstat in Go.
 */
function goErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const e = err as NodeJS.ErrnoException
  const text = e.code === undefined ? undefined : new RegExp(`^${e.code}: ([^,]+),`).exec(e.message)
  if (text === null || text === undefined || e.syscall === undefined || e.path === undefined)
    return e.message
  const why = e.code === 'EISDIR' ? 'is a directory' : (text[1] ?? '') // libuv says it otherwise
  return `${e.syscall === 'scandir' ? 'lstat' : e.syscall} ${e.path}: ${why}`
}

/** Runs `tidemark-inspect export` with `args` (after the command name); resolves to the exit code. */
export async function runExport(args: readonly string[], io: InspectIO): Promise<number> {
  if (args.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    io.stdout.write(exportUsage())
    return 0
  }
  let summary: ExportSummary
  let progress: Writable = io.stdout
  try {
    const { values: f, args: rest } = parseFlags(exportFlags(), args)
    if (rest.length > 0) throw new FlagError(`unexpected argument: ${rest[0] ?? ''}`, '')
    if (f.retention !== '' && f.database === '') {
      io.stderr.write('export: must specify a db\n')
      return 1
    }
    const start = f.start === '' ? INT64_MIN : parseRFC3339(f.start, 'start')
    const end = f.end === '' ? INT64_MAX : parseRFC3339(f.end, 'end')
    if (end < start) {
      io.stderr.write('export: end time before start time\n')
      return 1
    }
    if (f.out === '-') progress = io.stderr
    const options: ExportOptions = {
      dataDir: f.datadir,
      walDir: f.waldir,
      database: f.database === '' ? undefined : f.database,
      retentionPolicy: f.retention === '' ? undefined : f.retention,
      start,
      end,
      lpOnly: f.lponly,
    }
    // Find the files first, so that a wrong directory does not truncate the output file.
    const blocks = await scanExport(options)
    const output = await openOutput(f.out, f.compress, io)
    try {
      summary = await exportData(
        options,
        { out: output.sink, progress, warnings: io.stderr },
        blocks,
      )
      await output.close()
    } catch (err) {
      await output.destroy()
      throw err
    }
  } catch (err) {
    if (err instanceof FlagError) {
      io.stderr.write(`${err.message}\n${exportUsage()}`)
      return 1
    }
    io.stderr.write(`export: ${goErrorText(err)}\n`)
    return 1
  }
  if (summary.invalidValues > 0) {
    io.stderr.write(
      `${summary.invalidValues} float values are NaN or infinite and were not exported ` +
        '(line protocol cannot express them)\n',
    )
  }
  if (summary.problems > 0) {
    io.stderr.write(
      `export incomplete: ${summary.problems} unreadable files, blocks or WAL segments ` +
        '(see the warnings above)\n',
    )
  }
  return summary.problems > 0 || summary.invalidValues > 0 ? 1 : 0
}

// The tidemark shell's command interpreter (influx's CommandLine.ParseCommand): one input line is
// a shell command (use, precision, format, consistency, pretty, chunked, chunk size, node, auth,
// connect, settings, history, clear, insert, help, exit/quit) or else InfluxQL sent to the server.
// Every message, its wording and whether it goes to stdout are influx 1.x's.

import { formatResponse, goQuoteString } from './shell-format.js'
import { CLEAR_HELP_TEXT, HELP_TEXT, settingsText } from './shell-help.js'
import type { ShellHistory } from './shell-history.js'
import { parseInsert } from './shell-insert.js'
import { InfluxClient } from './shell-client.js'
import { ShellConnectError } from './shell-errors.js'
import {
  parseConnectionString,
  setChunkSize,
  setConsistency,
  setFormat,
  setPrecision,
} from './shell-settings.js'
import type { ShellSettings } from './shell-settings.js'
import { responseError } from './shell-response.js'
import { useDatabase } from './shell-use.js'

/** Asks the user for a line (`secret`: do not echo it). Undefined at end of input. */
export interface LinePrompter {
  ask(prompt: string, secret: boolean): Promise<string | undefined>
}

/** What running one command line led to. */
export type CommandOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'blank' }
  | { readonly kind: 'exit' }
  /**
   * A failed query or connect; -execute and piped input stop here and exit 1 with `message`.
   * `shown`: the shell already printed it (`ERR: …`); a failed connect is not printed, as in influx.
   */
  | { readonly kind: 'error'; readonly message: string; readonly shown: boolean }

const OK: CommandOutcome = { kind: 'ok' }

/** One shell session: settings, the connected client, output. Commands must run one at a time. */
export class Shell {
  readonly settings: ShellSettings
  readonly #clientVersion: string
  readonly #write: (s: string) => void
  #client: InfluxClient | undefined
  #serverVersion = ''
  #abort: AbortController | undefined
  /** Prompts for `auth`; undefined when there is no user to ask (-execute). */
  prompter: LinePrompter | undefined
  /** The history the `history` command prints; undefined outside the interactive shell. */
  history: ShellHistory | undefined

  constructor(settings: ShellSettings, clientVersion: string, write: (s: string) => void) {
    this.settings = settings
    this.#clientVersion = clientVersion
    this.#write = write
  }

  /** The client of the current connection (connect() must have run). */
  get client(): InfluxClient {
    if (this.#client === undefined) throw new Error('shell is not connected')
    return this.#client
  }

  /** The address of the current (or attempted) connection, as influx prints it. */
  get addr(): string {
    const s = this.settings
    return this.#client?.addr ?? `${s.ssl ? 'https' : 'http'}://${joinAddr(s.host, s.port)}`
  }

  /** The server's X-Influxdb-Version from the last successful ping ('' if none). */
  get serverVersion(): string {
    return this.#serverVersion
  }

  /** Aborts the query in flight, if any (Ctrl+C). Returns whether there was one. */
  abortQuery(): boolean {
    if (this.#abort === undefined) return false
    this.#abort.abort()
    return true
  }

  /** Closes the connection pool. */
  close(): void {
    this.#client?.close()
  }

  /**
   * Connects to `addr` (`host:port`; '' = the current settings) and pings it. Resolves to the
   * error text on failure. Like influx, the new client replaces the old one even then.
   */
  async connect(addr: string): Promise<string | undefined> {
    const s = this.settings
    const target = parseConnectionString(addr === '' ? joinAddr(s.host, s.port) : addr, s.ssl)
    if (typeof target === 'string') return target
    this.#client?.close()
    this.#client = new InfluxClient({
      scheme: target.scheme,
      hostPort: target.hostPort,
      username: s.username,
      password: s.password,
      userAgent: `InfluxDBShell/${this.#clientVersion}`,
      unsafeSsl: s.unsafeSsl,
      socketPath: s.socket,
    })
    try {
      this.#serverVersion = await this.#client.ping()
    } catch (err) {
      if (err instanceof ShellConnectError) return err.message
      throw err
    }
    s.host = target.host
    s.port = target.port
    return undefined
  }

  /** Runs one command line. */
  async parseCommand(line: string): Promise<CommandOutcome> {
    const lower = line.trim().toLowerCase()
    const first = lower.split(/\s+/)[0] ?? ''
    if (first === '') return { kind: 'blank' }
    const s = this.settings
    switch (first) {
      case 'exit':
      case 'quit':
        return { kind: 'exit' }
      case 'connect': {
        const err = await this.connect(line.toLowerCase().replaceAll('connect', '').trim())
        return err === undefined ? OK : { kind: 'error', message: err, shown: false }
      }
      case 'auth':
        await this.#auth(line)
        return OK
      case 'help':
        this.#write(HELP_TEXT)
        return OK
      case 'history':
        this.#write(this.history?.text() ?? '')
        return OK
      case 'format':
        this.#write(setFormat(s, line))
        return OK
      case 'precision':
        this.#write(setPrecision(s, line))
        return OK
      case 'consistency':
        this.#write(setConsistency(s, line))
        return OK
      case 'settings':
        this.#write(settingsText(s))
        return OK
      case 'chunked':
        s.chunked = !s.chunked
        this.#write(s.chunked ? 'chunked responses enabled\n' : 'chunked reponses disabled\n')
        return OK
      case 'chunk':
        this.#write(setChunkSize(s, line))
        return OK
      case 'pretty':
        s.pretty = !s.pretty
        this.#write(s.pretty ? 'Pretty print enabled\n' : 'Pretty print disabled\n')
        return OK
      case 'use':
        await useDatabase(this.client, s, line, this.#write)
        return OK
      case 'node':
        this.#node(line)
        return OK
      case 'insert':
        await this.#insert(line)
        return OK
      case 'clear':
        this.#clear(line)
        return OK
      default:
        return this.executeQuery(line)
    }
  }

  /** Sends InfluxQL to the server and prints the answer (influx's ExecuteQuery). */
  async executeQuery(query: string): Promise<CommandOutcome> {
    const s = this.settings
    this.#abort = new AbortController()
    let outcome
    try {
      outcome = await this.client.query(
        {
          command: query,
          database: s.database,
          retentionPolicy: s.retentionPolicy,
          chunked: s.chunked,
          chunkSize: s.chunkSize,
          nodeID: s.nodeID,
          epoch: s.precision,
        },
        this.#abort.signal,
      )
    } catch (err) {
      if (!(err instanceof ShellConnectError)) throw err
      const message = this.#abort.signal.aborted ? 'aborted by user' : err.message
      outcome = { kind: 'error' as const, message }
    } finally {
      this.#abort = undefined
    }
    if (outcome.kind === 'error') {
      this.#write(`ERR: ${outcome.message}\n`)
      return { kind: 'error', message: outcome.message, shown: true }
    }
    formatResponse(outcome.response, s, this.#write)
    const err = responseError(outcome.response)
    if (err === undefined) return OK
    this.#write(`ERR: ${err}\n`)
    if (s.database === '') {
      this.#write('Warning: It is possible this error is due to not setting a database.\n')
      this.#write('Please set a database with the command "use <database>".\n')
    }
    return { kind: 'error', message: err, shown: true }
  }

  async #auth(line: string): Promise<void> {
    const s = this.settings
    const args = line.trim().split(/\s+/)
    if (args.length === 3) {
      s.username = args[1] ?? ''
      s.password = args[2] ?? ''
    } else {
      const p = this.prompter
      const user = p === undefined ? undefined : await p.ask('username: ', false)
      if (user === undefined) {
        this.#write('Unable to process input: EOF')
        return
      }
      s.username = user.trim()
      const pass = p === undefined ? undefined : await p.ask('password: ', true)
      if (pass === undefined) {
        this.#write('Unable to process input: EOF')
        return
      }
      s.password = pass
    }
    this.client.setAuth(s.username, s.password)
  }

  #node(line: string): void {
    const args = line.trim().replace(/;$/, '').split(' ')
    if (args.length !== 2) {
      this.#write("Improper number of arguments for 'node' command, requires exactly one.\n")
      return
    }
    const arg = args[1] ?? ''
    if (arg === 'clear') {
      this.settings.nodeID = 0
    } else if (/^[+-]?\d+$/.test(arg)) {
      this.settings.nodeID = Number(arg)
    } else {
      this.#write(`Unable to parse node id from ${arg}. Must be an integer or 'clear'.\n`)
    }
  }

  #clear(line: string): void {
    const args = line.trim().replace(/;$/, '').split(' ')
    const v = args.slice(1).join(' ').toLowerCase()
    if (v === 'database' || v === 'db') {
      this.settings.database = ''
      this.#write('database context cleared\n')
    } else if (v === 'retention policy' || v === 'rp') {
      this.settings.retentionPolicy = ''
      this.#write('retention policy context cleared\n')
    } else {
      if (args.length > 1) this.#write(`invalid command ${goQuoteString(v)}.\n`)
      this.#write(CLEAR_HELP_TEXT)
    }
  }

  async #insert(line: string): Promise<void> {
    const s = this.settings
    const target = parseInsert(line, s.database, s.retentionPolicy)
    if (typeof target === 'string') {
      this.#write(`ERR: ${target}\n`)
      return
    }
    let error: string | undefined
    try {
      const ans = await this.client.write(Buffer.from(target.raw + '\n'), {
        db: target.database,
        rp: target.retentionPolicy,
        precision: s.precision,
        consistency: s.consistency,
      })
      if (ans.status !== 204 && ans.status !== 200) error = ans.body.toString('utf8')
    } catch (err) {
      if (!(err instanceof ShellConnectError)) throw err
      error = err.message
    }
    if (error === undefined) return
    this.#write(`ERR: ${error}\n`)
    if (s.database === '') {
      this.#write('Note: error may be due to not setting a database or retention policy.\n')
      this.#write('Please set a database with the command "use <database>" or\n')
      this.#write('INSERT INTO <database>.<retention-policy> <point>\n')
    }
  }
}

function joinAddr(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

// The shell's input loops. Interactive (a TTY, or forced): prompt `> `, line editing and history
// through node:readline, each command saved to ~/.influx_history, end of input (Ctrl+D) = exit,
// Ctrl+C aborts a running query. Piped input is read line by line without prompts and runs like
// -execute: the first failing command ends the run with exit status 1.

import { createInterface } from 'node:readline'
import type { Interface } from 'node:readline'
import { Writable } from 'node:stream'
import type { Readable } from 'node:stream'
import type { LinePrompter, Shell } from './shell-commands.js'
import type { ShellHistory } from './shell-history.js'

/** Output that can be muted while a password is typed (readline echoes what it reads). */
class MutableOutput extends Writable {
  readonly #target: Writable
  muted = false

  constructor(target: Writable) {
    super()
    this.#target = target
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    // Forward at once (not after the target drains) so readline's echo and prompts stay in order
    // with what the shell writes to the target directly.
    if (!this.muted) this.#target.write(chunk)
    done()
  }
}

/** Reads lines from the user or a pipe. Not safe for concurrent reads. */
export class LineReader implements LinePrompter {
  readonly #rl: Interface
  readonly #output: Writable
  readonly #mutable: MutableOutput | undefined
  readonly #terminal: boolean
  readonly #showPrompts: boolean
  readonly #history: string[]
  readonly #queue: string[] = []
  #waiter: ((line: string | undefined) => void) | undefined
  #closed = false

  /**
   * `terminal`: line editing on a real TTY. `showPrompts`: write prompts (interactive mode).
   * `history`: earlier commands, oldest first, for the arrow keys.
   */
  constructor(
    input: Readable,
    output: Writable,
    opts: { terminal: boolean; showPrompts: boolean; history: readonly string[] },
  ) {
    this.#output = output
    this.#terminal = opts.terminal
    this.#showPrompts = opts.showPrompts
    this.#history = [...opts.history].reverse()
    this.#mutable = opts.terminal ? new MutableOutput(output) : undefined
    this.#rl = createInterface({
      input,
      output: this.#mutable,
      terminal: opts.terminal,
      history: this.#history,
      historySize: 1000,
      crlfDelay: Infinity,
    })
    this.#rl.on('line', (line) => {
      const w = this.#waiter
      if (w !== undefined) {
        this.#waiter = undefined
        w(line)
        return
      }
      this.#queue.push(line)
      if (this.#queue.length > 1000) this.#rl.pause()
    })
    this.#rl.on('close', () => {
      this.#closed = true
      const w = this.#waiter
      this.#waiter = undefined
      w?.(undefined)
    })
  }

  /** Calls `handler` on Ctrl+C (terminal mode only). */
  onInterrupt(handler: () => void): void {
    this.#rl.on('SIGINT', handler)
  }

  /** Reads the next line, showing `prompt` first in interactive mode; undefined at end of input. */
  read(prompt: string): Promise<string | undefined> {
    if (this.#terminal) {
      this.#rl.setPrompt(prompt)
      this.#rl.prompt()
    } else if (this.#showPrompts && prompt !== '') {
      this.#output.write(prompt)
    }
    const queued = this.#queue.shift()
    if (queued !== undefined) {
      if (this.#queue.length < 100) this.#rl.resume()
      return Promise.resolve(queued)
    }
    if (this.#closed) return Promise.resolve(undefined)
    this.#rl.resume()
    return new Promise((resolve) => {
      this.#waiter = resolve
    })
  }

  /** Asks for a value; a `secret` one is not echoed and not kept in the line history. */
  async ask(prompt: string, secret: boolean): Promise<string | undefined> {
    const m = this.#mutable
    if (!secret || m === undefined) return this.read(prompt)
    this.#output.write(prompt)
    m.muted = true
    this.#rl.setPrompt('')
    const line = await this.read('')
    m.muted = false
    this.#output.write('\n')
    if (line !== undefined && this.#history[0] === line) this.#history.shift()
    return line
  }

  /** Clears the line being typed and shows the prompt again (Ctrl+C at the prompt). */
  reprompt(): void {
    if (!this.#terminal) return
    this.#output.write('\n')
    this.#rl.write('', { ctrl: true, name: 'u' })
    this.#rl.prompt()
  }

  /** Stops reading. Idempotent. */
  close(): void {
    this.#rl.close()
  }
}

/**
 * The interactive loop: until `exit`, `quit` or end of input. Every command but a blank line or
 * `auth` is added to `history`, which is saved after each one.
 */
export async function runInteractive(
  shell: Shell,
  reader: LineReader,
  history: ShellHistory,
  write: (s: string) => void,
): Promise<number> {
  reader.onInterrupt(() => {
    if (!shell.abortQuery()) reader.reprompt()
  })
  for (;;) {
    const line = (await reader.read('> ')) ?? 'exit'
    const outcome = await shell.parseCommand(line)
    // influx says nothing when `connect` fails; the user deserves the reason.
    if (outcome.kind === 'error' && !outcome.shown) write(`ERR: ${outcome.message}\n`)
    if (outcome.kind !== 'blank' && !line.trim().startsWith('auth')) {
      history.add(line)
      const err = history.save()
      if (err !== undefined) write(err)
    }
    if (outcome.kind === 'exit') break
  }
  const err = history.save()
  if (err !== undefined) write(err)
  return 0
}

/**
 * Runs piped input line by line. Resolves to the error of the first failing command (the caller
 * prints it and exits 1), or undefined.
 */
export async function runPiped(shell: Shell, reader: LineReader): Promise<string | undefined> {
  for (;;) {
    const line = await reader.read('')
    if (line === undefined) return undefined
    const outcome = await shell.parseCommand(line)
    if (outcome.kind === 'exit') return undefined
    if (outcome.kind === 'error') return outcome.message
  }
}

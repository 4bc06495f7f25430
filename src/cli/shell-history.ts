// The shell's command history, kept in ~/.influx_history as influx keeps it: one command per
// line, at most 1000, a command equal to the previous one not stored twice, passwords in
// `CREATE USER … WITH PASSWORD …` and `SET PASSWORD FOR … = …` replaced by [REDACTED] (influxql's
// Sanitize), and the file rewritten after every command.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sanitizeQuery } from '../http/index.js'

/** The most commands kept (liner's HistoryLimit). */
export const HISTORY_LIMIT = 1000

/** The history file path for `home` (`$HOME/.influx_history`), or undefined without a home. */
export function historyPath(home: string | undefined): string | undefined {
  return home === undefined || home === '' ? undefined : join(home, '.influx_history')
}

/** The command history of one shell session. */
export class ShellHistory {
  readonly #path: string | undefined
  #entries: string[] = []

  /** Loads `path` if it exists (a missing or unreadable file starts an empty history). */
  constructor(path: string | undefined) {
    this.#path = path
    if (path === undefined) return
    try {
      const text = readFileSync(path, 'utf8')
      for (const line of text.split('\n')) if (line !== '') this.#append(line)
    } catch {
      // No history yet.
    }
  }

  /** The commands, oldest first. */
  get entries(): readonly string[] {
    return this.#entries
  }

  /** Adds a command (sanitized; skipped when equal to the last one). */
  add(command: string): void {
    this.#append(sanitizeQuery(command))
  }

  #append(line: string): void {
    if (this.#entries[this.#entries.length - 1] === line) return
    this.#entries.push(line)
    if (this.#entries.length > HISTORY_LIMIT)
      this.#entries.splice(0, this.#entries.length - HISTORY_LIMIT)
  }

  /** The history as the `history` command prints it. */
  text(): string {
    return this.#entries.map((e) => e + '\n').join('')
  }

  /** Rewrites the history file; resolves to influx's error text when that fails. */
  save(): string | undefined {
    if (this.#path === undefined) return undefined
    try {
      writeFileSync(this.#path, this.text())
      return undefined
    } catch (err) {
      return `There was an error writing history file: ${err instanceof Error ? err.message : String(err)}\n`
    }
  }
}

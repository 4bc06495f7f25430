// The registry of running queries (InfluxDB's TaskManager): each query gets the next ID when it
// starts and leaves when it ends; SHOW QUERIES lists them and KILL QUERY aborts one, which the
// running statement sees through its AbortSignal (`query interrupted`). IDs are not reused.

import { formatGoDuration } from '../influxql/index.js'
import { StatementError } from './errors.js'
import type { QueryCell } from './result.js'

/** A query the registry tracks. */
export interface RunningQuery {
  readonly id: bigint
  /** The query text as InfluxDB prints it (passwords redacted). */
  readonly text: string
  /** The request's `db` parameter. */
  readonly database: string
  readonly startedNs: bigint
  /** Aborted by KILL QUERY. */
  readonly signal: AbortSignal
  /** Whether KILL QUERY was used on it. */
  readonly killed: boolean
}

interface Entry extends RunningQuery {
  readonly controller: AbortController
  /** Monotonic start (process.hrtime) for the duration column. */
  readonly startedHr: bigint
  killed: boolean
}

/** The running queries of this node. Safe to share between concurrent requests. */
export class QueryRegistry {
  #nextID = 1n
  readonly #queries = new Map<bigint, Entry>()

  /** Registers a query; call the returned function when it ends. */
  attach(
    text: string,
    database: string,
    nowNs: bigint,
  ): { query: RunningQuery; detach: () => void } {
    const id = this.#nextID++
    const controller = new AbortController()
    const entry: Entry = {
      id,
      text,
      database,
      startedNs: nowNs,
      startedHr: process.hrtime.bigint(),
      signal: controller.signal,
      controller,
      killed: false,
    }
    this.#queries.set(id, entry)
    return { query: entry, detach: () => this.#queries.delete(id) }
  }

  /** KILL QUERY id: `no such query id: N`, or `already killed`. */
  kill(id: bigint): void {
    const q = this.#queries.get(id)
    if (q === undefined) throw new StatementError(`no such query id: ${id}`, { queryID: id })
    if (q.killed) throw new StatementError('already killed', { queryID: id })
    q.killed = true
    q.controller.abort()
  }

  /** The number of queries running. */
  get size(): number {
    return this.#queries.size
  }

  /** SHOW QUERIES rows: qid, query, database, duration (Go's rounding), status; by qid. */
  rows(): QueryCell[][] {
    const now = process.hrtime.bigint()
    return [...this.#queries.values()].map((q) => [
      q.id,
      q.text,
      q.database,
      formatGoDuration(roundDuration(now - q.startedHr)),
      q.killed ? 'killed' : 'running',
    ])
  }
}

/** InfluxDB's SHOW QUERIES rounding: whole seconds, else whole ms, else whole µs. */
export function roundDuration(ns: bigint): bigint {
  if (ns >= 1_000_000_000n) return ns - (ns % 1_000_000_000n)
  if (ns >= 1_000_000n) return ns - (ns % 1_000_000n)
  if (ns >= 1_000n) return ns - (ns % 1_000n)
  return ns
}

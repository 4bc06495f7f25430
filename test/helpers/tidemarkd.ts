// Test harness that runs a real tidemarkd process (bin/tidemarkd.js) on loopback ports with its
// own temp directory, the way test/helpers/influxd.ts runs the real influxd, so end-to-end suites
// can talk to either through the same small handle (url, write, query, stop, kill).

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './influxd.js'
import { parseJSONBigInt, type JSONValue } from './json-bigint.js'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemarkd.js')

/** A running tidemarkd. */
export interface TidemarkdHandle {
  readonly url: string
  /** host:port of the meta API (tidemark-ctl -bind); not listening on a data node. */
  readonly metaAddress: string
  /** host:port of the node API (the top-level bind-address, tidemark-ctl add-data's argument). */
  readonly nodeAddress: string
  /** What the process runs: `run` (single node), `meta` or `data`. */
  readonly role: TidemarkdRole
  readonly root: string
  readonly pid: number
  write(db: string, lp: string, params?: Record<string, string>): Promise<Response>
  query(q: string, params?: Record<string, string>): Promise<JSONValue>
  /** Everything the process wrote to stderr so far. */
  log(): string
  /** SIGTERM and wait (graceful); the directory is kept when `keep` is set. */
  stop(opts?: { keep?: boolean }): Promise<number | null>
  /** SIGKILL and wait; the directory is kept. */
  kill(): Promise<void>
}

/** The `tidemarkd` command a handle runs. */
export type TidemarkdRole = 'run' | 'meta' | 'data'

/**
 * Options: an existing root to reuse (kept on stop), extra TIDEMARK_* environment overrides (an
 * override of TIDEMARK_HTTP_BIND_ADDRESS, TIDEMARK_BIND_ADDRESS or TIDEMARK_META_HTTP_BIND_ADDRESS
 * also sets the handle's address, so a node can be restarted on the same ports), and the role
 * (default `run`; a meta node is ready when its meta API answers /ping, the others when the HTTP
 * API does).
 */
export interface StartTidemarkdOptions {
  readonly root?: string
  readonly env?: Record<string, string>
  readonly role?: TidemarkdRole
  /** A limit on the size of every file the process writes (its disk "fills" there). */
  readonly fileSizeLimitKiB?: number
}

/** Servers still running: killed if this process exits first (one 'exit' listener for all). */
const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

/**
 * Starts tidemarkd on free loopback ports and waits until /ping answers 204. A port found free can
 * be taken by another process before tidemarkd binds it (tests run in parallel): that start is
 * retried on new ports.
 */
export async function startTidemarkd(opts: StartTidemarkdOptions = {}): Promise<TidemarkdHandle> {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'tidemark-e2e-'))
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, root, opts.root === undefined)
    } catch (err) {
      if (attempt >= 4 || !/address already in use/.test((err as Error).message)) {
        if (opts.root === undefined) rmSync(root, { recursive: true, force: true })
        throw err
      }
    }
  }
}

async function startOnce(
  opts: StartTidemarkdOptions,
  root: string,
  ownsRoot: boolean,
): Promise<TidemarkdHandle> {
  const role = opts.role ?? 'run'
  const httpAddress = opts.env?.['TIDEMARK_HTTP_BIND_ADDRESS'] ?? `127.0.0.1:${await freePort()}`
  const metaAddress =
    opts.env?.['TIDEMARK_META_HTTP_BIND_ADDRESS'] ?? `127.0.0.1:${await freePort()}`
  const nodeAddress = opts.env?.['TIDEMARK_BIND_ADDRESS'] ?? `127.0.0.1:${await freePort()}`
  const env = {
    ...process.env,
    TIDEMARK_META_DIR: join(root, 'meta'),
    TIDEMARK_DATA_DIR: join(root, 'data'),
    TIDEMARK_DATA_WAL_DIR: join(root, 'wal'),
    TIDEMARK_HINTED_HANDOFF_DIR: join(root, 'hh'),
    TIDEMARK_HTTP_BIND_ADDRESS: httpAddress,
    TIDEMARK_BIND_ADDRESS: nodeAddress,
    TIDEMARK_META_HTTP_BIND_ADDRESS: metaAddress,
    TIDEMARK_LOGGING_LEVEL: 'warn',
    ...opts.env,
  }
  // A file size limit (ulimit -f, in 512-byte blocks) stands in for a full disk: writes past it
  // fail with EFBIG, SIGXFSZ ignored so that the write reports it instead of ending the process.
  const child: ChildProcess = spawn(
    opts.fileSizeLimitKiB === undefined ? process.execPath : '/bin/sh',
    opts.fileSizeLimitKiB === undefined
      ? [BIN, role]
      : [
          '-c',
          `trap "" XFSZ; ulimit -f ${opts.fileSizeLimitKiB * 2}; exec "$0" "$@"`,
          process.execPath,
          BIN,
          role,
        ],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  live.add(child)
  child.on('exit', () => live.delete(child))
  const url = `http://${httpAddress}`
  const ping = role === 'meta' ? `http://${metaAddress}/ping` : `${url}/ping`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`tidemarkd exited with ${child.exitCode}: ${stderr}`)
    try {
      const r = await fetch(ping)
      if (r.status === 204) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`tidemarkd did not answer /ping within 20 s: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const cleanup = (keep: boolean): void => {
    if (ownsRoot && !keep) rmSync(root, { recursive: true, force: true })
  }
  return {
    url,
    metaAddress,
    nodeAddress,
    role,
    root,
    pid: child.pid ?? 0,
    write: (db, lp, params = {}) =>
      fetch(`${url}/write?${new URLSearchParams({ db, ...params })}`, { method: 'POST', body: lp }),
    async query(q, params = {}) {
      const r = await fetch(`${url}/query?${new URLSearchParams({ q, ...params })}`, {
        method: 'POST',
      })
      return parseJSONBigInt(await r.text())
    },
    log: () => stderr,
    async stop(o = {}) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      cleanup(o.keep ?? false)
      return code
    },
    async kill() {
      child.kill('SIGKILL')
      await exited
      cleanup(true)
    },
  }
}

/**
 * Options that start a node again as `h` was: the same root (kept), role and ports, so a cluster
 * still knows it by its addresses; `env` adds overrides.
 */
export function sameNode(
  h: TidemarkdHandle,
  env: Record<string, string> = {},
): StartTidemarkdOptions {
  return {
    root: h.root,
    role: h.role,
    env: {
      TIDEMARK_HTTP_BIND_ADDRESS: new URL(h.url).host,
      TIDEMARK_BIND_ADDRESS: h.nodeAddress,
      TIDEMARK_META_HTTP_BIND_ADDRESS: h.metaAddress,
      ...env,
    },
  }
}

/** The first column of every row of the first series of a query answer; throws on any error. */
export function firstColumn(answer: JSONValue): string[] {
  const a = answer as {
    error?: string
    results?: { series?: { values?: unknown[][] }[]; error?: string }[]
  }
  const error = a.error ?? a.results?.[0]?.error
  if (error !== undefined) throw new Error(error)
  return (a.results?.[0]?.series?.[0]?.values ?? []).map((row) => String(row[0]))
}

/** Polls `check` every 50 ms until it resolves true; throws naming `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

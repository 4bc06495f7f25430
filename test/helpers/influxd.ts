// Test harness that runs the real InfluxDB 1.6 server (`influxd run -config …`) on loopback, as
// the reference peer for interop, diff and fixture tests. Each handle owns one child process,
// its config file and (unless the caller supplied one) a fresh temp directory with meta/, data/
// and wal/. The process can never outlive the test process: an exit hook kills it, and a tiny
// detached shell watchdog kills it within a second if Node dies without running hooks (SIGKILL).

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { defaultInfluxdConfig, mergeInfluxdConfig, renderInfluxdConfig } from './influxd-config.js'
import type { InfluxdConfig, InfluxdDirs } from './influxd-config.js'
import { parseJSONBigInt } from './json-bigint.js'
import type { JSONValue } from './json-bigint.js'
import { InfluxdExitedError, InfluxdHTTPError } from './influxd-errors.js'
import { InfluxdProcess, httpCall } from './influxd-process.js'
import type { InfluxdResponse } from './influxd-process.js'

export type { InfluxdConfig, InfluxdDirs } from './influxd-config.js'
export type { InfluxdResponse } from './influxd-process.js'
export type { JSONValue } from './json-bigint.js'
export { InfluxdExitedError, InfluxdHTTPError, InfluxdStartTimeoutError } from './influxd-errors.js'

/** Path of the influxd binary the harness runs (override with env `INFLUXD_BIN`). */
export const INFLUXD_BIN = process.env['INFLUXD_BIN'] ?? '/usr/bin/influxd'

/** The message given when influxd is missing (thrown in CI, used as the skip reason locally). */
export const INFLUXD_MISSING = 'influxd not installed: apt-get install -y influxdb influxdb-client'

/** Options of {@link startInfluxd}. */
export interface StartInfluxdOptions {
  /** Merged over the harness defaults (`defaultInfluxdConfig`); sections merge key by key. */
  readonly config?: InfluxdConfig
  /**
   * Root directory holding `meta/`, `data/`, `wal/` (created if missing). The caller owns it: it
   * is kept on stop, so a second server can be started on the same state. Default: a fresh temp
   * directory that `stop()` removes.
   */
  readonly dataDir?: string
  /** How long to wait for `GET /ping` to answer 204. Default 30 000 ms. */
  readonly startTimeoutMs?: number
}

/** A running influxd. Methods are safe to call concurrently; `stop()` is idempotent. */
export interface InfluxdHandle {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string
  /** `host:port` of the RPC service used by `influxd backup/restore -host`. */
  readonly rpcAddress: string
  /** The root directory holding the three state directories. */
  readonly root: string
  /** The meta, data and WAL directories. */
  readonly dirs: InfluxdDirs
  /** Path of the config file influxd was started with. */
  readonly configPath: string
  /** The process id of influxd. */
  readonly pid: number
  /**
   * POSTs line protocol to `/write?db=…` (plus `params`, e.g. `{ precision: 's', rp: 'x' }`).
   * Resolves on 204; otherwise rejects with {@link InfluxdHTTPError} carrying status and body.
   */
  write(db: string, lineProtocol: string, params?: Readonly<Record<string, string>>): Promise<void>
  /**
   * POSTs `q` to `/query` (plus `params`, e.g. `{ db: 'x', epoch: 'ns' }`) and parses the JSON
   * answer with big integers kept exact (`bigint`). Rejects with {@link InfluxdHTTPError} unless
   * the status is 200; statement errors inside a 200 answer are returned, not thrown.
   */
  query(q: string, params?: Readonly<Record<string, string>>): Promise<JSONValue>
  /** Like {@link query} but returns the exact response body text. */
  queryRaw(q: string, params?: Readonly<Record<string, string>>): Promise<string>
  /** Sends any request to the HTTP API; never rejects on a status code. */
  request(
    method: string,
    path: string,
    body?: string | Uint8Array,
    headers?: Readonly<Record<string, string>>,
  ): Promise<InfluxdResponse>
  /** The last lines influxd wrote to stdout/stderr (at most 200). */
  logTail(): string
  /**
   * Stops influxd: SIGTERM, then SIGKILL after `timeoutMs` (default 15 000). Resolves once the
   * process has exited and, if the harness created the root directory, that directory is gone.
   */
  stop(timeoutMs?: number): Promise<void>
}

/** True when the influxd binary exists and runs (`influxd version`). Cached. */
/**
 * `h.query(q, params)` once influxd has finished installing restored shards: `influxd restore`
 * returns as soon as it has sent the data, and influxd answers "shard is disabled" until it has
 * written and reopened each shard (at most `timeoutMs`, then the last answer).
 */
export async function settledQuery(
  h: InfluxdHandle,
  q: string,
  params: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
): Promise<JSONValue> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const got = await h.query(q, params)
    const text = JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))
    if (!text.includes('shard is disabled') || Date.now() > deadline) return got
    await new Promise((r) => setTimeout(r, 200))
  }
}

export function influxdAvailable(): boolean {
  if (availableCache === undefined) {
    const r = existsSync(INFLUXD_BIN)
      ? spawnSync(INFLUXD_BIN, ['version'], { stdio: 'ignore', timeout: 10_000 })
      : undefined
    availableCache = r !== undefined && r.status === 0
  }
  return availableCache
}
let availableCache: boolean | undefined

/**
 * Guards a test that needs influxd. Returns true when it is installed. Otherwise, when
 * `process.env.CI` is set it throws (a missing reference must fail CI), else it marks the test
 * skipped with the install hint and returns false — the caller then returns early.
 */
export function requireInfluxd(t: TestContext): boolean {
  if (influxdAvailable()) return true
  if (process.env['CI']) throw new Error(INFLUXD_MISSING)
  t.skip(INFLUXD_MISSING)
  return false
}

/** Gets a free loopback TCP port by listening on port 0 and closing again. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.unref()
      srv.on('error', reject)
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port
        srv.close(() => resolve(p))
      })
    })
    // The system may hand a just-closed port out again: never give this process the same port
    // twice (two servers started at once would otherwise race for it).
    if (!handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
}

/** Ports freePort has returned in this process. */
const handedOut = new Set<number>()

/**
 * Starts a real influxd on two free loopback ports and waits until `GET /ping` answers 204.
 * Rejects with {@link InfluxdExitedError} if it dies during start-up, or
 * {@link InfluxdStartTimeoutError} (with influxd's log tail) on timeout; a port taken between
 * probing and binding is retried with new ports. The caller must `stop()` the handle.
 */
export async function startInfluxd(opts: StartInfluxdOptions = {}): Promise<InfluxdHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts)
    } catch (err) {
      const portClash =
        err instanceof InfluxdExitedError && /address already in use/.test(err.logTail)
      if (!portClash || attempt >= 3) throw err
    }
  }
}

async function startOnce(opts: StartInfluxdOptions): Promise<InfluxdHandle> {
  const owned = opts.dataDir === undefined
  const root = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tidemark-influxd-'))
  const dirs: InfluxdDirs = {
    meta: join(root, 'meta'),
    data: join(root, 'data'),
    wal: join(root, 'wal'),
  }
  for (const d of [dirs.meta, dirs.data, dirs.wal]) mkdirSync(d, { recursive: true })
  const [httpPort, rpcPort] = await twoPorts()
  const httpAddress = `127.0.0.1:${httpPort}`
  const rpcAddress = `127.0.0.1:${rpcPort}`
  const config = mergeInfluxdConfig(
    defaultInfluxdConfig(dirs, httpAddress, rpcAddress),
    opts.config ?? {},
  )
  const configPath = join(root, 'influxd.conf')
  writeFileSync(configPath, renderInfluxdConfig(config))

  // influxd applies INFLUXDB_* variables over the file; drop them so the config file is the truth.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INFLUXDB_')),
  )
  const child = spawn(INFLUXD_BIN, ['run', '-config', configPath], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const proc = new InfluxdProcess(child, root, owned)
  try {
    await proc.waitReady(`http://${httpAddress}`, opts.startTimeoutMs ?? 30_000)
  } catch (err) {
    await proc.stop(5_000)
    throw err
  }
  return new Handle(proc, `http://${httpAddress}`, rpcAddress, root, dirs, configPath)
}

async function twoPorts(): Promise<[number, number]> {
  const a = await freePort()
  let b = await freePort()
  while (b === a) b = await freePort()
  return [a, b]
}

class Handle implements InfluxdHandle {
  readonly #proc: InfluxdProcess
  readonly url: string
  readonly rpcAddress: string
  readonly root: string
  readonly dirs: InfluxdDirs
  readonly configPath: string

  constructor(
    proc: InfluxdProcess,
    url: string,
    rpcAddress: string,
    root: string,
    dirs: InfluxdDirs,
    configPath: string,
  ) {
    this.#proc = proc
    this.url = url
    this.rpcAddress = rpcAddress
    this.root = root
    this.dirs = dirs
    this.configPath = configPath
  }

  get pid(): number {
    return this.#proc.pid
  }

  async write(
    db: string,
    lineProtocol: string,
    params: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const qs = new URLSearchParams({ db, ...params })
    const res = await this.request('POST', `/write?${qs.toString()}`, lineProtocol)
    if (res.status !== 204) throw new InfluxdHTTPError('POST', '/write', res.status, res.body)
  }

  async queryRaw(q: string, params: Readonly<Record<string, string>> = {}): Promise<string> {
    const body = new URLSearchParams({ ...params, q }).toString()
    const res = await this.request('POST', '/query', body, {
      'Content-Type': 'application/x-www-form-urlencoded',
    })
    if (res.status !== 200) throw new InfluxdHTTPError('POST', '/query', res.status, res.body)
    return res.body
  }

  async query(q: string, params: Readonly<Record<string, string>> = {}): Promise<JSONValue> {
    return parseJSONBigInt(await this.queryRaw(q, params))
  }

  request(
    method: string,
    path: string,
    body?: string | Uint8Array,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<InfluxdResponse> {
    return httpCall(this.url, method, path, body, headers)
  }

  logTail(): string {
    return this.#proc.logTail()
  }

  stop(timeoutMs = 15_000): Promise<void> {
    return this.#proc.stop(timeoutMs)
  }
}

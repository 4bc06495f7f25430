// The influxd child process owned by the test harness: collects its log tail, tracks its exit,
// stops it (SIGTERM, then SIGKILL), removes the root directory it owns, and makes sure it cannot
// outlive the test process (an exit hook, plus a detached shell watchdog for a SIGKILLed Node).
// Also the plain HTTP call the harness uses (no keep-alive, so nothing lingers after stop).

import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { InfluxdExitedError, InfluxdStartTimeoutError } from './influxd-errors.js'

/** The answer to a raw HTTP request made with `InfluxdHandle.request`. */
export interface InfluxdResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The body decoded as UTF-8. */
  readonly body: string
}

const live = new Set<InfluxdProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const p of live) p.killNow()
  })
}

/** Owns one influxd child: log tail, exit tracking, stop, cleanup of an owned root dir. */
export class InfluxdProcess {
  readonly #child: ChildProcess
  readonly #root: string
  readonly #ownsRoot: boolean
  readonly #lines: string[] = []
  #partial = ''
  readonly #exited: Promise<void>
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  #stopping: Promise<void> | undefined

  /** Takes ownership of a just-spawned `child`; `ownsRoot` means `stop()` deletes `root`. */
  constructor(child: ChildProcess, root: string, ownsRoot: boolean) {
    this.#child = child
    this.#root = root
    this.#ownsRoot = ownsRoot
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#exit = { code, signal }
        live.delete(this)
        resolve()
      })
      child.on('error', (err) => {
        this.#push(`spawn error: ${err.message}\n`)
        this.#exit ??= { code: null, signal: null }
        live.delete(this)
        resolve()
      })
    })
    child.stdout?.setEncoding('utf8').on('data', (s: string) => this.#push(s))
    child.stderr?.setEncoding('utf8').on('data', (s: string) => this.#push(s))
    live.add(this)
    installExitHook()
    if (child.pid !== undefined) startWatchdog(child.pid, ownsRoot ? root : '')
  }

  /** The child's process id (-1 if spawning failed). */
  get pid(): number {
    return this.#child.pid ?? -1
  }

  #push(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n')
    this.#partial = parts.pop() ?? ''
    this.#lines.push(...parts)
    if (this.#lines.length > 200) this.#lines.splice(0, this.#lines.length - 200)
  }

  /** The last lines (at most 200) the child wrote to stdout and stderr. */
  logTail(): string {
    return [...this.#lines, this.#partial].filter((l) => l !== '').join('\n')
  }

  /** Resolves when `GET <url>/ping` answers 204; rejects if the child exits or on timeout. */
  async waitReady(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.#exit !== undefined) {
        await new Promise((r) => setTimeout(r, 50)) // let the last stderr bytes arrive
        throw new InfluxdExitedError(this.#exit.code, this.#exit.signal, this.logTail())
      }
      const status = await pingStatus(url)
      if (status === 204) return
      if (Date.now() > deadline) throw new InfluxdStartTimeoutError(timeoutMs, this.logTail())
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** Synchronous SIGKILL and cleanup, for the process exit hook. */
  killNow(): void {
    if (this.#exit !== undefined) return
    try {
      this.#child.kill('SIGKILL')
    } catch {
      // already gone
    }
    if (this.#ownsRoot) rmSync(this.#root, { recursive: true, force: true })
  }

  /** SIGTERM, SIGKILL after `timeoutMs`; idempotent (every call gets the same promise). */
  stop(timeoutMs: number): Promise<void> {
    this.#stopping ??= this.#stop(timeoutMs)
    return this.#stopping
  }

  async #stop(timeoutMs: number): Promise<void> {
    if (this.#exit === undefined) {
      this.#child.kill('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const timedOut = await Promise.race([
        this.#exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), timeoutMs)
        }),
      ])
      clearTimeout(timer)
      if (timedOut) {
        this.#child.kill('SIGKILL')
        await this.#exited
      }
    }
    if (this.#ownsRoot) rmSync(this.#root, { recursive: true, force: true })
  }
}

// Kills influxd (SIGKILL) if this Node process disappears without running exit hooks, and then
// removes the root directory when the harness owns it ($3, empty otherwise). Polls once a second;
// exits by itself when influxd is gone.
const WATCHDOG = `while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
if ! kill -0 "$1" 2>/dev/null; then
  kill -KILL "$2" 2>/dev/null
  if [ -n "$3" ]; then sleep 1; rm -rf -- "$3"; fi
fi
exit 0`

function startWatchdog(childPid: number, ownedRoot: string): void {
  const pids = [String(process.pid), String(childPid)]
  const args = ['-c', WATCHDOG, 'influxd-watchdog', ...pids, ownedRoot]
  const w = spawn('/bin/sh', args, { detached: true, stdio: 'ignore' })
  w.on('error', () => undefined) // no /bin/sh: the exit hook still covers normal exits
  w.unref()
}

async function pingStatus(url: string): Promise<number> {
  try {
    return (await httpCall(url, 'GET', '/ping', undefined, {})).status
  } catch {
    return 0 // not listening yet
  }
}

/** One HTTP request to influxd (`Connection: close`); resolves with status, headers, body. */
export function httpCall(
  url: string,
  method: string,
  path: string,
  body: string | Uint8Array | undefined,
  headers: Readonly<Record<string, string>>,
): Promise<InfluxdResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method, headers: { Connection: 'close', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

// Test harness that runs a real etcd (Debian's `etcd-server`, 3.4) on loopback: a single member or
// a 3-member cluster, each member on free client and peer ports with its own data directory in one
// fresh temp dir. Members can be stopped (SIGTERM) or killed (SIGKILL) one at a time to test fault
// tolerance. No member outlives the test process: an exit hook kills them, and a detached shell
// watchdog kills a member within a second if Node dies without running hooks.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { freePort } from './influxd.js'

/** Path of the etcd binary the harness runs (override with env `ETCD_BIN`). */
export const ETCD_BIN = process.env['ETCD_BIN'] ?? '/usr/bin/etcd'

/** The message given when etcd is missing (thrown in CI, used as the skip reason locally). */
export const ETCD_MISSING = 'etcd not installed: apt-get install -y etcd-server'

let available: boolean | undefined

/** Whether the etcd binary exists and runs (`etcd --version`); cached. */
export function etcdAvailable(): boolean {
  available ??=
    existsSync(ETCD_BIN) && spawnSync(ETCD_BIN, ['--version'], { stdio: 'ignore' }).status === 0
  return available
}

/**
 * Call at the start of a test that needs etcd: returns true when it is installed; otherwise skips
 * the test with {@link ETCD_MISSING} and returns false — or throws when `CI` is set, so CI cannot
 * pass by skipping.
 */
export function requireEtcd(t: TestContext): boolean {
  if (etcdAvailable()) return true
  if (process.env['CI']) throw new Error(ETCD_MISSING)
  t.skip(ETCD_MISSING)
  return false
}

/** One etcd member process. */
export interface EtcdMember {
  readonly name: string
  /** `http://127.0.0.1:PORT`, the client URL (an endpoint for the etcd3 client). */
  readonly clientURL: string
  readonly peerURL: string
  readonly dataDir: string
  /** Whether the process is still running. */
  readonly running: boolean
  /** The last lines the member wrote to stderr. */
  log(): string
  /** SIGTERM and wait (SIGKILL after 10 s). Idempotent. */
  stop(): Promise<void>
  /** SIGKILL and wait. Idempotent. */
  kill(): Promise<void>
}

/** A running etcd cluster (one or several members). `stop()` stops every member and removes the temp dir. */
export interface EtcdCluster {
  /** The client URLs of all members, for the etcd3 client's `hosts`. */
  readonly endpoints: readonly string[]
  readonly members: readonly EtcdMember[]
  readonly root: string
  stop(): Promise<void>
}

/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** Number of members (default 1). */
  readonly members?: number
  /** How long to wait until every member reports healthy (default 20 000 ms). */
  readonly startTimeoutMs?: number
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL')
  })
}

// Kills the member ($2) if this Node process ($1) disappears; exits by itself when the member is gone.
const WATCHDOG = `while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
kill -0 "$1" 2>/dev/null || kill -KILL "$2" 2>/dev/null
exit 0`

function startWatchdog(childPid: number): void {
  const w = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'etcd-watchdog', String(process.pid), String(childPid)],
    { detached: true, stdio: 'ignore' },
  )
  w.on('error', () => undefined)
  w.unref()
}

class Member implements EtcdMember {
  readonly name: string
  readonly clientURL: string
  readonly peerURL: string
  readonly dataDir: string
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #tail: string[] = []

  constructor(name: string, clientPort: number, peerPort: number, root: string) {
    this.name = name
    this.clientURL = `http://127.0.0.1:${clientPort}`
    this.peerURL = `http://127.0.0.1:${peerPort}`
    this.dataDir = join(root, name)
  }

  get running(): boolean {
    return (
      this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null
    )
  }

  start(initialCluster: string): void {
    const child = spawn(
      ETCD_BIN,
      [
        '--name',
        this.name,
        '--data-dir',
        this.dataDir,
        '--listen-client-urls',
        this.clientURL,
        '--advertise-client-urls',
        this.clientURL,
        '--listen-peer-urls',
        this.peerURL,
        '--initial-advertise-peer-urls',
        this.peerURL,
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        `tidemark-test-${process.pid}`,
        '--heartbeat-interval',
        '50',
        '--election-timeout',
        '500',
        '--logger',
        'zap',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    live.add(child)
    installExitHook()
    this.#child = child
    this.#exited = new Promise((resolve) => {
      child.on('exit', () => {
        live.delete(child)
        resolve()
      })
      child.on('error', (err) => {
        this.#push(`spawn error: ${err.message}`)
        live.delete(child)
        resolve()
      })
    })
    child.stderr?.setEncoding('utf8').on('data', (s: string) => this.#push(s))
    if (child.pid !== undefined) startWatchdog(child.pid)
  }

  #push(s: string): void {
    this.#tail.push(s)
    if (this.#tail.length > 50) this.#tail.shift()
  }

  log(): string {
    return this.#tail.join('')
  }

  async stop(): Promise<void> {
    if (!this.running) return this.#exited
    this.#child?.kill('SIGTERM')
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 10_000)
    await this.#exited
    clearTimeout(timer)
  }

  async kill(): Promise<void> {
    if (this.running) this.#child?.kill('SIGKILL')
    await this.#exited
  }
}

/** GET /health on a member: true when it answers {"health":"true"} (it has a leader). */
function healthy(clientURL: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(
      `${clientURL}/health`,
      { agent: false, timeout: 1000, headers: { Connection: 'close' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (s: string) => (body += s))
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')))
        res.on('error', () => resolve(false))
      },
    )
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

/** POST /v3/maintenance/status on a member: its own member ID and the leader's, or undefined when it does not answer. */
function memberStatus(
  clientURL: string,
): Promise<{ memberID: string; leaderID: string } | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(
      `${clientURL}/v3/maintenance/status`,
      {
        method: 'POST',
        agent: false,
        timeout: 1000,
        headers: { Connection: 'close', 'Content-Type': 'application/json' },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (s: string) => (body += s))
        res.on('end', () => {
          try {
            const j = JSON.parse(body) as { header?: { member_id?: string }; leader?: string }
            const memberID = j.header?.member_id
            const leaderID = j.leader
            resolve(
              memberID !== undefined && leaderID !== undefined ? { memberID, leaderID } : undefined,
            )
          } catch {
            resolve(undefined)
          }
        })
        res.on('error', () => resolve(undefined))
      },
    )
    req.on('error', () => resolve(undefined))
    req.on('timeout', () => req.destroy())
    req.end('{}')
  })
}

/** The member that is the raft leader now, as the running members report it; undefined when there is none. */
export async function etcdLeader(cluster: EtcdCluster): Promise<EtcdMember | undefined> {
  const running = cluster.members.filter((m) => m.running)
  const statuses = await Promise.all(running.map((m) => memberStatus(m.clientURL)))
  const leaderID = statuses.find((s) => s !== undefined && s.leaderID !== '0')?.leaderID
  const i = statuses.findIndex((s) => s?.memberID === leaderID)
  return i < 0 ? undefined : running[i]
}

/**
 * Starts an etcd cluster of `members` members (default 1) on free loopback ports in a fresh temp
 * directory and waits until every member is healthy. Rejects with the members' log tails when one
 * exits or the cluster is not healthy in time. The caller must `stop()` it.
 */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const count = opts.members ?? 1
  const timeoutMs = opts.startTimeoutMs ?? 20_000
  const root = mkdtempSync(join(tmpdir(), 'tidemark-etcd-'))
  const members: Member[] = []
  for (let i = 0; i < count; i++)
    members.push(new Member(`m${i}`, await freePort(), await freePort(), root))
  const initialCluster = members.map((m) => `${m.name}=${m.peerURL}`).join(',')
  for (const m of members) m.start(initialCluster)
  const stop = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.stop()))
    rmSync(root, { recursive: true, force: true })
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const dead = members.find((m) => !m.running)
    const ok =
      dead === undefined &&
      (await Promise.all(members.map((m) => healthy(m.clientURL)))).every((h) => h)
    if (ok) break
    if (dead !== undefined || Date.now() > deadline) {
      const logs = members.map((m) => `--- ${m.name}:\n${m.log()}`).join('\n')
      await stop()
      throw new Error(
        dead !== undefined
          ? `etcd member ${dead.name} exited during start-up:\n${logs}`
          : `etcd not healthy within ${timeoutMs} ms:\n${logs}`,
      )
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return { endpoints: members.map((m) => m.clientURL), members, root, stop }
}

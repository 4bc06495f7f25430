// The requests tidemark sends, recorded by a small HTTP server on loopback, compared with the
// requests the real influx 1.6 client sends to the same server for the same command line.
import { describe, it, before, after } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { InfluxClient } from './shell-client.js'
import { ShellConnectError } from './shell-errors.js'

const BIN = fileURLToPath(new URL('../../../bin/tidemark.js', import.meta.url))
const INFLUX = process.env['INFLUX_BIN'] ?? '/usr/bin/influx'

interface Recorded {
  readonly method: string
  readonly path: string
  readonly params: [string, string][]
  readonly auth: string | undefined
  readonly agent: string | undefined
  readonly body: string
}

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: 'ignore',
    })
    child.on('error', reject)
    child.on('close', resolve)
  })
}

describe('requests on the wire', () => {
  let server: Server
  let port = 0
  let log: Recorded[] = []
  let dir = ''

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-wire-'))
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x')
        log.push({
          method: req.method ?? '',
          path: url.pathname,
          params: [...url.searchParams].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
          auth: req.headers.authorization,
          agent: req.headers['user-agent'],
          body: Buffer.concat(chunks).toString('utf8'),
        })
        if (url.pathname === '/query') {
          res.writeHead(200, {
            'Content-Type': 'application/json',
            'X-Influxdb-Version': 'wire-test',
          })
          res.end('{"results":[{"statement_id":0}]}\n')
        } else {
          res.writeHead(204, { 'X-Influxdb-Version': 'wire-test' })
          res.end()
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })

  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  /** Runs tidemark (`ours`) or influx with `args` against the recording server. */
  async function record(
    ours: boolean,
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<Recorded[]> {
    log = []
    const hostArgs = ['-host', '127.0.0.1', '-port', String(port), ...args]
    await run(ours ? process.execPath : INFLUX, ours ? [BIN, ...hostArgs] : hostArgs, env)
    return log
  }

  /**
   * Requests without the User-Agent; write bodies summarised by their non-blank lines (influx
   * leaves blank lines between them): count, first and last.
   */
  const shape = (rs: Recorded[]): Omit<Recorded, 'agent'>[] =>
    rs.map(({ agent: _agent, ...r }) => {
      if (r.path !== '/write') return r
      const lines = r.body.split('\n').filter((l) => l !== '')
      return {
        ...r,
        body: `${lines.length} lines: ${lines[0] ?? ''} .. ${lines[lines.length - 1] ?? ''}`,
      }
    })

  const commands: [string, string[], NodeJS.ProcessEnv][] = [
    [
      'query with credentials from the environment',
      ['-execute', 'SHOW DATABASES'],
      { INFLUX_USERNAME: 'bob', INFLUX_PASSWORD: 's3cret' },
    ],
    [
      'query in a database with epoch and chunk size',
      [
        '-database',
        'db0',
        '-precision',
        's',
        '-execute',
        "chunk size 5\nSELECT * FROM cpu WHERE host = 'a' AND x =~ /b*/",
      ],
      {},
    ],
    [
      'rfc3339 precision: no epoch',
      [
        '-precision',
        'rfc3339',
        '-username',
        'u',
        '-password',
        'p',
        '-execute',
        'SHOW MEASUREMENTS',
      ],
      {},
    ],
    ['use with a retention policy, then a query', ['-execute', 'use db0.autogen\nSELECT 1'], {}],
    [
      'insert and insert into',
      [
        '-consistency',
        'one',
        '-database',
        'db0',
        '-execute',
        'insert cpu v=1 1\ninsert into "r p" cpu v=2 2',
      ],
      {},
    ],
  ]

  for (const [what, args, env] of commands) {
    it(`sends what influx sends: ${what}`, async (t) => {
      if (!requireInflux(t)) return
      const ours = await record(true, args, env)
      const theirs = await record(false, args, env)
      assert.deepEqual(shape(ours), shape(theirs))
      assert.equal(ours[0]?.agent, 'InfluxDBShell/0.1.0')
    })
  }

  it('sends what influx -import sends: DDL queries, then batched writes per context', async (t) => {
    if (!requireInflux(t)) return
    const lines = [
      '# DDL',
      'CREATE DATABASE d',
      '# DML',
      '# CONTEXT-DATABASE:d',
      '# CONTEXT-RETENTION-POLICY:r p',
    ]
    for (let i = 0; i < 5002; i++) lines.push(`m v=${i} ${i}`)
    lines.push('# CONTEXT-RETENTION-POLICY:', 'm v=1 1')
    const path = join(dir, 'import.txt')
    writeFileSync(path, lines.join('\n') + '\n')
    const args = ['-import', '-path', path, '-precision', 'ms', '-consistency', 'any']
    const ours = await record(true, args)
    const theirs = await record(false, args)
    assert.deepEqual(shape(ours), shape(theirs))
    assert.deepEqual(
      ours.map((r) => [r.method, r.path]),
      [
        ['GET', '/ping'],
        ['GET', '/ping'],
        ['POST', '/query'],
        ['POST', '/write'],
        ['POST', '/write'],
        ['POST', '/write'],
      ],
    )
    assert.equal(ours[2]?.agent, 'influxDB importer/0.1.0')
  })

  it("turns a refused connection into ERR_CLI_CONNECT with Go's wording", async () => {
    const c = new InfluxClient({
      scheme: 'http',
      hostPort: '127.0.0.1:1',
      username: '',
      password: '',
      userAgent: 't',
      unsafeSsl: false,
    })
    await assert.rejects(
      c.ping(),
      (e: unknown) =>
        e instanceof ShellConnectError &&
        e.code === 'ERR_CLI_CONNECT' &&
        e.message ===
          'Get "http://127.0.0.1:1/ping": dial tcp 127.0.0.1:1: connect: connection refused',
    )
    c.close()
  })
})

function requireInflux(t: TestContext): boolean {
  if (existsSync(INFLUX)) return true
  if (process.env['CI'])
    throw new Error(`${INFLUX} not installed: apt-get install -y influxdb-client`)
  t.skip(`${INFLUX} not installed`)
  return false
}

// The tidemark shell against a real influxd 1.6: every -execute case is also run through the
// real influx 1.6 client on the same server, and stdout, stderr and the exit code must be equal
// byte for byte. The interactive shell is driven through main() with piped streams, and piped
// (non-TTY) input through the compiled bin.
import { describe, it, before, after } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import {
  freePort,
  influxdAvailable,
  requireInfluxd,
  startInfluxd,
} from '../../test/helpers/influxd.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { main, TIDEMARK_CLIENT_VERSION } from './tidemark.js'

const BIN = fileURLToPath(new URL('../../../bin/tidemark.js', import.meta.url))
const INFLUX = process.env['INFLUX_BIN'] ?? '/usr/bin/influx'

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to completion, feeding `stdin` (then closing it). */
function runCommand(
  cmd: string,
  args: readonly string[],
  stdin: string,
  env: NodeJS.ProcessEnv,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    // A command that exits before reading its input (bad flags) closes the pipe: not a failure.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err)
    })
    child.stdin.end(stdin)
  })
}

/** Collects what is written to it. */
class Sink extends Writable {
  text = ''
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8')
    done()
  }
}

const SEED = [
  'cpu,host=a,region=us value=1,s="x y",b=true 1577836800000000000',
  'cpu,host=b,region=eu value=2.5,s="tab\there" 1577836801000000000',
  'cpu,host=a,region=us value=1e21,i=5i 1577836802000000000',
  'cpu,host=a,region=us value=-3.25e-7,i=-9223372036854775808i 1577840400000000000',
  'mem,host=a used=10i 1577836800000000000',
  'p,h=a v=1 1\np,h=a v=2 2\np,h=a v=3 3\np,h=a v=4 4\np,h=a v=5 5\np,h=b v=6 6',
  'esc s="<a&b> \\\\ \\" é \u0001 line\\nbreak",t="  lead" 1577836800000000000',
  'esc s="real\nnewline" 1577836801000000000',
].join('\n')

describe('tidemark shell against influxd 1.6', () => {
  let server: InfluxdHandle | undefined
  let home = ''
  let hostArgs: string[] = []
  let env: NodeJS.ProcessEnv = {}

  before(async () => {
    if (!influxdAvailable()) return
    server = await startInfluxd()
    const url = new URL(server.url)
    hostArgs = ['-host', url.hostname, '-port', url.port]
    home = mkdtempSync(join(tmpdir(), 'tidemark-shell-home-'))
    env = { PATH: process.env['PATH'] ?? '', HOME: home }
    await server.query('CREATE DATABASE db0')
    await server.query('CREATE DATABASE db1')
    await server.write('db0', SEED)
  })

  after(async () => {
    await server?.stop()
    if (home !== '') rmSync(home, { recursive: true, force: true })
  })

  const cases: string[][] = [
    ['-execute', 'SHOW DATABASES'],
    ['-database', 'db0', '-execute', 'SELECT * FROM cpu GROUP BY *'],
    ['-database', 'db0', '-execute', 'SELECT * FROM cpu'],
    [
      '-database',
      'db0',
      '-format',
      'csv',
      '-execute',
      'SELECT * FROM cpu GROUP BY *; SHOW TAG KEYS',
    ],
    [
      '-database',
      'db0',
      '-format',
      'json',
      '-execute',
      'SELECT * FROM cpu GROUP BY *; SHOW DATABASES; SELECT * FROM nosuch',
    ],
    [
      '-database',
      'db0',
      '-format',
      'json',
      '-pretty',
      '-precision',
      'rfc3339',
      '-execute',
      "SELECT * FROM cpu WHERE host='a'; SHOW USERS",
    ],
    [
      '-database',
      'db0',
      '-precision',
      's',
      '-execute',
      'SELECT mean(value) FROM cpu WHERE time < 1577847600s GROUP BY time(1h), host fill(none)',
    ],
    [
      '-database',
      'db0',
      '-precision',
      'rfc3339',
      '-execute',
      'SHOW RETENTION POLICIES; SHOW FIELD KEYS; SHOW SERIES',
    ],
    ['-database', 'db0', '-execute', 'SELECT * FROM nosuch'],
    ['-database', 'db0', '-execute', 'SELEC * FROM cpu'],
    ['-execute', 'SELECT * FROM cpu'],
    ['-database', 'nosuchdb', '-execute', 'SELECT * FROM cpu'],
    [
      '-database',
      'db0',
      '-execute',
      'SHOW MEASUREMENTS; SELECT foo(value) FROM cpu; SHOW MEASUREMENTS',
    ],
    ['-database', 'db0', '-execute', 'chunk size 2\nSELECT * FROM p GROUP BY *'],
    ['-database', 'db0', '-format', 'json', '-execute', 'chunk size 2\nSELECT * FROM p GROUP BY *'],
    ['-database', 'db0', '-execute', 'chunked\nSELECT * FROM p GROUP BY *'],
    ['-execute', 'use db0\nSHOW MEASUREMENTS'],
    ['-execute', 'use nosuch\nSHOW MEASUREMENTS'],
    ['-execute', 'use db0.autogen\nSELECT * FROM mem\nuse db0.nope\nsettings'],
    ['-execute', 'SHOW DATABASES\n\nSHOW USERS'],
    ['-execute', 'settings'],
    ['-execute', 'help'],
    ['-execute', 'clear\nclear db\nclear rp\nclear nonsense'],
    ['-execute', 'node 3\nnode x\nnode\nnode clear'],
    ['-execute', 'insert cpu value=1'],
    [
      '-database',
      'db0',
      '-execute',
      'INSERT INTO autogen ins,t=x v=1 1\ninsert bad line\nSELECT * FROM ins',
    ],
    [
      '-database',
      'db0',
      '-execute',
      'precision bogus\nformat bogus\nconsistency bogus\npretty\nSELECT * FROM mem',
    ],
    ['-database', 'db0', '-format', 'json', '-execute', 'SELECT * FROM esc'],
    ['-database', 'db0', '-execute', 'SELECT * FROM esc'],
    ['-database', 'db0', '-format', 'csv', '-execute', 'SELECT * FROM esc'],
    ['-database', 'db0', '-format', 'xml', '-execute', 'SELECT * FROM mem'],
  ]

  for (const args of cases) {
    it(`prints what influx prints for ${JSON.stringify(args.join(' '))}`, async (t) => {
      if (!requireInfluxd(t) || !requireInflux(t)) return
      const [ours, theirs] = await Promise.all([
        runCommand(process.execPath, [BIN, ...hostArgs, ...args], '', env),
        runCommand(INFLUX, [...hostArgs, ...args], '', env),
      ])
      assert.deepEqual(ours, theirs)
    })
  }

  it('connects to another server with `connect`, and fails like influx when it cannot', async (t) => {
    if (!requireInfluxd(t) || !requireInflux(t) || server === undefined) return
    const closed = await freePort()
    const args = [
      '-execute',
      `connect ${new URL(server.url).host}\nsettings\nconnect 127.0.0.1:${closed}\nsettings`,
    ]
    const [ours, theirs] = await Promise.all([
      runCommand(process.execPath, [BIN, ...hostArgs, ...args], '', env),
      runCommand(INFLUX, [...hostArgs, ...args], '', env),
    ])
    assert.deepEqual(ours, theirs)
    assert.equal(ours.code, 1)
  })

  it('reports an unreachable server exactly as influx does', async (t) => {
    if (!requireInfluxd(t) || !requireInflux(t)) return
    const args = [
      '-host',
      '127.0.0.1',
      '-port',
      String(await freePort()),
      '-execute',
      'SHOW DATABASES',
    ]
    const [ours, theirs] = await Promise.all([
      runCommand(process.execPath, [BIN, ...args], '', env),
      runCommand(INFLUX, args, '', env),
    ])
    assert.deepEqual(ours, theirs)
    assert.equal(ours.code, 1)
  })

  it('runs piped commands line by line, and stops with exit status 1 at the first failure', async (t) => {
    if (!requireInfluxd(t)) return
    const ok = await runCommand(
      process.execPath,
      [BIN, ...hostArgs],
      'use db0\n\nformat csv\nSELECT * FROM mem\n',
      env,
    )
    assert.deepEqual(ok, {
      code: 0,
      stdout: 'Using database db0\nname,time,host,used\nmem,1577836800000000000,a,10\n',
      stderr: '',
    })
    const bad = await runCommand(
      process.execPath,
      [BIN, ...hostArgs, '-database', 'db0'],
      'SELEC 1\nSHOW DATABASES\n',
      env,
    )
    assert.equal(bad.code, 1)
    assert.match(bad.stdout, /^ERR: error parsing query: found SELEC/)
    assert.doesNotMatch(bad.stdout, /databases/)
    assert.match(bad.stderr, /^error parsing query: found SELEC/)
  })

  it('prints the version and exits without connecting', async () => {
    const r = await runCommand(process.execPath, [BIN, '-version', '-port', '1'], '', env)
    assert.deepEqual(r, {
      code: 0,
      stdout: `InfluxDB shell version: ${TIDEMARK_CLIENT_VERSION}\n`,
      stderr: '',
    })
  })

  it('refuses unknown flags and stray arguments with the usage', async () => {
    const r = await runCommand(process.execPath, [BIN, '-nosuchflag'], '', env)
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'flag provided but not defined: -nosuchflag\n')
    assert.match(r.stdout, /^Usage of tidemark:/)
    const s = await runCommand(process.execPath, [BIN, 'stray'], '', env)
    assert.equal(s.stderr, 'unknown arguments: stray\n')
  })

  it('runs an interactive session: banner, prompt, commands, auth prompts, history file', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const stdin = new PassThrough()
    const stdout = new Sink()
    const stderr = new Sink()
    stdin.end(
      [
        'use db0',
        'precision rfc3339',
        'SELECT * FROM mem',
        '',
        "CREATE USER bob WITH PASSWORD 'secret'",
        'auth',
        'bob',
        'secret',
        'settings',
        'history',
        '',
      ].join('\n'),
    )
    const code = await main(hostArgs, {
      stdin,
      stdout,
      stderr,
      env: { HOME: home },
      interactive: true,
    })
    assert.equal(code, 0)
    assert.equal(stderr.text, '')
    const expectedStart = [
      `Connected to ${server.url} version 1.6.7~rc0`,
      `InfluxDB shell version: ${TIDEMARK_CLIENT_VERSION}`,
      '> Using database db0',
      '> > name: mem',
      'time                 host used',
      '----                 ---- ----',
      '2020-01-01T00:00:00Z a    10',
      '> > > username: password: > Setting           Value',
      '--------          --------',
      `Host              ${new URL(server.url).host}`,
      'Username          bob',
    ].join('\n')
    assert.ok(stdout.text.startsWith(expectedStart), stdout.text)
    const history = [
      'use db0',
      'precision rfc3339',
      'SELECT * FROM mem',
      'CREATE USER bob WITH PASSWORD [REDACTED]',
      'settings',
    ]
    assert.ok(
      stdout.text.endsWith('> ' + history.map((h) => h + '\n').join('') + '> '),
      stdout.text,
    )
    assert.equal(
      readFileSync(join(home, '.influx_history'), 'utf8'),
      [...history, 'history', 'exit'].map((h) => h + '\n').join(''),
    )
  })

  it('asks for a password given as an empty -password, and refuses without a terminal', async (t) => {
    if (!requireInfluxd(t)) return
    const stdin = new PassThrough()
    const stdout = new Sink()
    const stderr = new Sink()
    stdin.end('settings\n')
    assert.equal(
      await main([...hostArgs, '-password', '', '-username', 'u'], {
        stdin,
        stdout,
        stderr,
        env: {},
        interactive: false,
      }),
      1,
    )
    assert.equal(stderr.text, 'unable to prompt for a password with no TTY\n')
  })
})

function requireInflux(t: TestContext): boolean {
  if (existsSync(INFLUX)) return true
  if (process.env['CI'])
    throw new Error(`${INFLUX} not installed: apt-get install -y influxdb-client`)
  t.skip(`${INFLUX} not installed`)
  return false
}

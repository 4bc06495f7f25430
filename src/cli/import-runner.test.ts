// `tidemark -import` against a real influxd 1.6, compared with the real `influx -import` where
// both should agree (summary lines, error texts, exit codes), and checked line by line where
// tidemark does better (failures attributed to exact lines; good lines of a failed batch kept).
import { describe, it, before, after } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../../test/helpers/influxd.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { main } from './tidemark.js'

const BIN = fileURLToPath(new URL('../../../bin/tidemark.js', import.meta.url))
const INFLUX = process.env['INFLUX_BIN'] ?? '/usr/bin/influx'
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/storage/', import.meta.url))
const NOW = new Date(2026, 0, 2, 3, 4, 5)
const TS = '2026/01/02 03:04:05 '

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

class Sink extends Writable {
  text = ''
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8')
    done()
  }
}

function runCommand(cmd: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Removes Go's log date prefix from every line. */
const untimed = (s: string): string => s.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /gm, '')

function requireInflux(t: TestContext): boolean {
  if (existsSync(INFLUX)) return true
  if (process.env['CI'])
    throw new Error(`${INFLUX} not installed: apt-get install -y influxdb-client`)
  t.skip(`${INFLUX} not installed`)
  return false
}

/** The fixture batches wrapped in the export layout (batch c's second timestamps made ns). */
function fixtureExport(): { text: string; dataLines: number } {
  const input = (f: string): string[] =>
    readFileSync(join(FIXTURES, 'input', f), 'utf8')
      .replace(/\n$/, '')
      .split('\n')
  const c = input('c-db0-rp_long.lp').map((l) => (l.startsWith('#') ? l : l + '000000000'))
  const lines = [
    '# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z',
    '# DDL',
    'CREATE DATABASE db0 WITH NAME autogen',
    'CREATE RETENTION POLICY rp_long ON db0 DURATION INF REPLICATION 1 SHARD DURATION 1d',
    'CREATE DATABASE db1 WITH NAME autogen',
    '# DML',
    '# CONTEXT-DATABASE:db0',
    '# CONTEXT-RETENTION-POLICY:autogen',
    '# writing tsm data',
    ...input('a-db0-autogen.lp'),
    ...input('b-db0-autogen.lp'),
    '# CONTEXT-RETENTION-POLICY: rp_long',
    ...c,
    '# CONTEXT-DATABASE: db1',
    '# CONTEXT-RETENTION-POLICY:autogen',
    ...input('d-db1-autogen.lp'),
    '# CONTEXT-DATABASE:db0',
    '# writing wal data',
    ...input('e-db0-autogen-tail.lp'),
    '# CONTEXT-DATABASE:db1',
    ...input('f-db1-autogen-tail.lp'),
  ]
  const dataLines = lines
    .slice(lines.indexOf('# DML'))
    .filter((l) => l !== '' && !l.startsWith('#')).length
  return { text: lines.join('\n') + '\n', dataLines }
}

describe('tidemark -import against influxd 1.6', () => {
  let server: InfluxdHandle | undefined
  let dir = ''
  let hostArgs: string[] = []

  before(async () => {
    if (!influxdAvailable()) return
    server = await startInfluxd()
    const url = new URL(server.url)
    hostArgs = ['-host', url.hostname, '-port', url.port]
    dir = mkdtempSync(join(tmpdir(), 'tidemark-import-'))
  })

  after(async () => {
    await server?.stop()
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
  })

  async function tidemark(args: readonly string[]): Promise<Ran> {
    const stdout = new Sink()
    const stderr = new Sink()
    const code = await main([...hostArgs, '-import', ...args], {
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: {},
      now: () => NOW,
    })
    return { code, stdout: stdout.text, stderr: stderr.text }
  }

  function file(name: string, content: string | Buffer): string {
    const p = join(dir, name)
    writeFileSync(p, content)
    return p
  }

  it('imports the storage fixture and then answers exactly as the fixture server did', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const { text, dataLines } = fixtureExport()
    const path = file('fixture.txt', text)
    const ours = await tidemark(['-path', path])
    assert.deepEqual(ours, {
      code: 0,
      stdout: `${TS}Processed 3 commands\n${TS}Processed ${dataLines} inserts\n${TS}Failed 0 inserts\n`,
      stderr: '',
    })
    const scenario = JSON.parse(readFileSync(join(FIXTURES, 'tsm', 'scenario.json'), 'utf8')) as {
      steps: { kind: string; db?: string; q?: string }[]
    }
    for (const step of scenario.steps.filter((s) => s.kind === 'statement' && s.db !== undefined)) {
      await server.query(step.q ?? '', { db: step.db ?? '' })
    }
    const queries = JSON.parse(
      readFileSync(join(FIXTURES, 'tsm', 'expected', 'queries.json'), 'utf8'),
    ) as {
      file: string
      q: string
      params: Record<string, string>
    }[]
    for (const q of queries.filter((e) => /select|schema/.test(e.file))) {
      const expected = readFileSync(join(FIXTURES, 'tsm', 'expected', q.file), 'utf8')
      assert.equal(await server.queryRaw(q.q, q.params), expected, q.file)
    }
  })

  it('prints the same summary as influx -import for the same file', async (t) => {
    if (!requireInfluxd(t) || !requireInflux(t) || server === undefined) return
    const path = join(dir, 'fixture.txt')
    if (!existsSync(path)) writeFileSync(path, fixtureExport().text)
    await server.query('DROP DATABASE db0; DROP DATABASE db1')
    const theirs = await runCommand(INFLUX, [...hostArgs, '-import', '-path', path])
    await server.query('DROP DATABASE db0; DROP DATABASE db1')
    const ours = await runCommand(process.execPath, [BIN, ...hostArgs, '-import', '-path', path])
    assert.deepEqual(
      { ...ours, stdout: untimed(ours.stdout) },
      { ...theirs, stdout: untimed(theirs.stdout) },
    )
  })

  it('reports the bad line of the spec transcript by its line number and counts only it as failed', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const ns = BigInt(Date.now()) * 1_000_000n
    const path = file(
      'transcript.txt',
      [
        '# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z',
        '# DDL',
        'CREATE DATABASE spec_import_check WITH NAME autogen',
        'CREATE RETENTION POLICY two_d ON spec_import_check DURATION 2d REPLICATION 1',
        '# DML',
        '# CONTEXT-DATABASE:spec_import_check',
        '# CONTEXT-RETENTION-POLICY:autogen',
        '# writing tsm data',
        `cpu,host=a value=1 ${ns}`,
        `cpu,host=a value=2 ${ns + 1n}`,
        `cpu,host=a value=oops-not-a-number ${ns + 2n}`,
        '# CONTEXT-RETENTION-POLICY:two_d',
        `mem,host=a used=10i ${ns + 3n}`,
        `mem,host=a used=11i ${ns + 4n}`,
        '',
      ].join('\n'),
    )
    const bad = `cpu,host=a value=oops-not-a-number ${ns + 2n}`
    assert.deepEqual(await tidemark(['-path', path]), {
      code: 1,
      stdout: `${TS}Processed 2 commands\n${TS}Processed 4 inserts\n${TS}Failed 1 inserts\n`,
      stderr:
        `${TS}error writing batch:  {"error":"partial write: unable to parse '${bad}': invalid boolean dropped=0"}\n\n` +
        `${TS}${path}:11: unable to parse '${bad}': invalid boolean\n` +
        'ERROR: 1 point was not inserted\n',
    })
    const r = await server.queryRaw(
      'SELECT count(value) FROM autogen.cpu; SELECT sum(used) FROM two_d.mem',
      { db: 'spec_import_check' },
    )
    assert.match(r, /"count"\],"values":\[\[[^\]]*,2\]\]/)
    assert.match(r, /"sum"\],"values":\[\[[^\]]*,21\]\]/)
  })

  it('finds bad lines in the middle of batches (parse error, type conflict, stray quote) and writes every good line', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const header = ['# DDL', 'CREATE DATABASE bulk', '# DML', '# CONTEXT-DATABASE:bulk']
    const t0 = 1577836800000000000n
    const data = Array.from(
      { length: 12_000 },
      (_, i) => `m,k=v v=${i} ${t0 + BigInt(i) * 1_000_000_000n}`,
    )
    data[2500] = 'm,k=v v=oops 1'
    data[7000] = `m,k=v v="str" ${t0 + 7000n * 1_000_000_000n}`
    data[10_500] = `m,k=v s="unclosed ${t0 + 10_500n * 1_000_000_000n}`
    const path = file('bulk.txt', [...header, ...data].join('\n') + '\n')
    const ours = await tidemark(['-path', path])
    const lineOf = (i: number): number => header.length + i + 1
    assert.equal(ours.code, 1)
    assert.equal(
      ours.stdout,
      `${TS}Processed 1 commands\n${TS}Processed 11997 inserts\n${TS}Failed 3 inserts\n`,
    )
    const reported = [...ours.stderr.matchAll(new RegExp(`^${TS}${path}:(\\d+): `, 'gm'))].map(
      (m) => Number(m[1]),
    )
    assert.deepEqual(reported, [lineOf(2500), lineOf(7000), lineOf(10_500)])
    const conflict =
      'field type conflict: input field "v" on measurement "m" is type string, already exists as type float'
    assert.ok(ours.stderr.includes(`${path}:${lineOf(7000)}: ${conflict}\n`))
    assert.ok(ours.stderr.endsWith('ERROR: 3 points were not inserted\n'))
    assert.equal(
      await server.queryRaw('SELECT count(v) FROM m', { db: 'bulk' }),
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","count"],"values":[["1970-01-01T00:00:00Z",11997]]}]}]}\n',
    )
  })

  it('finds the points a retention policy dropped among good ones', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const ns = BigInt(Date.now()) * 1_000_000n
    const lines = [
      '# DDL',
      'CREATE DATABASE rpdrop',
      'CREATE RETENTION POLICY short ON rpdrop DURATION 1h REPLICATION 1',
      '# DML',
    ]
    lines.push('# CONTEXT-DATABASE:rpdrop', '# CONTEXT-RETENTION-POLICY:short')
    lines.push('m v=1 1000000000', 'm v=2 2000000000', `m v=3 ${ns}`, 'm v=4 4000000000')
    const path = file('rpdrop.txt', lines.join('\n') + '\n')
    const r = await tidemark(['-path', path])
    assert.equal(r.code, 1)
    assert.equal(
      r.stdout,
      `${TS}Processed 2 commands\n${TS}Processed 1 inserts\n${TS}Failed 3 inserts\n`,
    )
    const reason = 'points beyond retention policy'
    assert.ok(
      r.stderr.includes(
        `${TS}${path}:7: ${reason}\n${TS}${path}:8: ${reason}\n${TS}${path}:10: ${reason}\n`,
      ),
      r.stderr,
    )
    assert.match(await server.queryRaw('SELECT v FROM short.m', { db: 'rpdrop' }), /,3\]\]/)
  })

  it('reads gzip with -compressed, and imports a last line that has no newline', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const text =
      '# DDL\nCREATE DATABASE gz\n# DML\n# CONTEXT-DATABASE:gz\nm v=1 1\nm v=2 2\nm v=3 3'
    const path = file('data.gz', gzipSync(text))
    assert.deepEqual(await tidemark(['-path', path, '-compressed']), {
      code: 0,
      stdout: `${TS}Processed 1 commands\n${TS}Processed 3 inserts\n${TS}Failed 0 inserts\n`,
      stderr: '',
    })
    assert.match(await server.queryRaw('SELECT sum(v) FROM m', { db: 'gz' }), /,6\]\]/)
    const notGzip = file('plain.txt', text)
    assert.deepEqual(await tidemark(['-path', notGzip, '-compressed']), {
      code: 1,
      stdout: '',
      stderr: 'ERROR: gzip: invalid header\n',
    })
  })

  it('writes the lines read before a gzip file breaks off, then fails like influx', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const lines = ['# DDL', 'CREATE DATABASE cut', '# DML', '# CONTEXT-DATABASE:cut']
    for (let i = 0; i < 60_000; i++) lines.push(`m,k=${i % 97} v=${i} ${i + 1}`)
    const gz = gzipSync(lines.join('\n') + '\n')
    const path = file('cut.gz', gz.subarray(0, gz.length >> 1))
    const r = await tidemark(['-path', path, '-compressed'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'ERROR: reading standard input: unexpected EOF\n')
    const inserted = /Processed (\d+) inserts/.exec(r.stdout)?.[1]
    assert.ok(inserted !== undefined && Number(inserted) > 0, r.stdout)
    assert.match(
      await server.queryRaw('SELECT count(v) FROM m', { db: 'cut' }),
      new RegExp(`,${inserted}\\]\\]`),
    )
  })

  it('throttles to -pps points per second', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const lines = ['# DDL', 'CREATE DATABASE pps', '# DML', '# CONTEXT-DATABASE:pps']
    for (let b = 0; b < 3; b++) {
      lines.push(`# CONTEXT-RETENTION-POLICY:autogen`)
      for (let i = 0; i < 100; i++) lines.push(`m,b=${b} v=${i} ${i + 1}`)
    }
    const path = file('pps.txt', lines.join('\n') + '\n')
    const start = performance.now()
    const r = await tidemark(['-path', path, '-pps', '500'])
    const elapsedMs = performance.now() - start
    assert.equal(r.code, 0)
    // Three batches of 100 points at 500 points/s: each waits 200 ms after the previous write.
    assert.ok(elapsedMs >= 550, `took ${elapsedMs} ms`)
    assert.match(await server.queryRaw('SELECT count(v) FROM m', { db: 'pps' }), /,300\]\]/)
  })

  it('accepts both DDL forms for several retention policies (1.6 CREATE DATABASE … WITH NAME, 1.10 CREATE RETENTION POLICY)', async (t) => {
    if (!requireInfluxd(t) || server === undefined) return
    const ns = BigInt(Date.now()) * 1_000_000n
    for (const [db, ddl] of [
      [
        'ex-port',
        [
          'CREATE DATABASE "ex-port" WITH NAME autogen',
          'CREATE DATABASE "ex-port" WITH NAME "two days"',
        ],
      ],
      [
        'x10',
        [
          'CREATE DATABASE x10 WITH NAME autogen',
          'CREATE RETENTION POLICY "two days" ON x10 DURATION 0s REPLICATION 1',
        ],
      ],
    ] as const) {
      const path = file(
        `${db}.txt`,
        [
          '# DDL',
          ...ddl,
          '# DML',
          `# CONTEXT-DATABASE:${db}`,
          '# CONTEXT-RETENTION-POLICY:two days',
          `plain,host=b value=7i ${ns}`,
          '',
        ].join('\n'),
      )
      assert.deepEqual(await tidemark(['-path', path]), {
        code: 0,
        stdout: `${TS}Processed 2 commands\n${TS}Processed 1 inserts\n${TS}Failed 0 inserts\n`,
        stderr: '',
      })
      assert.match(await server.queryRaw('SELECT value FROM "two days".plain', { db }), /,7\]\]/)
    }
  })

  it('fails like influx for a missing file, a missing -path, and a file without # DML', async (t) => {
    if (!requireInfluxd(t) || !requireInflux(t)) return
    const noDML = file('nodml.txt', 'cpu,host=a value=1 1\n\nmem v=2 2\n')
    for (const args of [['-path', join(dir, 'does-not-exist.txt')], [], ['-path', noDML]]) {
      const [ours, theirs] = await Promise.all([
        runCommand(process.execPath, [BIN, ...hostArgs, '-import', ...args]),
        runCommand(INFLUX, [...hostArgs, '-import', ...args]),
      ])
      assert.deepEqual(
        { ...ours, stderr: untimed(ours.stderr) },
        { ...theirs, stderr: untimed(theirs.stderr) },
        args.join(' '),
      )
    }
  })
})

// tidemark-inspect export against the golden fixtures written by the real influxd: the exported
// values must be exactly the values influxd answers (after its deletes), in both scenarios.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { ddlLines } from './inspect-export.js'
import { main } from './tidemark-inspect.js'
import {
  REPO_ROOT,
  SCENARIOS,
  STORAGE_FIXTURES,
  assertSameValues,
  captureIO,
  copyScenario,
  exportedValues,
  expectedValues,
  fieldTypesOf,
  removeDir,
  tempDir,
} from './inspect-test-support.js'
import type { Scenario, StoredValue } from './inspect-test-support.js'

const fixtureArgs = (s: Scenario): string[] => [
  '-datadir',
  join(STORAGE_FIXTURES, s, 'data'),
  '-waldir',
  join(STORAGE_FIXTURES, s, 'wal'),
]

async function runExport(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIO()
  const code = await main(['export', ...args], io)
  return { code, stdout: io.stdout.text, stderr: io.stderr.text }
}

const dataLines = (text: string): string[] =>
  text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('CREATE '))
const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n
const timeOf = (id: string): bigint => BigInt(id.slice(id.lastIndexOf('\u0000') + 1))

function only(
  values: ReadonlyMap<string, StoredValue>,
  keep: (v: StoredValue) => boolean,
): Map<string, StoredValue> {
  return new Map([...values].filter(([, v]) => keep(v)))
}

let dir: string
before(() => {
  dir = tempDir()
})
after(() => removeDir(dir))

describe('tidemark-inspect export of influxd 1.6 fixtures', () => {
  for (const scenario of SCENARIOS) {
    it(`exports exactly the values influxd answers (${scenario})`, async () => {
      const out = join(dir, `${scenario}.lp`)
      const r = await runExport([...fixtureArgs(scenario), '-out', out])
      assert.equal(r.stderr, '')
      assert.equal(r.code, 0)
      const actual = exportedValues(readFileSync(out, 'utf8'))
      assertSameValues(actual, expectedValues(scenario))
      // Field types survive: floats without `i`, integers with it (JSON alone cannot tell).
      const types = fieldTypesOf(scenario)
      for (const v of actual.values()) {
        const parts = v.id.split('\u0000')
        const field = `${parts[0] ?? ''}\u0000${parts[2] ?? ''}\u0000${parts[parts.length - 2] ?? ''}`
        // SHOW FIELD KEYS covers the default RP only.
        if (parts[1] !== 'autogen') continue
        assert.ok(types.get(field)?.has(v.kind), `${field.replaceAll('\u0000', '/')} is ${v.kind}`)
      }
    })
  }

  it('gives the same data lines for both scenarios', async () => {
    const [a, b] = await Promise.all(
      SCENARIOS.map((s) => runExport([...fixtureArgs(s), '-out', '-', '-lponly'])),
    )
    assert.ok(a !== undefined && b !== undefined)
    assert.deepEqual(dataLines(a.stdout).sort(), dataLines(b.stdout).sort())
    assert.ok(dataLines(a.stdout).length > 14000)
  })

  it('writes the header, 1.10-style DDL, and sorted context blocks', async () => {
    const r = await runExport([...fixtureArgs('tsm'), '-out', '-'])
    assert.equal(r.code, 0)
    const comments = r.stdout.split('\n').filter((l) => l.startsWith('#') || l.startsWith('CREATE'))
    assert.deepEqual(comments, [
      '# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z',
      '# DDL',
      'CREATE DATABASE db0 WITH NAME autogen',
      'CREATE RETENTION POLICY rp_long ON db0 DURATION 0s REPLICATION 1',
      'CREATE DATABASE db1 WITH NAME autogen',
      '# DML',
      '# CONTEXT-DATABASE:db0',
      '# CONTEXT-RETENTION-POLICY:autogen',
      '# writing tsm data',
      '# writing wal data',
      '# CONTEXT-DATABASE:db0',
      '# CONTEXT-RETENTION-POLICY:rp_long',
      '# writing tsm data',
      '# CONTEXT-DATABASE:db1',
      '# CONTEXT-RETENTION-POLICY:autogen',
      '# writing tsm data',
      '# writing wal data',
    ])
    assert.equal(
      r.stderr,
      'writing out tsm file data for db0/autogen...complete.\n' +
        'writing out wal file data for db0/autogen...complete.\n' +
        'writing out tsm file data for db0/rp_long...complete.\n' +
        'writing out tsm file data for db1/autogen...complete.\n' +
        'writing out wal file data for db1/autogen...complete.\n',
    )
    // Escaped keys are written verbatim, field keys escaped, strings with quotes and backslashes.
    const lines = new Set(dataLines(r.stdout))
    assert.ok(
      lines.has('my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue f\\ k\\=\\,\\"q=1i 1578052800000000000'),
    )
    assert.ok(lines.has('edge_string v="C:\\\\path\\\\to\\\\file" 1578009603000000000'))
    assert.ok(
      lines.has('edge_int v=-9223372036854775808i 1578009605000000000') ||
        [...lines].some((l) => l.includes('v=-9223372036854775808i')),
    )
    assert.ok(
      [...lines].some(
        (l) => l.startsWith('edge_float ') && l.includes('=1.7976931348623157e+308 '),
      ),
    )
  })

  it('writes progress to stdout when the output is a file', async () => {
    const r = await runExport([...fixtureArgs('wal-only'), '-out', join(dir, 'progress.lp')])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /^writing out wal file data for db0\/autogen\.\.\.complete\.\n/)
  })

  it('keeps both time bounds inclusive, exactly per point', async () => {
    const start = '2020-01-06T00:01:40Z'
    const end = '2020-01-06T00:05:00Z'
    const r = await runExport([...fixtureArgs('tsm'), '-out', '-', '-start', start, '-end', end])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /^# INFLUXDB EXPORT: 2020-01-06T00:01:40Z - 2020-01-06T00:05:00Z\n/)
    const expected = only(
      expectedValues('tsm'),
      (v) => timeOf(v.id) >= ns(start) && timeOf(v.id) <= ns(end),
    )
    const actual = exportedValues(r.stdout)
    assertSameValues(actual, expected)
    assert.ok(
      [...actual.values()].some((v) => timeOf(v.id) === ns(start)),
      'a point exactly at -start',
    )
    assert.ok(
      [...actual.values()].some((v) => timeOf(v.id) === ns(end)),
      'a point exactly at -end',
    )
  })

  it('reads -start alone as "to the end of time" and -end alone as "from the beginning"', async () => {
    const cut = '2020-01-13T00:00:00Z'
    const all = expectedValues('wal-only')
    const from = await runExport([...fixtureArgs('wal-only'), '-out', '-', '-start', cut])
    assertSameValues(
      exportedValues(from.stdout),
      only(all, (v) => timeOf(v.id) >= ns(cut)),
    )
    const until = await runExport([...fixtureArgs('wal-only'), '-out', '-', '-end', cut])
    assertSameValues(
      exportedValues(until.stdout),
      only(all, (v) => timeOf(v.id) <= ns(cut)),
    )
  })

  it('exports one database, or one retention policy of it', async () => {
    const all = expectedValues('tsm')
    const db1 = await runExport([...fixtureArgs('tsm'), '-out', '-', '-database', 'db1'])
    assertSameValues(
      exportedValues(db1.stdout),
      only(all, (v) => v.id.startsWith('db1\u0000')),
    )
    assert.match(db1.stdout, /# DDL\nCREATE DATABASE db1 WITH NAME autogen\n# DML\n/)
    const rp = await runExport([
      ...fixtureArgs('tsm'),
      '-out',
      '-',
      '-database',
      'db0',
      '-retention',
      'rp_long',
    ])
    assertSameValues(
      exportedValues(rp.stdout),
      only(all, (v) => v.id.startsWith('db0\u0000rp_long\u0000')),
    )
    assert.match(rp.stdout, /# DDL\nCREATE DATABASE db0 WITH NAME rp_long\n# DML\n/)
  })

  it('gzips the whole output with -compress', async () => {
    const plain = join(dir, 'plain.lp')
    const gz = join(dir, 'compressed.lp')
    assert.equal((await runExport([...fixtureArgs('tsm'), '-out', plain])).code, 0)
    assert.equal((await runExport([...fixtureArgs('tsm'), '-out', gz, '-compress'])).code, 0)
    const bytes = readFileSync(gz)
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b])
    assert.equal(bytes[9], 0xff, "OS 255 (unknown) in the header, as Go's compress/gzip writes")
    assert.equal(gunzipSync(bytes).toString('utf8'), readFileSync(plain, 'utf8'))
    const toStdout = await runExport([...fixtureArgs('tsm'), '-out', '-', '-compress'])
    assert.equal(toStdout.code, 0)
  })

  it('gzips to stdout with -out - -compress', async () => {
    const io = captureIO()
    assert.equal(
      await main(['export', ...fixtureArgs('wal-only'), '-out', '-', '-compress'], io),
      0,
    )
    assert.equal(io.stdout.bytes[9], 0xff)
    const text = gunzipSync(io.stdout.bytes).toString('utf8')
    assertSameValues(exportedValues(text), expectedValues('wal-only'))
  })

  it('writes only data lines with -lponly', async () => {
    const full = await runExport([...fixtureArgs('tsm'), '-out', '-'])
    const lp = await runExport([...fixtureArgs('tsm'), '-out', '-', '-lponly'])
    assert.equal(lp.code, 0)
    assert.ok(!lp.stdout.includes('# ') && !lp.stdout.includes('CREATE '))
    assert.deepEqual(dataLines(lp.stdout), dataLines(full.stdout))
  })

  it('refuses bad flags with exit code 1 and a message naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['-nope'], /^flag provided but not defined: -nope\n/],
      [['-retention', 'autogen'], /^export: must specify a db\n$/],
      [
        ['-start', '2020-01-02T00:00:00Z', '-end', '2020-01-01T00:00:00Z'],
        /^export: end time before start time\n$/,
      ],
      [
        ['-start', '2020-01-02'],
        /^invalid value "2020-01-02" for flag -start: not an RFC3339 time/,
      ],
      [
        ['-end', '2020-02-30T00:00:00Z'],
        /^invalid value "2020-02-30T00:00:00Z" for flag -end: day, month/,
      ],
      [['-start'], /^flag needs an argument: -start\n/],
      [['stray'], /^unexpected argument: stray\n/],
    ]
    for (const [args, message] of cases) {
      const r = await runExport([...fixtureArgs('tsm'), '-out', join(dir, 'never.lp'), ...args])
      assert.equal(r.code, 1, args.join(' '))
      assert.match(r.stderr, message)
    }
    const missing = await runExport([
      ...fixtureArgs('tsm'),
      '-out',
      join(dir, 'no/such/dir/out.lp'),
    ])
    assert.equal(missing.code, 1)
    // Go's text of the error, as influx_inspect prints it.
    assert.equal(
      missing.stderr,
      `export: open ${join(dir, 'no/such/dir/out.lp')}: no such file or directory\n`,
    )
    const noData = await runExport([
      '-datadir',
      join(dir, 'absent'),
      '-waldir',
      join(dir, 'absent'),
      '-out',
      '-',
    ])
    assert.equal(noData.code, 1)
    assert.equal(noData.stderr, `export: lstat ${join(dir, 'absent')}: no such file or directory\n`)
  })

  it('does not touch an existing output file when the data directory is wrong', async () => {
    const out = join(dir, 'keep.lp')
    writeFileSync(out, 'precious\n')
    const r = await runExport([
      '-datadir',
      join(dir, 'absent'),
      '-waldir',
      join(dir, 'absent'),
      '-out',
      out,
    ])
    assert.equal(r.code, 1)
    assert.equal(readFileSync(out, 'utf8'), 'precious\n')
  })

  it('exits 1 with the error when the output fails, plain or gzipped, without crashing', async () => {
    for (const extra of [[], ['-compress']]) {
      const stdout = new Writable({
        highWaterMark: 16,
        write(_chunk, _enc, done) {
          setImmediate(() => done(new Error('EPIPE: the reader went away')))
        },
      })
      const io = { stdout, stderr: captureIO().stderr }
      assert.equal(await main(['export', ...fixtureArgs('tsm'), '-out', '-', ...extra], io), 1)
      assert.match(io.stderr.text, /^export: EPIPE: the reader went away\n$/m)
    }
    const r = await runExport([...fixtureArgs('tsm'), '-out', dir])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, `export: open ${dir}: is a directory\n`)
  })

  it('writes just the header when nothing matches', async () => {
    const r = await runExport([...fixtureArgs('tsm'), '-out', '-', '-database', 'nope'])
    assert.equal(r.code, 0)
    assert.equal(
      r.stdout,
      '# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z\n# DDL\n# DML\n',
    )
  })
})

describe('export DDL', () => {
  it('creates each database once, with autogen, and the other RPs with CREATE RETENTION POLICY', () => {
    assert.equal(
      ddlLines([
        { database: 'ex-port', retentionPolicy: 'two days' },
        { database: 'ex-port', retentionPolicy: 'autogen' },
        { database: 'a', retentionPolicy: 'zz' },
        { database: 'a', retentionPolicy: 'select' },
        { database: 'q"\\', retentionPolicy: 'autogen' },
      ]),
      'CREATE DATABASE a WITH NAME "select"\n' +
        'CREATE RETENTION POLICY zz ON a DURATION 0s REPLICATION 1\n' +
        'CREATE DATABASE "ex-port" WITH NAME autogen\n' +
        'CREATE RETENTION POLICY "two days" ON "ex-port" DURATION 0s REPLICATION 1\n' +
        'CREATE DATABASE "q\\"\\\\" WITH NAME autogen\n',
    )
    assert.equal(ddlLines([]), '')
  })
})

describe('tidemark-inspect export of damaged files', () => {
  it('skips a truncated TSM file with a warning, exports the rest, and exits 1', async () => {
    const copy = copyScenario('tsm')
    try {
      const victim = join(copy, 'data/db0/autogen/3/000000001-000000001.tsm')
      truncateSync(victim, statSync(victim).size - 100)
      const r = await runExport([
        '-datadir',
        join(copy, 'data'),
        '-waldir',
        join(copy, 'wal'),
        '-out',
        '-',
      ])
      assert.equal(r.code, 1)
      assert.match(
        r.stderr,
        new RegExp(
          `^unable to read ${victim}, skipping: corrupt TSM file ${victim} at offset \\d+: `,
          'm',
        ),
      )
      assert.match(r.stderr, /^export incomplete: 1 unreadable files, blocks or WAL segments/m)
      const [from, to] = [ns('2020-01-13T00:00:00Z'), ns('2020-01-20T00:00:00Z')]
      const inShard3 = (v: StoredValue): boolean =>
        v.id.startsWith('db0\u0000autogen\u0000') && timeOf(v.id) >= from && timeOf(v.id) < to
      assertSameValues(
        exportedValues(r.stdout),
        only(expectedValues('tsm'), (v) => !inShard3(v)),
      )
    } finally {
      removeDir(copy)
    }
  })

  it('skips a TSM block whose checksum fails, naming file, key and offset', async () => {
    const copy = copyScenario('tsm')
    try {
      const victim = join(copy, 'data/db1/autogen/10/000000001-000000001.tsm')
      const bytes = readFileSync(victim)
      bytes[20] = (bytes[20] ?? 0) ^ 0x01 // inside the first block's data
      writeFileSync(victim, bytes)
      const r = await runExport([
        '-datadir',
        join(copy, 'data'),
        '-waldir',
        join(copy, 'wal'),
        '-out',
        '-',
      ])
      assert.equal(r.code, 1)
      assert.match(
        r.stderr,
        new RegExp(
          `^unable to read ${victim}, skipping block at offset 5 of key \\S+: .*checksum`,
          'm',
        ),
      )
      const actual = exportedValues(r.stdout)
      const expected = expectedValues('tsm')
      assert.ok(actual.size < expected.size && actual.size > expected.size - 1000)
      for (const [id] of actual) assert.ok(expected.has(id))
    } finally {
      removeDir(copy)
    }
  })

  it('keeps the good entries of a truncated WAL segment, warns with the position, and exits 1', async () => {
    const copy = copyScenario('tsm')
    try {
      const victim = join(copy, 'wal/db0/autogen/11/_00001.wal')
      truncateSync(victim, statSync(victim).size - 10)
      const junk = join(copy, 'wal/db1/autogen/9/_00003.wal')
      const junkAt = statSync(junk).size
      writeFileSync(junk, Buffer.concat([readFileSync(junk), Buffer.from([1, 0, 0])]))
      const r = await runExport([
        '-datadir',
        join(copy, 'data'),
        '-waldir',
        join(copy, 'wal'),
        '-out',
        '-',
      ])
      assert.equal(r.code, 1)
      assert.match(r.stderr, new RegExp(`^file ${victim} corrupt at position 0: short read`, 'm'))
      assert.match(
        r.stderr,
        new RegExp(`^file ${junk} corrupt at position ${junkAt}: short read`, 'm'),
      )
      const [from, to] = [ns('2020-01-27T00:00:00Z'), ns('2020-02-03T00:00:00Z')]
      const inShard11 = (v: StoredValue): boolean =>
        v.id.startsWith('db0\u0000autogen\u0000') && timeOf(v.id) >= from && timeOf(v.id) < to
      assertSameValues(
        exportedValues(r.stdout),
        only(expectedValues('tsm'), (v) => !inShard11(v)),
      )
    } finally {
      removeDir(copy)
    }
  })
})

describe('the tidemark-inspect binary', () => {
  it('exports to stdout as a real process, byte for byte like main()', async () => {
    const args = ['export', ...fixtureArgs('tsm'), '-out', '-']
    const child = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bin/tidemark-inspect.js'), ...args],
      {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      },
    )
    assert.equal(child.status, 0)
    const io = captureIO()
    assert.equal(await main(args, io), 0)
    assert.ok(child.stdout.equals(io.stdout.bytes))
    assert.equal(child.stderr.toString('utf8'), io.stderr.text)
  })

  it('exits 1 and prints the usage for an unknown command', () => {
    mkdirSync(join(dir, 'bin-test'), { recursive: true })
    const child = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bin/tidemark-inspect.js'), 'frobnicate'],
      {
        encoding: 'utf8',
      },
    )
    assert.equal(child.status, 1)
    assert.match(child.stderr, /unknown command "frobnicate"/)
    assert.match(child.stderr, /Usage: tidemark-inspect/)
  })
})

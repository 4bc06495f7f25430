// `tidemark-ctl backup` and `verify` end to end: a real tidemarkd with two databases (db1 with two
// retention policies, db2), the real bin/tidemark-ctl.js run as a process, the files it leaves,
// the lines it prints, and finally `influxd restore -portable` of our set into the real influxd,
// which must then answer SHOW SERIES and SHOW FIELD KEYS as tidemarkd does.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeManifest } from '../../src/backup/index.js'
import { runInfluxdTool, settledAnswers } from '../../src/backup/interop-test-support.js'
import { requireInfluxd, startInfluxd } from '../helpers/influxd.js'
import type { InfluxdHandle } from '../helpers/influxd.js'
import { startTidemarkd } from '../helpers/tidemarkd.js'
import type { TidemarkdHandle } from '../helpers/tidemarkd.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')
const DUR = String.raw`[0-9.]+(?:ns|µs|ms|s)|[0-9]+m[0-9.]+s`
const TS = String.raw`\d{8}T\d{6}Z`

interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

describe('tidemark-ctl backup against a single-node tidemarkd', () => {
  let root = ''
  let d: TidemarkdHandle | undefined
  let shards: { id: number; database: string; retentionPolicy: string }[] = []

  function ctl(...args: string[]): Run {
    assert.ok(d !== undefined)
    const r = spawnSync(process.execPath, [CTL, '-bind', d.metaAddress, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    return { status: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  function dir(name: string): string {
    const p = join(root, name)
    mkdirSync(p)
    return p
  }

  function shardOf(db: string, rp: string): number {
    const s = shards.find((x) => x.database === db && x.retentionPolicy === rp)
    assert.ok(s !== undefined, `no shard for ${db}.${rp}`)
    return s.id
  }

  /** The lines a backup of `expected` shards prints, in order (times and sizes as patterns). */
  function assertOutput(out: string, where: string, expected: readonly number[]): void {
    const lines = out.trimEnd().split('\n')
    assert.equal(lines.length, expected.length + 2, out)
    assert.match(lines[0] ?? '', /^Backing up meta data\.\.\. Done\. \d+ bytes transferred$/)
    expected.forEach((id, i) => {
      const s = shards.find((x) => x.id === id)
      assert.ok(s !== undefined)
      const re = new RegExp(
        String.raw`^Backing up node 127\.0\.0\.1:\d+, db ${s.database}, rp ${s.retentionPolicy}, shard ${id}\.\.\. Done\. Backed up in (?:${DUR}), \d+ bytes transferred$`,
      )
      assert.match(lines[i + 1] ?? '', re)
    })
    const total = lines
      .map((l) => /(\d+) bytes transferred$/.exec(l)?.[1])
      .filter((x) => x !== undefined)
      .reduce((a, b) => a + Number(b), 0)
    assert.equal(
      lines.at(-1),
      lines.at(-1)?.replace(/transferred \d+ bytes$/, `transferred ${total} bytes`),
    )
    assert.match(
      lines.at(-1) ?? '',
      new RegExp(
        String.raw`^Backed up to ${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in (?:${DUR}), transferred \d+ bytes$`,
      ),
    )
  }

  /** The set's files: one .meta, one .manifest per run, the archives; all mode 0600, no temp files. */
  function assertFiles(p: string, ids: readonly number[]): void {
    const names = readdirSync(p).sort()
    const ts = names.find((n) => n.endsWith('.manifest'))?.slice(0, -'.manifest'.length) ?? ''
    assert.match(ts, new RegExp(`^${TS}$`))
    const want = [`${ts}.manifest`, `${ts}.meta`, ...ids.map((id) => `${ts}.s${id}.tar.gz`)].sort()
    assert.deepEqual(names, want)
    for (const n of names) assert.equal(statSync(join(p, n)).mode & 0o777, 0o600, n)
    const m = decodeManifest(
      readFileSync(join(p, `${ts}.manifest`), 'utf8'),
      join(p, `${ts}.manifest`),
    )
    assert.deepEqual(m.files.map((f) => Number(f.shardID)).sort(), [...ids].sort())
    assert.equal(m.tidemark?.complete, true)
    for (const n of names)
      assert.ok(
        statSync(join(p, n)).mtimeMs <= statSync(join(p, `${ts}.manifest`)).mtimeMs,
        `${n} written after the manifest`,
      )
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tidemark-backup-ctl-'))
    d = await startTidemarkd()
    await d.query(
      'CREATE DATABASE db1; CREATE DATABASE db2; CREATE RETENTION POLICY short ON db1 DURATION 30d REPLICATION 1',
    )
    const now = BigInt(Date.now()) * 1_000_000n - 3_600_000_000_000n
    const lp = (m: string, n: number): string =>
      Array.from(
        { length: n },
        (_, i) =>
          `${m},host=h${i % 3},region=r${i % 2} v=${i}i,f=${i}.5 ${now + BigInt(i) * 1_000_000_000n}`,
      ).join('\n')
    for (const [db, rp, m] of [
      ['db1', 'autogen', 'cpu'],
      ['db1', 'short', 'mem'],
      ['db2', 'autogen', 'disk'],
    ] as const) {
      const r = await d.write(db, lp(m, 50), { rp })
      assert.equal(r.status, 204, await r.text())
    }
    const r = await fetch(`http://${d.metaAddress}/shards`)
    shards = (await r.json()) as typeof shards
    assert.equal(shards.length, 3)
  })

  after(async () => {
    await d?.stop()
    if (root !== '') rmSync(root, { recursive: true, force: true })
  })

  it('backs up everything with -strategy full: meta, one archive per shard, the manifest last, all 0600', () => {
    const p = dir('full')
    const r = ctl('backup', '-strategy', 'full', p)
    assert.equal(r.status, 0, r.stderr)
    const ids = shards.map((s) => s.id).sort((a, b) => a - b)
    assertOutput(r.stdout, p, ids)
    assertFiles(p, ids)
    const v = ctl('verify', p)
    assert.equal(v.status, 0, v.stdout + v.stderr)
    assert.match(v.stdout, /Verified .*: 3 shard archives OK/)
  })

  it('backs up one database with -db, one retention policy with -db -rp, one shard with -shard', () => {
    const cases: [string[], number[]][] = [
      [['-db', 'db1'], [shardOf('db1', 'autogen'), shardOf('db1', 'short')].sort((a, b) => a - b)],
      [['-db', 'db1', '-rp', 'short'], [shardOf('db1', 'short')]],
      [['-shard', String(shardOf('db2', 'autogen'))], [shardOf('db2', 'autogen')]],
    ]
    cases.forEach(([flags, ids], i) => {
      const p = dir(`part${i}`)
      const r = ctl('backup', ...flags, p)
      assert.equal(r.status, 0, r.stderr)
      assertOutput(r.stdout, p, ids)
      assertFiles(p, ids)
      assert.equal(ctl('verify', p).status, 0)
    })
  })

  it('backs up only the metastore with -strategy only-meta', () => {
    const p = dir('meta')
    const r = ctl('backup', '-strategy', 'only-meta', p)
    assert.equal(r.status, 0, r.stderr)
    assertOutput(r.stdout, p, [])
    assertFiles(p, [])
  })

  it('backs up nothing new the second time (incremental), then only the shard that changed', async () => {
    assert.ok(d !== undefined)
    const p = dir('inc')
    const first = ctl('backup', p)
    assert.equal(first.status, 0, first.stderr)
    assertOutput(
      first.stdout,
      p,
      shards.map((s) => s.id).sort((a, b) => a - b),
    )
    const second = ctl('backup', p)
    assert.equal(second.status, 0, second.stderr)
    assertOutput(second.stdout, p, [])
    // spawnSync blocked our event loop: a keep-alive socket the server closed meanwhile may fail once.
    const point = `disk,host=new v=1i ${BigInt(Date.now()) * 1_000_000n - 60_000_000_000n}`
    const w = await d.write('db2', point).catch(() => d?.write('db2', point))
    assert.equal(w?.status, 204)
    const third = ctl('backup', p)
    assert.equal(third.status, 0, third.stderr)
    assertOutput(third.stdout, p, [shardOf('db2', 'autogen')])
    assert.equal(readdirSync(p).filter((n) => n.endsWith('.manifest')).length, 3)
    assert.equal(ctl('verify', p).status, 0)
  })

  it('refuses a missing directory, -rp without -db, and -start with -full, exiting 1 with a message', () => {
    const bad4 = dir('bad4')
    const cases: [string[], RegExp][] = [
      [['backup', join(root, 'nope')], /does not exist: the directory must already exist/],
      [['backup', '-rp', 'autogen', dir('bad1')], /-rp requires -db/],
      [
        ['backup', '-full', '-start', '2020-01-01T00:00:00Z', dir('bad2')],
        /cannot be used with -strategy full/,
      ],
      [['backup', '-db', 'nodb', dir('bad3')], /database "nodb" not found/],
      // Times Go's RFC3339 parser refuses, not rolled over into the next day or month.
      [
        ['backup', '-start', '2022-02-30T00:00:00Z', bad4],
        /-start "2022-02-30T00:00:00Z" is not an RFC3339 time: day, month or time of day out of range/,
      ],
      [['backup', '-end', '2022-01-01T24:00:00Z', bad4], /-end .* out of range/],
      [['backup', '-since', '2022-13-01T00:00:00Z', bad4], /-since .* out of range/],
      [
        ['backup', '-full', '-strategy', 'only-meta', bad4],
        /-full cannot be used with -strategy only-meta/,
      ],
      [['backup', '-from', 'nonsense', bad4], /-from "nonsense" is not a data node TCP address/],
      [['backup', '-from', 'h:70000', bad4], /-from "h:70000" is not a data node TCP address/],
    ]
    for (const [args, re] of cases) {
      const r = ctl(...args)
      assert.equal(r.status, 1, args.join(' '))
      assert.match(r.stderr, re)
      // A failure after the first line began ends it as the seed's restore does: "... Error."
      if (r.stdout !== '')
        assert.equal(r.stdout, 'Backing up meta data... Error.\n', args.join(' '))
    }
    assert.deepEqual(readdirSync(join(root, 'bad3')), [])
    assert.deepEqual(readdirSync(join(root, 'bad4')), [])
  })

  it('warns when a time-range backup goes into a directory of earlier backups, naming what a restore of it then holds', () => {
    const p = dir('ranged')
    assert.equal(ctl('backup', p).status, 0)
    const r = ctl('backup', '-start', '2000-01-01T00:00:00Z', '-end', '2000-01-02T00:00:00Z', p)
    assert.equal(r.status, 0, r.stderr)
    assert.match(
      r.stderr,
      new RegExp(
        `^WARNING: ${p.replace(/[.*+?^$()|[\]\\/]/g, '\\$&')} holds earlier backups: a restore of .* now restores shards? [\\d, ]+ with only the points of 2000-01-01T00:00:00Z to 2000-01-02T00:00:00Z\\. .*restore -full `,
        'm',
      ),
    )
    // Into a directory of its own: no warning.
    const alone = ctl('backup', '-start', '2000-01-01T00:00:00Z', dir('ranged-alone'))
    assert.equal(alone.status, 0, alone.stderr)
    assert.doesNotMatch(alone.stderr, /WARNING/)
  })

  it('-from on a single node is a preference: an address that does not answer is passed over', () => {
    const p = dir('from')
    const r = ctl('backup', '-from', '127.0.0.1:1', p)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /^Backing up node 127\.0\.0\.1:(?!1,)\d+, db /m)
    assert.doesNotMatch(r.stdout, /Backing up node 127\.0\.0\.1:1,/)
    assert.equal(ctl('verify', p).status, 0)
  })

  it('verify reports a damaged archive with its typed error and exits 1', () => {
    const src = join(root, 'full')
    const p = dir('damaged')
    for (const n of readdirSync(src)) copyFileSync(join(src, n), join(p, n))
    const archive = readdirSync(p).find((n) => n.endsWith('.tar.gz'))
    assert.ok(archive !== undefined)
    const bytes = readFileSync(join(p, archive))
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff
    writeFileSync(join(p, archive), bytes)
    const r = ctl('verify', p)
    assert.equal(r.status, 1)
    assert.match(r.stdout, /^FAILED ERR_BACKUP_(?:CHECKSUM|GZIP): .*\.tar\.gz/)
  })

  it('its incremental directory is restored by `influxd restore -portable`; influxd then shows the same series and field keys', async (t) => {
    if (!requireInfluxd(t)) return
    assert.ok(d !== undefined)
    let h: InfluxdHandle | undefined
    try {
      h = await startInfluxd()
      const run = await runInfluxdTool([
        'restore',
        '-portable',
        '-host',
        h.rpcAddress,
        join(root, 'inc'),
      ])
      assert.equal(run.status, 0, run.stdout + run.stderr)
      await settledAnswers(h, ['db1', 'db2'])
      for (const db of ['db1', 'db2']) {
        for (const q of ['SHOW SERIES', 'SHOW FIELD KEYS', 'SHOW RETENTION POLICIES']) {
          const theirs: string = JSON.stringify(await h.query(q, { db }), (_k, v: unknown) =>
            typeof v === 'bigint' ? String(v) : v,
          )
          const ours: string = JSON.stringify(await d.query(q, { db }), (_k, v: unknown) =>
            typeof v === 'bigint' ? String(v) : v,
          )
          assert.equal(theirs, ours, `${db}: ${q}`)
        }
      }
    } finally {
      await h?.stop()
    }
  })
})

// Every example of the seed document (shared/seed/backup-and-restore.md), each as its own test,
// run the way the document runs it (same flags, same argument order, relative directories from
// the working directory) against real tidemarkd processes, with the document's output lines.
// Names and numbers differ from the document's (hosts, times, sizes); the shapes may not.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { runBin } from '../helpers/cli.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

const run = runBin

const DURATION = String.raw`(\d+(\.\d+)?(ns|µs|ms|s|m|h))+`
const BACKUP_META = new RegExp(`^Backing up meta data\\.\\.\\. Done\\. (\\d+) bytes transferred$`)
const BACKUP_SHARD = new RegExp(
  `^Backing up node 127\\.0\\.0\\.1:\\d+, db (\\S+), rp (\\S+), shard (\\d+)\\.\\.\\. Done\\. Backed up in ${DURATION}, (\\d+) bytes transferred$`,
)
const TS = String.raw`\d{8}T\d{6}Z`

function lines(s: string): string[] {
  return s.trimEnd().split('\n')
}

/** The (db, rp) of every shard line of a backup's output. */
function shardLines(out: string): { db: string; rp: string; shard: string }[] {
  return lines(out)
    .map((l) => BACKUP_SHARD.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ db: m[1] ?? '', rp: m[2] ?? '', shard: m[3] ?? '' }))
}

async function count(
  server: TidemarkdHandle,
  db: string,
  q = 'SELECT count(v) FROM cpu',
): Promise<unknown> {
  const r = (await server.query(q, { db })) as {
    results: { series?: { values: unknown[][] }[]; error?: string }[]
  }
  assert.equal(r.results[0]?.error, undefined, r.results[0]?.error)
  return r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

let work = ''
let source: TidemarkdHandle
const DAY = 86_400_000_000_000n
const JAN_2022 = 1_640_995_200_000_000_000n // 2022-01-01T00:00:00Z

describe('the seed document, example by example', () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tidemark-seed-'))
    source = await startTidemarkd()
    for (const q of [
      'CREATE DATABASE myfirstdb',
      'CREATE RETENTION POLICY oneday ON myfirstdb DURATION 1d REPLICATION 1',
      'CREATE DATABASE telegraf',
      "CREATE USER admin WITH PASSWORD 's3cret' WITH ALL PRIVILEGES",
      'CREATE CONTINUOUS QUERY cq_hourly ON telegraf BEGIN SELECT mean(v) INTO telegraf.autogen.cpu_1h FROM telegraf.autogen.cpu GROUP BY time(1h) END',
    ]) {
      const r = (await source.query(q)) as { results: { error?: string }[] }
      assert.equal(r.results[0]?.error, undefined, `${q}: ${r.results[0]?.error}`)
    }
    // myfirstdb.autogen: one point a day from 2021-12-15 to 2022-02-14 (several shard groups);
    // myfirstdb.oneday: recent points; telegraf.autogen: 471 points in two shard groups.
    const days = Array.from(
      { length: 62 },
      (_, d) => `cpu,host=h${d % 2} v=${d} ${JAN_2022 + BigInt(d - 17) * DAY}`,
    )
    assert.equal((await source.write('myfirstdb', days.join('\n'))).status, 204)
    const now = BigInt(Date.now()) * 1_000_000n
    const recent = Array.from(
      { length: 10 },
      (_, i) => `cpu,host=h0 v=${i} ${now - BigInt(i) * 60_000_000_000n}`,
    )
    assert.equal((await source.write('myfirstdb', recent.join('\n'), { rp: 'oneday' })).status, 204)
    const tele = Array.from(
      { length: 471 },
      (_, i) =>
        `cpu,host=h${i % 3},cpu=cpu${i % 2} v=${i}i,idle=${i / 4} ${JAN_2022 + BigInt(i) * 3_600_000_000_000n}`,
    )
    assert.equal((await source.write('telegraf', tele.join('\n'))).status, 204)
  })
  after(async () => {
    await source.stop()
    rmSync(work, { recursive: true, force: true })
  })

  /** A fresh, empty directory under the working directory, as the examples' `./dir`. */
  function dir(name: string): string {
    const d = join(work, name)
    mkdirSync(d)
    return d
  }

  it('Back up a database and all retention policies: backup -db myfirstdb ./myfirstdb-allrp-backup', async () => {
    dir('myfirstdb-allrp-backup')
    const r = await run(
      'tidemark-ctl.js',
      ['-bind', source.metaAddress, 'backup', '-db', 'myfirstdb', './myfirstdb-allrp-backup'],
      work,
    )
    assert.equal(r.code, 0, r.stderr)
    const shards = shardLines(r.stdout)
    assert.ok(shards.length >= 3, r.stdout)
    assert.ok(shards.every((s) => s.db === 'myfirstdb'))
    assert.deepEqual([...new Set(shards.map((s) => s.rp))].sort(), ['autogen', 'oneday'])
    assert.match(
      lines(r.stdout).at(-1) ?? '',
      new RegExp(
        `^Backed up to \\./myfirstdb-allrp-backup in ${DURATION}, transferred \\d+ bytes$`,
      ),
    )
  })

  it('Back up a database with a specific retention policy: -db myfirstdb -rp oneday, then -rp autogen, into separate directories', async () => {
    for (const rp of ['oneday', 'autogen']) {
      const d = dir(`myfirstdb-${rp}-backup`)
      const r = await run(
        'tidemark-ctl.js',
        [
          '-bind',
          source.metaAddress,
          'backup',
          '-db',
          'myfirstdb',
          '-rp',
          rp,
          `./myfirstdb-${rp}-backup`,
        ],
        work,
      )
      assert.equal(r.code, 0, r.stderr)
      const shards = shardLines(r.stdout)
      assert.ok(
        shards.length > 0 && shards.every((s) => s.db === 'myfirstdb' && s.rp === rp),
        r.stdout,
      )
      const archives = readdirSync(d).filter((n) => n.endsWith('.tar.gz'))
      assert.deepEqual(
        archives.map((n) => n.replace(/^.*\.s(\d+)\.tar\.gz$/, '$1')).sort(),
        shards.map((s) => s.shard).sort(),
      )
    }
  })

  it('Back up data from a specific time range: the example as printed is refused (T012:00 is no RFC3339 hour), and corrected holds exactly January', async () => {
    dir('myfirstdb-jandata')
    const asPrinted = await run(
      'tidemark-ctl.js',
      [
        '-bind',
        source.metaAddress,
        'backup',
        '-db',
        'myfirstdb',
        './myfirstdb-jandata',
        '-start',
        '2022-01-01T012:00:00Z',
        '-end',
        '2022-01-31T011:59:00Z',
      ],
      work,
    )
    assert.equal(asPrinted.code, 1)
    assert.match(asPrinted.stderr, /-start "2022-01-01T012:00:00Z" is not an RFC3339 time/)
    assert.deepEqual(readdirSync(join(work, 'myfirstdb-jandata')), [])

    // Flags after the directory, as the example writes them, are honoured.
    const r = await run(
      'tidemark-ctl.js',
      [
        '-bind',
        source.metaAddress,
        'backup',
        '-db',
        'myfirstdb',
        './myfirstdb-jandata',
        '-start',
        '2022-01-01T12:00:00Z',
        '-end',
        '2022-01-31T11:59:00Z',
      ],
      work,
    )
    assert.equal(r.code, 0, r.stderr)
    const target = await startTidemarkd()
    try {
      const restored = await run(
        'tidemark-ctl.js',
        [
          '-bind',
          target.metaAddress,
          'restore',
          '-db',
          'myfirstdb',
          '-rp',
          'autogen',
          './myfirstdb-jandata',
        ],
        work,
      )
      assert.equal(restored.code, 0, restored.stderr)
      // Points at 00:00 on 2022-01-02 … 2022-01-31: exactly the 30 days inside [Jan 1 12:00, Jan 31 11:59].
      assert.equal(await count(target, 'myfirstdb'), 30)
    } finally {
      await target.stop()
    }
  })

  it('Perform an incremental backup: backup . copies everything the first time, nothing unchanged the second, then only the changed shard', async () => {
    const d = dir('incremental')
    const first = await run('tidemark-ctl.js', ['-bind', source.metaAddress, 'backup', '.'], d)
    assert.equal(first.code, 0, first.stderr)
    const out = lines(first.stdout)
    assert.match(out[0] ?? '', BACKUP_META)
    assert.ok(shardLines(first.stdout).length >= 5, first.stdout)
    assert.match(
      out.at(-1) ?? '',
      new RegExp(`^Backed up to \\. in ${DURATION}, transferred \\d+ bytes$`),
    )
    const ts1 =
      readdirSync(d)
        .find((n) => n.endsWith('.manifest'))
        ?.slice(0, 16) ?? ''
    assert.deepEqual(
      readdirSync(d)
        .filter((n) => n.startsWith(ts1))
        .map((n) => n.slice(16))
        .sort()
        .slice(0, 2),
      ['.manifest', '.meta'],
    )

    await new Promise((r) => setTimeout(r, 1100)) // a new second: a new timestamp
    const second = await run('tidemark-ctl.js', ['-bind', source.metaAddress, 'backup', '.'], d)
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(shardLines(second.stdout), [])

    assert.equal(
      (
        await source.write(
          'telegraf',
          `cpu,host=h9 v=1i,idle=1 ${JAN_2022 + 5n * 3_600_000_000_000n}`,
        )
      ).status,
      204,
    )
    await new Promise((r) => setTimeout(r, 1100))
    const third = await run('tidemark-ctl.js', ['-bind', source.metaAddress, 'backup', '.'], d)
    assert.equal(third.code, 0, third.stderr)
    const changed = shardLines(third.stdout)
    assert.equal(changed.length, 1, third.stdout)
    assert.equal(changed[0]?.db, 'telegraf')
  })

  it('Perform a full backup: backup -full backup_dir writes the manifest, the meta and one archive per shard', async () => {
    const d = dir('full')
    mkdirSync(join(d, 'backup_dir'))
    const r = await run(
      'tidemark-ctl.js',
      ['-bind', source.metaAddress, 'backup', '-full', 'backup_dir'],
      d,
    )
    assert.equal(r.code, 0, r.stderr)
    const out = lines(r.stdout)
    assert.match(out[0] ?? '', BACKUP_META)
    const shards = shardLines(r.stdout)
    assert.equal(shards.length, out.length - 2)
    assert.match(
      out.at(-1) ?? '',
      new RegExp(`^Backed up to backup_dir in ${DURATION}, transferred \\d+ bytes$`),
    )
    const files = readdirSync(join(d, 'backup_dir')).sort()
    const ts = files[0]?.slice(0, 16) ?? ''
    assert.match(ts, new RegExp(`^${TS}$`))
    assert.deepEqual(
      files,
      [`${ts}.manifest`, `${ts}.meta`, ...shards.map((s) => `${ts}.s${s.shard}.tar.gz`)].sort(),
    )
  })

  it('Perform an incremental backup on a single database: -bind <metahost>:8091 backup -db telegraf ./telegrafbackup', async () => {
    const d = dir('telegrafbackup')
    const r = await run(
      'tidemark-ctl.js',
      ['-bind', source.metaAddress, 'backup', '-db', 'telegraf', './telegrafbackup'],
      work,
    )
    assert.equal(r.code, 0, r.stderr)
    const shards = shardLines(r.stdout)
    assert.ok(
      shards.length >= 1 && shards.every((s) => s.db === 'telegraf' && s.rp === 'autogen'),
      r.stdout,
    )
    const meta = BACKUP_META.exec(lines(r.stdout)[0] ?? '')
    const total = /transferred (\d+) bytes$/.exec(lines(r.stdout).at(-1) ?? '')
    const shardBytes = lines(r.stdout).reduce(
      (n, l) => n + Number(BACKUP_SHARD.exec(l)?.[7] ?? 0),
      0,
    )
    assert.equal(
      Number(total?.[1]),
      Number(meta?.[1]) + shardBytes,
      'the total is the meta plus every shard',
    )
    assert.equal(readdirSync(d).length, 2 + shards.length)
  })

  it('Perform a metadata only backup: backup -strategy only-meta backup_dir', async () => {
    const d = dir('onlymeta')
    mkdirSync(join(d, 'backup_dir'))
    const r = await run(
      'tidemark-ctl.js',
      ['-bind', source.metaAddress, 'backup', '-strategy', 'only-meta', 'backup_dir'],
      d,
    )
    assert.equal(r.code, 0, r.stderr)
    const [meta, done, ...rest] = lines(r.stdout)
    const n = BACKUP_META.exec(meta ?? '')?.[1]
    assert.ok(n !== undefined, meta)
    assert.match(
      done ?? '',
      new RegExp(`^Backed up to backup_dir in ${DURATION}, transferred ${n} bytes$`),
    )
    assert.deepEqual(rest, [])
    assert.deepEqual(
      readdirSync(join(d, 'backup_dir'))
        .map((f) => f.slice(16))
        .sort(),
      ['.manifest', '.meta'],
    )
  })

  describe('restores', () => {
    before(async () => {
      dir('my-incremental-backup')
      const r = await run(
        'tidemark-ctl.js',
        ['-bind', source.metaAddress, 'backup', '-db', 'telegraf', './my-incremental-backup'],
        work,
      )
      assert.equal(r.code, 0, r.stderr)
      dir('metadata-backup')
      const m = await run(
        'tidemark-ctl.js',
        ['-bind', source.metaAddress, 'backup', '-strategy', 'only-meta', 'metadata-backup'],
        work,
      )
      assert.equal(m.code, 0, m.stderr)
      dir('my-full-backup')
      const f = await run(
        'tidemark-ctl.js',
        ['-bind', source.metaAddress, 'backup', '-full', 'my-full-backup'],
        work,
      )
      assert.equal(f.code, 0, f.stderr)
    })

    const RESTORING = new RegExp(
      `^Restoring meta data\\.\\.\\. Done\\. Restored in ${DURATION}, (\\d+) shards mapped$`,
    )
    const SHARD_TO = /^Restoring db (\S+), rp (\S+), shard (\d+) to shard (\d+)\.\.\.$/
    const COPYING = new RegExp(
      `^Copying data to 127\\.0\\.0\\.1:\\d+\\.\\.\\. Done\\. Restored shard (\\d+) into shard (\\d+) in ${DURATION}, (\\d+) bytes transferred$`,
    )

    /**
     * Checks the shard line pairs of a restore's output and returns how many there were; the last
     * line's total is the sum of the shards' bytes, as in the seed's examples (588800 / 588800).
     */
    function shardPairs(out: readonly string[]): number {
      let pairs = 0
      let bytes = 0
      for (let i = 0; i < out.length; i++) {
        const to = SHARD_TO.exec(out[i] ?? '')
        if (to === null) continue
        const copy = COPYING.exec(out[i + 1] ?? '')
        assert.ok(copy !== null, `after "${out[i]}": "${out[i + 1]}"`)
        assert.equal(copy[1], to[3])
        assert.equal(copy[2], to[4])
        bytes += Number(copy.at(-1))
        pairs++
      }
      const total = /, transferred (\d+) bytes$/.exec(out.at(-1) ?? '')
      assert.equal(Number(total?.[1]), bytes, out.at(-1))
      return pairs
    }

    it('Restore from an incremental backup: restore my-incremental-backup/', async () => {
      const target = await startTidemarkd()
      try {
        const r = await run(
          'tidemark-ctl.js',
          ['-bind', target.metaAddress, 'restore', 'my-incremental-backup/'],
          work,
        )
        assert.equal(r.code, 0, r.stderr)
        const out = lines(r.stdout)
        assert.equal(out[0], 'Using backup directory: my-incremental-backup/')
        assert.match(out[1] ?? '', new RegExp(`^Using meta backup: ${TS}\\.meta$`))
        const mapped = Number(RESTORING.exec(out[2] ?? '')?.[4] ?? -1)
        assert.ok(mapped >= 1, out[2])
        assert.equal(shardPairs(out), (out.length - 4) / 2)
        assert.match(
          out.at(-1) ?? '',
          new RegExp(
            `^Restored from my-incremental-backup/ in ${DURATION}, transferred \\d+ bytes$`,
          ),
        )
        assert.equal(await count(target, 'telegraf'), 472)
        // users and continuous queries come back with a complete restore
        const users = (await target.query('SHOW USERS')) as {
          results: { series?: { values: unknown[][] }[] }[]
        }
        assert.deepEqual(users.results[0]?.series?.[0]?.values, [['admin', true]])
        const cqs = JSON.stringify(await target.query('SHOW CONTINUOUS QUERIES'))
        assert.match(cqs, /cq_hourly/)
      } finally {
        await target.stop()
      }
    })

    it('Restore from a metadata backup: restore metadata-backup/ brings databases, users and CQs, and no data', async () => {
      const target = await startTidemarkd()
      try {
        const r = await run(
          'tidemark-ctl.js',
          ['-bind', target.metaAddress, 'restore', 'metadata-backup/'],
          work,
        )
        assert.equal(r.code, 0, r.stderr)
        const out = lines(r.stdout)
        assert.equal(out[0], 'Using backup directory: metadata-backup/')
        assert.match(out[1] ?? '', new RegExp(`^Using meta backup: ${TS}\\.meta$`))
        assert.match(out[2] ?? '', RESTORING)
        // Only metadata moved: the total is the .meta's size (the seed's "transferred 588 bytes").
        const metaFile = readdirSync(join(work, 'metadata-backup')).find((n) => n.endsWith('.meta'))
        const metaSize = statSync(join(work, 'metadata-backup', metaFile ?? '')).size
        assert.match(
          out[3] ?? '',
          new RegExp(
            `^Restored from metadata-backup/ in ${DURATION}, transferred ${metaSize} bytes$`,
          ),
        )
        assert.equal(out.length, 4)
        const dbs = JSON.stringify(await target.query('SHOW DATABASES'))
        assert.match(dbs, /myfirstdb/)
        assert.match(dbs, /telegraf/)
        assert.match(
          JSON.stringify(await target.query('SHOW RETENTION POLICIES ON myfirstdb')),
          /oneday/,
        )
        assert.match(JSON.stringify(await target.query('SHOW CONTINUOUS QUERIES')), /cq_hourly/)
        assert.equal(await count(target, 'telegraf'), 0)
      } finally {
        await target.stop()
      }
    })

    it('Restore from a -full backup: restore -full my-full-backup/<ts>.manifest', async () => {
      const target = await startTidemarkd()
      try {
        const manifest =
          readdirSync(join(work, 'my-full-backup')).find((n) => n.endsWith('.manifest')) ?? ''
        const r = await run(
          'tidemark-ctl.js',
          ['-bind', target.metaAddress, 'restore', '-full', `my-full-backup/${manifest}`],
          work,
        )
        assert.equal(r.code, 0, r.stderr)
        const out = lines(r.stdout)
        assert.equal(out[0], `Using manifest: my-full-backup/${manifest}`)
        assert.match(out[1] ?? '', RESTORING)
        assert.ok(shardPairs(out) >= 3)
        assert.match(
          out.at(-1) ?? '',
          new RegExp(`^Restored from my-full-backup in ${DURATION}, transferred \\d+ bytes$`),
        )
        assert.equal(await count(target, 'telegraf'), 472)
        assert.equal(await count(target, 'myfirstdb'), 62)
        assert.equal(await count(target, 'myfirstdb', 'SELECT count(v) FROM oneday.cpu'), 10)
      } finally {
        await target.stop()
      }
    })

    it('Restore from an incremental backup for a single database and give the database a new name: -db telegraf -newdb restored_telegraf', async () => {
      const target = await startTidemarkd()
      try {
        const r = await run(
          'tidemark-ctl.js',
          [
            '-bind',
            target.metaAddress,
            'restore',
            '-db',
            'telegraf',
            '-newdb',
            'restored_telegraf',
            'my-incremental-backup/',
          ],
          work,
        )
        assert.equal(r.code, 0, r.stderr)
        const out = lines(r.stdout)
        assert.ok(
          out.some((l) =>
            /^Restoring db telegraf, rp autogen, shard \d+ to shard \d+\.\.\.$/.test(l),
          ),
          JSON.stringify(r),
        )
        assert.ok(shardPairs(out) >= 1)
        assert.equal(await count(target, 'restored_telegraf'), 472)
        assert.equal(await count(target, 'telegraf').catch(() => 0), 0)
      } finally {
        await target.stop()
      }
    })

    it('Restore … and merge that database into an existing database: refused for a database that exists, -newdb, then SELECT * INTO telegraf..:MEASUREMENT FROM /.*/ GROUP BY *', async () => {
      const target = await startTidemarkd()
      try {
        // Telegraf recreated the database and wrote a point after the drop.
        await target.query('CREATE DATABASE telegraf')
        assert.equal(
          (
            await target.write(
              'telegraf',
              `cpu,host=h0,cpu=cpu0 v=9999i,idle=0 ${JAN_2022 + 1000n * 3_600_000_000_000n}`,
            )
          ).status,
          204,
        )
        const refused = await run(
          'tidemark-ctl.js',
          ['-bind', target.metaAddress, 'restore', '-db', 'telegraf', 'my-incremental-backup/'],
          work,
        )
        assert.equal(refused.code, 1)
        assert.deepEqual(lines(refused.stdout).slice(-1), ['Restoring meta data... Error.'])
        assert.equal(
          refused.stderr,
          'restore: operation exited with error: problem setting snapshot: database already exists\n',
        )
        assert.equal(await count(target, 'telegraf'), 1, 'the refused restore changed nothing')

        const r = await run(
          'tidemark-ctl.js',
          [
            '-bind',
            target.metaAddress,
            'restore',
            '-db',
            'telegraf',
            '-newdb',
            'restored_telegraf',
            'my-incremental-backup/',
          ],
          work,
        )
        assert.equal(r.code, 0, r.stderr)
        // The `influx` shell step of the example, with our CLI: USE restored_telegraf, then the INTO query.
        const url = new URL(target.url)
        const shell = await run(
          'tidemark.js',
          [
            '-host',
            url.hostname,
            '-port',
            url.port,
            '-database',
            'restored_telegraf',
            '-execute',
            'SELECT * INTO telegraf..:MEASUREMENT FROM /.*/ GROUP BY *',
          ],
          work,
        )
        assert.equal(shell.code, 0, shell.stderr)
        assert.match(shell.stdout, /^name: result\ntime\s+written\n-+\s+-+\n0\s+472\n/)
        assert.equal(await count(target, 'telegraf'), 473)
        const tags = JSON.stringify(
          await target.query('SHOW TAG KEYS FROM cpu', { db: 'telegraf' }),
        )
        assert.match(tags, /"cpu"\],\["host"/)
      } finally {
        await target.stop()
      }
    })

    it('Restore (overwrite) metadata to fix damaged metadata: restore -meta-only-overwrite-force my-incremental-backup/', async () => {
      const target = await startTidemarkd()
      try {
        const first = await run(
          'tidemark-ctl.js',
          ['-bind', target.metaAddress, 'restore', 'my-incremental-backup/'],
          work,
        )
        assert.equal(first.code, 0, first.stderr)
        // Damage the metadata (nothing that deletes data): a user and a CQ lost, a stray database.
        for (const q of [
          'DROP USER admin',
          'DROP CONTINUOUS QUERY cq_hourly ON telegraf',
          'CREATE DATABASE stray',
        ])
          await target.query(q)
        const r = await run(
          'tidemark-ctl.js',
          [
            '-bind',
            target.metaAddress,
            'restore',
            '-meta-only-overwrite-force',
            'my-incremental-backup/',
          ],
          work,
        )
        assert.equal(r.code, 0, r.stderr)
        const out = lines(r.stdout)
        assert.equal(out[0], 'Using backup directory: my-incremental-backup/')
        assert.match(out[1] ?? '', new RegExp(`^Using meta backup: ${TS}\\.meta$`))
        assert.match(out[2] ?? '', RESTORING)
        assert.match(
          out[3] ?? '',
          new RegExp(
            `^Restored from my-incremental-backup/ in ${DURATION}, transferred \\d+ bytes$`,
          ),
        )
        assert.equal(out.length, 4)
        const users = (await target.query('SHOW USERS')) as {
          results: { series?: { values: unknown[][] }[] }[]
        }
        assert.deepEqual(users.results[0]?.series?.[0]?.values, [['admin', true]])
        assert.match(JSON.stringify(await target.query('SHOW CONTINUOUS QUERIES')), /cq_hourly/)
        assert.doesNotMatch(JSON.stringify(await target.query('SHOW DATABASES')), /stray/)
        assert.equal(await count(target, 'telegraf'), 472, 'the data is untouched')
        const combined = await run(
          'tidemark-ctl.js',
          [
            '-bind',
            target.metaAddress,
            'restore',
            '-meta-only-overwrite-force',
            '-db',
            'telegraf',
            'my-incremental-backup/',
          ],
          work,
        )
        assert.equal(combined.code, 1)
        assert.match(combined.stderr, /cannot be combined with -db/)
      } finally {
        await target.stop()
      }
    })
  })

  it('Exporting and importing data: influx_inspect export -database … -compress -start … -end …, then influx -import -path … -compressed', async () => {
    const home = join(work, 'home')
    const exporter = await startTidemarkd({
      env: {
        TIDEMARK_DATA_DIR: join(home, '.influxdb', 'data'),
        TIDEMARK_DATA_WAL_DIR: join(home, '.influxdb', 'wal'),
      },
    })
    const target = await startTidemarkd()
    try {
      await exporter.query('CREATE DATABASE telegraf')
      const day = 1_558_224_000_000_000_000n // 2019-05-19T00:00:00Z
      const pts = Array.from(
        { length: 48 },
        (_, i) => `cpu,host=h${i % 2} v=${i}i ${day - DAY / 2n + BigInt(i) * 3_600_000_000_000n}`,
      )
      assert.equal((await exporter.write('telegraf', pts.join('\n'))).status, 204)
      await exporter.stop({ keep: true })
      const ex = await run(
        'tidemark-inspect.js',
        [
          'export',
          '-database',
          'telegraf',
          '-compress',
          '-start',
          '2019-05-19T00:00:00.000Z',
          '-end',
          '2019-05-19T23:59:59.999Z',
        ],
        work,
        { HOME: home },
      )
      assert.equal(ex.code, 0, ex.stderr)
      const file = join(home, '.influxdb', 'export')
      const text = gunzipSync(readFileSync(file)).toString('utf8')
      // As influx_inspect 1.6 writes it: its range line first (the seed leaves it out), then the
      // seed's sections; `# writing tsm/wal data` comments precede the line protocol.
      const all = text.split('\n')
      assert.deepEqual(all.slice(0, 6), [
        '# INFLUXDB EXPORT: 2019-05-19T00:00:00Z - 2019-05-19T23:59:59Z',
        '# DDL',
        'CREATE DATABASE telegraf WITH NAME autogen',
        '# DML',
        '# CONTEXT-DATABASE:telegraf',
        '# CONTEXT-RETENTION-POLICY:autogen',
      ])
      const data = all.slice(6).filter((l) => l !== '' && !l.startsWith('#'))
      assert.equal(data.length, 24, 'exactly the points of 2019-05-19')
      assert.ok(
        data.every((l) => /^cpu,host=h[01] v=\d+i 155\d{16}$/.test(l)),
        data.join('\n'),
      )
      writeFileSync(join(work, 'export.gz'), readFileSync(file))
      const url = new URL(target.url)
      const im = await run(
        'tidemark.js',
        ['-host', url.hostname, '-port', url.port, '-import', '-path', 'export.gz', '-compressed'],
        work,
      )
      assert.equal(im.code, 0, im.stderr)
      assert.match(im.stderr + im.stdout, /Processed 24 inserts\n.*Failed 0 inserts/)
      assert.equal(await count(target, 'telegraf', 'SELECT count(v) FROM cpu'), 24)
    } finally {
      await target.stop()
      await exporter.stop().catch(() => undefined)
    }
  })
})

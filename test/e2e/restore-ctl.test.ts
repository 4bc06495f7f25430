// tidemark-ctl restore end to end: a backup of one tidemarkd restored into another (whole set,
// -db/-newdb, -full MANIFEST), the seed's refusal for a database that holds data, the seed's
// dropped-database story (restore under a new name, merge back with SELECT … INTO), and a damaged
// set refused before anything changes.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  readTar,
  tarFileHeader,
  tarPadding,
  TAR_END_MARKER_BYTES,
  type TarEntryHeader,
} from '../../src/backup/index.js'
import { ctl } from '../helpers/cli.js'
import { startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

async function count(server: TidemarkdHandle, db: string, m: string): Promise<unknown> {
  const r = (await server.query(`SELECT count(v) FROM ${m}`, { db })) as {
    results: { series?: { values: unknown[][] }[] }[]
  }
  return r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

/** The manifest of a set as JSON (the fields these tests change). */
interface ManifestJSON {
  meta: { fileName: string }
  files: { fileName: string; size: number; sha256?: string }[]
}

/**
 * Runs `body` with a one-point backup of database db in a new directory, its manifest (to edit
 * and `save`), and a fresh target node; cleans up after.
 */
async function withOnePointSet(
  body: (set: {
    dir: string
    manifest: ManifestJSON
    save: () => void
    source: TidemarkdHandle
    target: TidemarkdHandle
  }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-restore-set-'))
  const source = await startTidemarkd()
  const target = await startTidemarkd()
  try {
    await source.query('CREATE DATABASE db')
    assert.equal((await source.write('db', 'm v=1 1577836800000000000')).status, 204)
    assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)
    const manifestName = readdirSync(dir).find((n) => n.endsWith('.manifest')) ?? ''
    const manifest = JSON.parse(readFileSync(join(dir, manifestName), 'utf8')) as ManifestJSON
    const save = (): void => writeFileSync(join(dir, manifestName), JSON.stringify(manifest))
    await body({ dir, manifest, save, source, target })
  } finally {
    await source.stop()
    await target.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('tidemark-ctl restore', () => {
  it('restores a backup into another node, under a new name, and merges it back with SELECT INTO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-restore-'))
    const source = await startTidemarkd()
    const target = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE telegraf')
      const lines = Array.from(
        { length: 300 },
        (_, i) =>
          `cpu,host=h${i % 3} v=${i} ${1577836800000000000n + BigInt(i) * 3_600_000_000_000n}`,
      )
      assert.equal((await source.write('telegraf', lines.join('\n'))).status, 204)
      const backup = await ctl(['-bind', source.metaAddress, 'backup', dir])
      assert.equal(backup.code, 0, backup.stderr)

      const listed = await ctl(['-bind', target.metaAddress, 'restore', '-list', dir])
      assert.equal(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, /telegraf: autogen/)

      // The target's own _internal is dropped by a complete restore (the seed), the backup's never restored.
      await target.query('CREATE DATABASE _internal')
      assert.equal((await target.write('_internal', 'runtime v=1 1577836800000000000')).status, 204)
      const whole = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(whole.code, 0, whole.stderr)
      const out = whole.stdout.split('\n')
      assert.equal(out[0], `Using backup directory: ${dir}`)
      assert.match(out[1] ?? '', /^Using meta backup: \d{8}T\d{6}Z\.meta$/)
      assert.match(
        out[2] ?? '',
        /^Restoring meta data\.\.\. Done\. Restored in \S+, \d+ shards mapped$/,
      )
      assert.match(
        out[3] ?? '',
        /^Restoring db telegraf, rp autogen, shard \d+ to shard \d+\.\.\.$/,
      )
      assert.match(
        out[4] ?? '',
        /^Copying data to 127\.0\.0\.1:\d+\.\.\. Done\. Restored shard \d+ into shard \d+ in \S+, \d+ bytes transferred$/,
      )
      assert.match(
        whole.stdout,
        new RegExp(
          `Restored from ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} in \\S+, transferred \\d+ bytes\\n$`,
        ),
      )
      assert.equal(await count(target, 'telegraf', 'cpu'), 300)
      const dbs = JSON.stringify(await target.query('SHOW DATABASES'))
      assert.ok(!dbs.includes('_internal'), dbs)

      // The target now holds data: a second restore of the same database is refused, changing nothing.
      const refused = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(refused.code, 1)
      assert.equal(
        refused.stderr,
        'restore: operation exited with error: problem setting snapshot: database already exists\n',
      )

      // The seed's story: restore under a new name, then merge back into the original database.
      await target.query('DROP DATABASE telegraf')
      await target.query('CREATE DATABASE telegraf')
      const renamed = await ctl([
        '-bind',
        target.metaAddress,
        'restore',
        '-db',
        'telegraf',
        '-newdb',
        'restored_telegraf',
        dir,
      ])
      assert.equal(renamed.code, 0, renamed.stderr)
      assert.equal(await count(target, 'restored_telegraf', 'cpu'), 300)
      const merged = (await target.query(
        'SELECT * INTO telegraf..:MEASUREMENT FROM /.*/ GROUP BY *',
        { db: 'restored_telegraf' },
      )) as { results: { series?: { values: unknown[][] }[] }[] }
      assert.equal(merged.results[0]?.series?.[0]?.values[0]?.[1], 300)
      assert.equal(await count(target, 'telegraf', 'cpu'), 300)

      // -full with the manifest file, into a fresh node.
      const fresh = await startTidemarkd()
      try {
        const manifest = readdirSync(dir).find((n) => n.endsWith('.manifest')) ?? ''
        const full = await ctl([
          '-bind',
          fresh.metaAddress,
          'restore',
          '-full',
          join(dir, manifest),
        ])
        assert.equal(full.code, 0, full.stderr)
        assert.equal(full.stdout.split('\n')[0], `Using manifest: ${join(dir, manifest)}`)
        assert.equal(await count(fresh, 'telegraf', 'cpu'), 300)
      } finally {
        await fresh.stop()
      }
    } finally {
      await source.stop()
      await target.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a damaged set before the target changes', async () => {
    await withOnePointSet(async ({ dir, target }) => {
      const archive = readdirSync(dir).find((n) => n.endsWith('.tar.gz')) ?? ''
      const bytes = readFileSync(join(dir, archive))
      writeFileSync(join(dir, archive), bytes.subarray(0, bytes.length - 20))
      const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(r.code, 1)
      assert.match(r.stderr, new RegExp(archive.replace(/\./g, '\\.')))
      const noDatabases = async (): Promise<void> => {
        const dbs = (await target.query('SHOW DATABASES')) as {
          results: { series?: { values?: unknown[][] }[] }[]
        }
        assert.equal(dbs.results[0]?.series?.[0]?.values, undefined, 'no database was created')
      }
      await noDatabases()
      // A damaged .meta (the node checks it when it plans) is reported, and nothing is committed.
      writeFileSync(join(dir, archive), bytes)
      const metaName = readdirSync(dir).find((n) => n.endsWith('.meta')) ?? ''
      const meta = readFileSync(join(dir, metaName))
      meta[meta.length - 1] = (meta[meta.length - 1] ?? 0) ^ 1
      writeFileSync(join(dir, metaName), meta)
      const m = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(m.code, 1)
      assert.match(m.stderr, new RegExp(`${metaName.replace(/\./g, '\\.')}.*sha256`))
      await noDatabases()
      // An archive gone from the directory: refused before any data moves, naming this path.
      meta[meta.length - 1] = (meta[meta.length - 1] ?? 0) ^ 1 // the .meta is whole again
      writeFileSync(join(dir, metaName), meta)
      const archiveBytes = readFileSync(join(dir, archive))
      rmSync(join(dir, archive))
      const missing = await ctl(['-bind', target.metaAddress, 'restore', `${dir}/`])
      assert.equal(missing.code, 1)
      assert.match(missing.stdout, /^Restoring meta data\.\.\. Error\.$/m)
      assert.ok(missing.stderr.includes(`${join(dir, archive)}: `), missing.stderr)
      assert.doesNotMatch(missing.stderr, /restore-staging/)
      writeFileSync(join(dir, archive), archiveBytes)
      // A .meta that cannot be read fails its upload while the manifest's is in flight: the
      // staging directory is dropped only after both settled, so none is left behind.
      rmSync(join(dir, metaName))
      for (let i = 0; i < 3; i++) {
        const gone = await ctl(['-bind', target.metaAddress, 'restore', dir])
        assert.equal(gone.code, 1)
        assert.match(gone.stderr, new RegExp(metaName.replace(/\./g, '\\.')))
        const left = readdirSync(join(target.root, 'data')).filter((n) => n.startsWith('.restore'))
        assert.deepEqual(left, [], 'no staging directory is left')
      }
      await noDatabases()
    })
  })

  it('refuses a damaged set made by InfluxDB (no sha256) as it uploads, and then restores it whole', async () => {
    await withOnePointSet(async ({ dir, manifest, save, target }) => {
      // As influxd writes a set: no sha256 nor Tidemark keys, each archive one plain gzip stream.
      const plain = manifest as unknown as Record<string, unknown> & ManifestJSON
      delete plain['tidemark']
      for (const f of plain.files) {
        delete f.sha256
        delete (f as Record<string, unknown>)['fingerprint']
      }
      save()
      const file = manifest.files[0]
      assert.ok(file !== undefined)
      const archive = join(dir, file.fileName)
      const tar = gunzipSync(readFileSync(archive))
      const tsm: TarEntryHeader[] = []
      await readTar(
        (async function* () {
          yield tar
        })(),
        archive,
        async (h) => {
          if (h.path.endsWith('.tsm')) tsm.push(h)
        },
      )
      const first = tsm[0]
      assert.ok(first !== undefined)
      const noDatabase = async (): Promise<void> => {
        const dbs = (await target.query('SHOW DATABASES')) as {
          results: { series?: { values?: unknown[][] }[] }[]
        }
        assert.equal(dbs.results[0]?.series?.[0]?.values, undefined, 'no database was created')
        const left = readdirSync(join(target.root, 'data')).filter((n) => n.startsWith('.restore'))
        assert.deepEqual(left, [], 'no staging directory is left')
      }
      const refused = async (bytes: Buffer, reason: RegExp): Promise<void> => {
        writeFileSync(archive, bytes)
        const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
        assert.equal(r.code, 1, r.stdout)
        assert.ok(r.stderr.includes(archive), r.stderr)
        assert.match(r.stderr, reason)
        await noDatabase()
      }
      // A bit flipped inside the first TSM block, the gzip layer whole: the node's block check.
      const flipped = Buffer.from(tar)
      flipped[first.dataOffset + 20] = (flipped[first.dataOffset + 20] ?? 0) ^ 0x01
      await refused(
        gzipSync(flipped),
        new RegExp(
          `entry "${first.path}", offset ${first.dataOffset + 5}: TSM file damaged at byte 5: block checksum mismatch`,
        ),
      )
      // The gzip stream cut short, or followed by bytes that are not gzip: this side's inflate.
      const gz = gzipSync(tar)
      await refused(gz.subarray(0, gz.length - 20), /unexpected end of file/)
      await refused(Buffer.concat([gz, Buffer.from('not gzip at all')]), /incorrect header check/)
      // The tar a block (512 bytes) longer than the manifest says.
      const longer = Buffer.concat([tar, Buffer.alloc(512)])
      await refused(
        gzipSync(longer),
        new RegExp(`${tar.length}.*${longer.length}|${longer.length}.*${tar.length}`),
      )
      writeFileSync(archive, gz)
      const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(await count(target, 'db', 'm'), 1)
    })
  })

  it('uploads only the archives the restore uses: a dropped shard, a damaged archive of another database and a -shard of another database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-restore-select-'))
    const source = await startTidemarkd()
    const targets: TidemarkdHandle[] = []
    const target = async (): Promise<TidemarkdHandle> => {
      const t = await startTidemarkd()
      targets.push(t)
      return t
    }
    try {
      for (const db of ['a', 'b']) await source.query(`CREATE DATABASE ${db}`)
      // a: two shard groups (a month apart); b: one.
      const jan = 1577836800000000000n
      const feb = 1580515200000000000n
      assert.equal((await source.write('a', `m v=1 ${jan}\nm v=2 ${feb}`)).status, 204)
      assert.equal((await source.write('b', `m v=1 ${jan}`)).status, 204)
      assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)
      const shards = (await source.query('SHOW SHARDS')) as {
        results: { series?: { name: string; values: unknown[][] }[] }[]
      }
      const idsOf = (db: string): string[] =>
        (shards.results[0]?.series?.find((x) => x.name === db)?.values ?? []).map((v) =>
          String(v[0]),
        )
      const [aJan, aFeb] = idsOf('a')
      const [b] = idsOf('b')
      assert.ok(aJan !== undefined && aFeb !== undefined && b !== undefined, JSON.stringify(shards))

      // The January shard of a is dropped; the next incremental backup's metadata lacks it while
      // the directory still holds its archive: a restore skips it (as influxd does) and succeeds.
      await source.query(`DROP SHARD ${aJan}`)
      assert.equal((await source.write('b', `m v=2 ${jan + 1n}`)).status, 204)
      assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)
      const t1 = await target()
      const whole = await ctl(['-bind', t1.metaAddress, 'restore', dir])
      assert.equal(whole.code, 0, whole.stderr)
      assert.doesNotMatch(whole.stdout, new RegExp(`shard ${aJan} to`))
      // b's older archive is shadowed by the newer backup's, not missing: no warning for it.
      assert.doesNotMatch(whole.stderr, /missing-file/)
      // ...and says so on stderr, naming the archive in this directory (influxd: "Meta info not found").
      assert.match(
        whole.stderr,
        new RegExp(
          `^WARNING shard-not-in-meta: ${dir.replace(/[.*+?^$()|[\]\\/]/g, '\\$&')}/\\d{8}T\\d{6}Z\\.s${aJan}\\.tar\\.gz: shard ${aJan} is not in \\S+\\.meta; it will not be restored$`,
          'm',
        ),
      )
      assert.equal(await count(t1, 'a', 'm'), 1)
      assert.equal(await count(t1, 'b', 'm'), 2)

      // b's archives are damaged: a restore of a alone neither reads nor needs them.
      for (const name of readdirSync(dir).filter((n) => n.endsWith(`.s${b}.tar.gz`)))
        writeFileSync(join(dir, name), 'not a gzip stream')
      const t2 = await target()
      const onlyA = await ctl(['-bind', t2.metaAddress, 'restore', '-db', 'a', dir])
      assert.equal(onlyA.code, 0, onlyA.stderr)
      assert.match(
        onlyA.stdout,
        new RegExp(`^Restoring db a, rp autogen, shard ${aFeb} to shard \\d+\\.\\.\\.$`, 'm'),
      )
      assert.doesNotMatch(onlyA.stdout, /Restoring db b/)
      assert.equal(await count(t2, 'a', 'm'), 1)
      // ...while restoring b reports its archive.
      const t3 = await target()
      const onlyB = await ctl(['-bind', t3.metaAddress, 'restore', '-db', 'b', dir])
      assert.equal(onlyB.code, 1, onlyB.stdout)
      assert.match(onlyB.stderr, new RegExp(`\\.s${b}\\.tar\\.gz`))

      // -shard of another database than -db names restores nothing: refused, nothing created.
      const wrong = await ctl(['-bind', t3.metaAddress, 'restore', '-db', 'b', '-shard', aFeb, dir])
      assert.equal(wrong.code, 1, wrong.stdout)
      assert.match(wrong.stdout, /^Restoring meta data\.\.\. Error\.$/m)
      assert.match(
        wrong.stderr,
        new RegExp(`shard ${aFeb} is not in database "b" of the backup \\(it is in a\\.autogen\\)`),
      )
      const dbs = (await t3.query('SHOW DATABASES')) as {
        results: { series?: { values?: unknown[][] }[] }[]
      }
      assert.equal(dbs.results[0]?.series?.[0]?.values, undefined, 'no database was created')
    } finally {
      await source.stop()
      for (const t of targets) await t.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses contradictory and malformed flags with a message and exit 1, before contacting a node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-restore-flags-'))
    try {
      writeFileSync(join(dir, '20260101T000000Z.meta'), 'x')
      const meta = join(dir, '20260101T000000Z.meta')
      // Nothing listens on port 1: every refusal comes before a connection is tried.
      const cases: [string[], RegExp][] = [
        [['restore', '-newdb', 'x', dir], /^restore: -newdb requires -db$/m],
        [['restore', '-db', 'd', '-newrp', 'x', dir], /^restore: -newrp requires -rp$/m],
        [['restore', '-rp', 'r', dir], /^restore: -rp requires -db$/m],
        [['restore', '-newrf', '-1', dir], /^restore: invalid -newrf -1/m],
        [['restore', '-shard', 'abc', dir], /^restore: invalid -shard "abc"/m],
        [['restore', '-meta-only-overwrite-force', '-db', 'x', dir], /cannot be combined with -db/],
        [['restore', '-full', dir], /-full needs the path to a manifest file/],
        [['restore', '-full', meta], /-full needs a manifest file \(<timestamp>\.manifest\), not /],
        [['restore', join(dir, 'nope')], /^restore: .*nope does not exist$/m],
        [['restore'], /exactly one backup directory/],
        [['verify'], /^tidemark-ctl: verify: exactly one argument is required/m],
      ]
      for (const [args, re] of cases) {
        const r = await ctl(['-bind', '127.0.0.1:1', ...args])
        assert.equal(r.code, 1, args.join(' '))
        assert.match(r.stderr, re, args.join(' '))
      }
      // -h of a command prints its flags (exit 0); an unknown flag prints them after the error.
      const flagsOf: Record<string, string[]> = {
        backup: ['-db', '-rp', '-shard', '-from', '-strategy', '-full', '-start', '-end', '-since'],
        restore: ['-db', '-newdb', '-rp', '-newrp', '-shard', '-newrf', '-list', '-full'],
        verify: [],
      }
      for (const [command, flags] of Object.entries(flagsOf)) {
        for (const h of ['-h', '-help', '--help']) {
          const r = await ctl(['-bind', '127.0.0.1:1', command, h])
          assert.equal(r.code, 0, `${command} ${h}: ${r.stderr}`)
          assert.match(r.stdout, new RegExp(`^Usage: tidemark-ctl ${command} `))
          for (const f of flags)
            assert.match(r.stdout, new RegExp(`^  ${f}(?: |$)`, 'm'), `${command}: ${f}`)
        }
        const bogus = await ctl(['-bind', '127.0.0.1:1', command, '-bogus', dir])
        assert.equal(bogus.code, 1)
        assert.match(
          bogus.stderr,
          /^tidemark-ctl: flag provided but not defined: -bogus\nUsage: tidemark-ctl /,
        )
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('restores a set whose files were renamed (spaces, UTF-8), as verify accepts it', async () => {
    await withOnePointSet(async ({ dir, manifest, save, target }) => {
      const rename = (from: string, to: string): string => {
        writeFileSync(join(dir, to), readFileSync(join(dir, from)))
        rmSync(join(dir, from))
        return to
      }
      manifest.meta.fileName = rename(manifest.meta.fileName, 'my meta ü.meta')
      manifest.files = manifest.files.map((f, i) => ({
        ...f,
        fileName: rename(f.fileName, `shard ${i} é.tar.gz`),
      }))
      save()
      assert.equal((await ctl(['verify', dir])).code, 0)
      const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^Using meta backup: my meta ü\.meta$/m)
      assert.equal(await count(target, 'db', 'm'), 1)
    })
  })

  it("restores a shard from an older backup's archive when the newer one is missing, with a warning", async () => {
    await withOnePointSet(async ({ dir, source, target }) => {
      const older = new Set(readdirSync(dir))
      // Backups are named by the second they start: the next one must not share the first's names.
      await new Promise((done) => setTimeout(done, 1100))
      assert.equal((await source.write('db', 'm v=2 1577836800000000001')).status, 204)
      assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)
      const newer = readdirSync(dir).filter((n) => n.endsWith('.tar.gz') && !older.has(n))
      assert.equal(newer.length, 1, readdirSync(dir).join(', '))
      rmSync(join(dir, newer[0] ?? ''))
      const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /missing-file/)
      assert.equal(await count(target, 'db', 'm'), 1)
    })
  })

  it('verify and restore print a warning for an archive entry they pass over, naming the entry and its offset', async () => {
    await withOnePointSet(async ({ dir, manifest, save, target }) => {
      const file = manifest.files[0]
      assert.ok(file !== undefined)
      // An extra fields.idx entry, as influxd's archives may hold: skipped, and said so.
      const tar = gunzipSync(readFileSync(join(dir, file.fileName)))
      const body = tar.subarray(0, tar.length - TAR_END_MARKER_BYTES)
      const entry = `${/^(\S+\/)[^/]+\.tsm/.exec(tar.toString('latin1', 0, 100))?.[1] ?? ''}fields.idx`
      const extra = Buffer.from('not a TSM file')
      const grown = Buffer.concat([
        body,
        tarFileHeader(entry, extra.length, new Date()),
        extra,
        tarPadding(extra.length),
        Buffer.alloc(TAR_END_MARKER_BYTES),
      ])
      const gz = gzipSync(grown)
      writeFileSync(join(dir, file.fileName), gz)
      file.size = grown.length
      file.sha256 = createHash('sha256').update(gz).digest('hex')
      save()
      const want = new RegExp(
        `^WARNING ignored-entry: \\S+\\.tar\\.gz, entry "${entry.replace(/\./g, '\\.')}" at offset ${body.length}: `,
        'm',
      )
      const v = await ctl(['verify', dir])
      assert.equal(v.code, 0, v.stdout)
      assert.match(v.stdout, want)
      const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, want)
      assert.ok(!r.stderr.includes('restore-staging'), r.stderr)
      assert.equal(await count(target, 'db', 'm'), 1)
    })
  })
})

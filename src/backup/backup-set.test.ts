import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parsePoints } from '../lineprotocol/index.js'
import { encodeMetaData } from '../meta/index.js'
import {
  BackupExistsError,
  BackupOptionsError,
  BackupShardError,
  decodeManifest,
  encodeManifest,
  readBackupSet,
  verifyBackupSet,
  writeBackupSet,
} from './index.js'
import type { BackupSetShardSpec, ManifestEntry } from './index.js'
import { fillNode, openNode, tempDir } from './backup-test-support.js'
import type { TestNode } from './backup-test-support.js'

let root = ''
let node: TestNode
let specs: BackupSetShardSpec[]
const TS1 = new Date('2026-11-25T19:10:20Z')
const TS2 = new Date('2026-11-25T19:20:00Z')
const TS3 = new Date('2026-11-25T19:30:00Z')

beforeEach(async () => {
  root = await tempDir()
  node = await openNode(join(root, 'src'))
  specs = await fillNode(node)
})
afterEach(async () => {
  await node.close()
  await rm(root, { recursive: true, force: true })
})

async function writeMore(spec: BackupSetShardSpec): Promise<void> {
  const shard = node.store.mustShard(Number(spec.id))
  const r = parsePoints(new TextEncoder().encode('extra,k=v x=1 1578300000000000000'), {
    precision: 'n',
  })
  await shard.writePoints(r.points)
}

describe('backup set writer', () => {
  it('writes <ts>.meta and one archive per shard (mode 0600) and the manifest last; verification accepts the set', async () => {
    const dir = join(root, 'b')
    const events: string[] = []
    const r = await writeBackupSet(dir, {
      meta: node.meta.data,
      shards: specs,
      ts: TS1,
      onShard: (e) => events.push(`${e.shardID}:${e.status}`),
    })
    const ids = specs.map((s) => BigInt(s.id))
    assert.deepEqual(
      (await readdir(dir)).sort(),
      [
        '20261125T191020Z.manifest',
        '20261125T191020Z.meta',
        ...ids.map((id) => `20261125T191020Z.s${id}.tar.gz`),
      ].sort(),
    )
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    for (const n of await readdir(dir))
      assert.equal((await stat(join(dir, n))).mode & 0o777, 0o600, n)
    assert.deepEqual(
      events,
      ids.map((id) => `${id}:written`),
    )
    const m = decodeManifest(await readFile(r.manifestPath), r.manifestPath)
    assert.deepEqual(m, r.manifest)
    assert.equal(m.meta.size, encodeMetaData(node.meta.data).length)
    assert.equal(m.limited, false)
    assert.equal(m.tidemark?.complete, true)
    assert.deepEqual(
      m.files.map((f) => [f.database, f.policy, f.shardID]),
      specs.map((s) => [s.database, s.rp, BigInt(s.id)]),
    )
    assert.ok(
      m.files.every(
        (f) =>
          f.sha256 !== undefined &&
          f.fingerprint !== undefined &&
          f.lastModified > 0n &&
          f.size > 1024,
      ),
    )
    const v = await verifyBackupSet(dir)
    assert.deepEqual(v.warnings, [])
    assert.deepEqual(
      v.shards.map((s) => [s.shardID, s.tarSize, s.sha256]),
      m.files.map((f) => [f.shardID, f.size, f.sha256]),
    )
    assert.ok(v.shards.every((s) => s.tsmFiles >= 2 && s.tombstoneFiles === 0))
  })

  it('writes only the shards that changed in an incremental backup; a reader takes the newest archive of each', async () => {
    const dir = join(root, 'b')
    const full = await writeBackupSet(dir, {
      meta: node.meta.data,
      shards: specs,
      ts: TS1,
      since: 'last',
    })
    assert.equal(full.manifest.files.length, specs.length, 'an empty directory gives a full backup')
    const none = await writeBackupSet(dir, {
      meta: node.meta.data,
      shards: specs,
      ts: TS2,
      since: 'last',
    })
    assert.deepEqual(none.manifest.files, [])
    assert.deepEqual(
      none.unchanged,
      specs.map((s) => BigInt(s.id)),
    )
    assert.match(await readFile(none.manifestPath, 'utf8'), /"files": null/)
    const changed = specs[1]
    assert.ok(changed !== undefined)
    await writeMore(changed)
    const inc = await writeBackupSet(dir, {
      meta: node.meta.data,
      shards: specs,
      ts: TS3,
      since: 'last',
    })
    assert.deepEqual(
      inc.manifest.files.map((f) => f.shardID),
      [BigInt(changed.id)],
    )
    const before = full.manifest.files.find((f) => f.shardID === BigInt(changed.id))
    assert.ok((inc.manifest.files[0]?.lastModified ?? 0n) > (before?.lastModified ?? 0n))
    const set = await readBackupSet(dir)
    assert.equal(set.meta.fileName, '20261125T193000Z.meta')
    assert.deepEqual(
      set.manifests.map((m) => m.fileName),
      ['20261125T193000Z.manifest', '20261125T192000Z.manifest', '20261125T191020Z.manifest'],
    )
    assert.deepEqual(
      set.shards.map((s) => [s.shardID, s.manifestFileName]),
      specs.map((s) => [
        BigInt(s.id),
        s === changed ? '20261125T193000Z.manifest' : '20261125T191020Z.manifest',
      ]),
    )
    await verifyBackupSet(dir)
  })

  it('with since: a Date, writes only shards whose files changed after it', async () => {
    const dir = join(root, 'b')
    for (const s of specs) await s.shard.snapshot() // file times are what counts: flush the caches first
    await new Promise((r) => setTimeout(r, 20))
    const cut = new Date()
    await new Promise((r) => setTimeout(r, 20))
    const changed = specs[2]
    assert.ok(changed !== undefined)
    await writeMore(changed)
    const r = await writeBackupSet(dir, {
      meta: node.meta.data,
      shards: specs,
      ts: TS1,
      since: cut,
    })
    assert.deepEqual(
      r.manifest.files.map((f) => f.shardID),
      [BigInt(changed.id)],
    )
  })

  it('never reuses a timestamp (ERR_BACKUP_EXISTS) and refuses since with start/end (ERR_BACKUP_OPTIONS)', async () => {
    const dir = join(root, 'b')
    await writeBackupSet(dir, { meta: node.meta.data, shards: specs.slice(0, 1), ts: TS1 })
    const before = (await readdir(dir)).sort()
    await assert.rejects(
      writeBackupSet(dir, { meta: node.meta.data, shards: specs, ts: TS1 }),
      (err: unknown) =>
        err instanceof BackupExistsError &&
        String(err.fields['path']).startsWith(join(dir, '20261125T191020Z.')),
    )
    await assert.rejects(
      writeBackupSet(dir, {
        meta: node.meta.data,
        shards: specs,
        ts: TS2,
        since: 'last',
        start: 0n,
      }),
      BackupOptionsError,
    )
    await assert.rejects(
      writeBackupSet(dir, { meta: node.meta.data, shards: specs, ts: TS2, start: 10n, end: 1n }),
      /start date must be before end date/,
    )
    assert.deepEqual((await readdir(dir)).sort(), before)
  })

  it('refuses a shard the metadata does not place as the spec says (ERR_BACKUP_SHARD), writing nothing', async () => {
    const dir = join(root, 'b')
    const first = specs[0]
    assert.ok(first !== undefined)
    await assert.rejects(
      writeBackupSet(dir, { meta: node.meta.data, shards: [{ ...first, rp: 'rp2' }], ts: TS1 }),
      (err: unknown) =>
        err instanceof BackupShardError &&
        err.code === 'ERR_BACKUP_SHARD' &&
        err.fields['shardID'] === BigInt(first.id),
    )
    await assert.rejects(
      writeBackupSet(dir, { meta: node.meta.data, shards: [first, first], ts: TS1 }),
      /listed twice/,
    )
    await assert.rejects(stat(dir))
  })
})

describe('backup set reader', () => {
  it('picks one archive per shard as influxd does: greatest lastModified, ties to the newest manifest, missing files passed over', async () => {
    const dir = join(root, 'hand')
    await mkdir(dir)
    const e = (shardID: bigint, fileName: string, lastModified: bigint): ManifestEntry => ({
      database: 'db0',
      policy: 'autogen',
      shardID,
      fileName,
      size: 1024,
      lastModified,
    })
    const manifest = (ts: string, files: ManifestEntry[]): string =>
      encodeManifest({ meta: { fileName: `${ts}.meta`, size: 1 }, limited: false, files })
    await writeFile(
      join(dir, 'A.manifest'),
      manifest('A', [e(1n, 'a1', 5n), e(2n, 'a2', 0n), e(3n, 'a3', 0n), e(4n, 'a4', 0n)]),
    )
    await writeFile(
      join(dir, 'B.manifest'),
      manifest('B', [e(1n, 'b1', 4n), e(2n, 'b2', 0n), e(3n, 'gone', 9n), e(5n, 'gone5', 0n)]),
    )
    for (const f of ['a1', 'a2', 'a3', 'a4', 'b1', 'b2']) await writeFile(join(dir, f), 'x')
    await mkdir(join(dir, 'C.manifest'))
    const set = await readBackupSet(dir)
    assert.equal(set.meta.fileName, 'B.meta')
    assert.deepEqual(
      set.shards.map((s) => [s.shardID, s.entry.fileName]),
      [
        [1n, 'a1'],
        [2n, 'b2'],
        [3n, 'a3'],
        [4n, 'a4'],
      ],
    )
    assert.deepEqual(
      set.missing.map((m) => [m.shardID, m.manifestFileName]),
      [[5n, 'B.manifest']],
    )
    assert.deepEqual(
      set.warnings.map((w) => [w.code, w.shardID]),
      [['missing-file', 3n]],
    )
    const one = await readBackupSet(join(dir, 'A.manifest'))
    assert.deepEqual(
      one.manifests.map((m) => m.fileName),
      ['A.manifest'],
    )
  })

  it('says which manifests mark their backup incomplete when no complete one is left (ERR_BACKUP_NOT_FOUND)', async () => {
    const dir = join(root, 'incomplete')
    await mkdir(dir)
    const manifest = (complete: boolean): string =>
      encodeManifest({
        meta: { fileName: 'x.meta', size: 1 },
        limited: false,
        files: [],
        tidemark: { version: 1, metaSha256: '', complete },
      })
    await writeFile(join(dir, '20260102T000000Z.manifest'), manifest(false))
    await assert.rejects(
      readBackupSet(dir),
      (err: unknown) =>
        (err as { code?: string }).code === 'ERR_BACKUP_NOT_FOUND' &&
        (err as Error).message ===
          `No complete backup in: ${dir} (20260102T000000Z.manifest marks its backup incomplete: interrupted before it finished)`,
    )
  })

  it('says "No manifest files found" (ERR_BACKUP_NOT_FOUND) for a directory without a backup, and refuses file names with a directory', async () => {
    const dir = join(root, 'empty')
    await mkdir(dir)
    await assert.rejects(
      readBackupSet(dir),
      (err: unknown) =>
        err instanceof Error &&
        (err as { code?: string }).code === 'ERR_BACKUP_NOT_FOUND' &&
        err.message === `No manifest files found in: ${dir}`,
    )
    await assert.rejects(
      readBackupSet(join(root, 'nope')),
      /backup path should be a valid directory/,
    )
    const text = encodeManifest({
      meta: { fileName: '../x.meta', size: 1 },
      limited: false,
      files: [],
    })
    await writeFile(join(dir, 'x.manifest'), text)
    await assert.rejects(
      readBackupSet(dir),
      (err: unknown) =>
        (err as { code?: string }).code === 'ERR_BACKUP_MANIFEST' &&
        /meta\.fileName/.test(String(err)),
    )
  })
})

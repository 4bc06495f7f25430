// Every kind of damaged backup set is refused twice — by verifyBackupSet and by a restore — with a
// typed error naming the file (and the tar entry and offset where there is one), and a refused
// restore leaves the target node exactly as it was.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { parsePoints, type Values } from '../lineprotocol/index.js'
import {
  appendTombstones,
  TOMBSTONE_MAX_TIME,
  TOMBSTONE_MIN_TIME,
  TSMWriter,
} from '../tsm/index.js'
import {
  decodeMetaData,
  decodePortableData,
  encodeMetaData,
  encodePortableData,
} from '../meta/index.js'
import type { DatabaseInfo, MetaData, RetentionPolicyInfo } from '../meta/index.js'
import { TidemarkError } from '../util/index.js'
import { BackupUnreadableError, fileError } from './errors.js'
import {
  decodeManifest,
  encodeManifest,
  installShards,
  planRestore,
  readBackupSet,
  readTar,
  verifyBackupSet,
  writeBackupSet,
} from './index.js'
import type { Manifest, TarEntryHeader } from './index.js'
import { fillNode, listTree, openNode, rawTar, tempDir } from './backup-test-support.js'
import type { TestNode } from './backup-test-support.js'

let root = ''
let good = ''
let target: TestNode
let caseNo = 0
const TS = '20260101T000000Z'

before(async () => {
  root = await tempDir()
  const src = await openNode(join(root, 'src'))
  const specs = await fillNode(src)
  // Archives carry tombstones only when InfluxDB wrote them; add one to shard 1's archive below.
  good = join(root, 'good')
  await writeBackupSet(good, {
    meta: src.meta.data,
    shards: specs,
    ts: new Date('2026-01-01T00:00:00Z'),
  })
  await src.close()
  target = await openNode(join(root, 'target'))
  await target.meta.update((m) =>
    m.createDatabase('keep').createShardGroup('keep', 'autogen', 1578300000000000000n),
  )
  const shard = await target.store.createShard('keep', 'autogen', 1)
  await shard.writePoints(
    parsePoints(new TextEncoder().encode('x v=1 1578300000000000000'), { precision: 'n' }).points,
  )
  await shard.snapshot()
})
after(async () => {
  await target.close()
  await rm(root, { recursive: true, force: true })
})

function editDB(m: MetaData, change: (db: DatabaseInfo) => DatabaseInfo, name = 'db1'): MetaData {
  return m.with({ databases: m.databases.map((db) => (db.name === name ? change(db) : db)) })
}

function renameDB(m: MetaData, from: string, to: string): MetaData {
  return editDB(m, (db) => ({ ...db, name: to }), from)
}

/** `m` with every retention policy of db1 changed by `change`. */
function editRPs(m: MetaData, change: (rp: RetentionPolicyInfo) => RetentionPolicyInfo): MetaData {
  return editDB(m, (db) => ({ ...db, retentionPolicies: db.retentionPolicies.map(change) }))
}

async function copySet(): Promise<string> {
  const d = join(root, `case-${++caseNo}`)
  await cp(good, d, { recursive: true })
  return d
}

const manifestPath = (d: string): string => join(d, `${TS}.manifest`)
const metaPath = (d: string): string => join(d, `${TS}.meta`)
const archivePath = (d: string, id = 1): string => join(d, `${TS}.s${id}.tar.gz`)

async function editManifest(d: string, change: (m: Manifest) => Manifest): Promise<void> {
  const m = decodeManifest(await readFile(manifestPath(d)), manifestPath(d))
  await writeFile(manifestPath(d), encodeManifest(change(m)))
}

/** Replaces shard 1's archive with `gz` and records its true size and sha256 in the manifest. */
async function replaceArchive(d: string, gz: Buffer): Promise<void> {
  await writeFile(archivePath(d), gz)
  const size = gunzipSync(gz).length
  const sha256 = createHash('sha256').update(gz).digest('hex')
  await editManifest(d, (m) => ({
    ...m,
    files: m.files.map((f) => (f.shardID === 1n ? { ...f, size, sha256 } : f)),
  }))
}

/**
 * Shard 1's archive of set `d` as a tar, its first entry (a TSM file) and that file's bytes (a
 * view: changes go into the tar), where its index starts and the first key's length.
 */
async function firstTSM(d: string): Promise<{
  tar: Buffer
  first: TarEntryHeader
  tsm: Buffer
  indexAt: number
  keyLen: number
}> {
  const tar = gunzipSync(await readFile(archivePath(d)))
  const first = (await tarEntries(tar))[0]
  assert.ok(first !== undefined)
  const tsm = tar.subarray(first.dataOffset, first.dataOffset + first.size)
  const indexAt = Number(tsm.readBigUInt64BE(tsm.length - 8))
  return { tar, first, tsm, indexAt, keyLen: tsm.readUInt16BE(indexAt) }
}

async function tarEntries(tar: Buffer): Promise<TarEntryHeader[]> {
  const out: TarEntryHeader[] = []
  await readTar(
    (async function* () {
      yield tar
    })(),
    'x',
    async (h) => {
      out.push(h)
    },
  )
  return out
}

interface Expect {
  readonly code: string
  readonly path: (d: string) => string
  readonly fields?: Readonly<Record<string, unknown>>
}

/** Asserts that verification and a restore both refuse the set in `d` as `want` says. */
async function refused(d: string, want: Expect): Promise<void> {
  const matches = (err: unknown): boolean => {
    assert.ok(err instanceof TidemarkError, String(err))
    assert.equal(err.code, want.code, err.message)
    assert.equal(err.fields['path'], want.path(d), err.message)
    for (const [k, v] of Object.entries(want.fields ?? {}))
      assert.equal(err.fields[k], v, `${k} in ${err.message}`)
    return true
  }
  await assert.rejects(verifyBackupSet(d), matches)
  const before = await listTree(target.root)
  const meta = target.meta.data
  await assert.rejects(
    (async () => {
      const plan = await planRestore(await readBackupSet(d), target.meta.data)
      await installShards(plan, target.store, target.meta)
    })(),
    matches,
  )
  assert.deepEqual(await listTree(target.root), before, 'the target changed')
  assert.equal(target.meta.data, meta, 'the metadata changed')
  assert.deepEqual(
    target.store.shards().map((s) => s.id),
    [1],
  )
}

describe('verification and restore of damaged backup sets', () => {
  it('accepts the undamaged set', async () => {
    const v = await verifyBackupSet(good)
    assert.equal(v.shards.length, 4)
  })

  it('reports the first damaged archive in the set order, though small archives are checked several at once', async () => {
    const d = await copySet()
    const shards = (await readBackupSet(d)).shards
    assert.equal(shards.length, 4)
    // The later archive is cut shorter, so that it tends to fail first.
    for (const [s, keep] of [
      [shards[1], 0.5],
      [shards[3], 0.1],
    ] as const) {
      assert.ok(s !== undefined)
      const gz = await readFile(s.path)
      await writeFile(s.path, gz.subarray(0, Math.floor(gz.length * keep)))
    }
    for (let i = 0; i < 3; i++) {
      await assert.rejects(verifyBackupSet(d), (err: TidemarkError) => {
        assert.equal(err.code, 'ERR_BACKUP_GZIP')
        assert.equal(err.fields['path'], shards[1]?.path)
        return true
      })
    }
  })

  it('refuses a truncated .tar.gz (ERR_BACKUP_GZIP)', async () => {
    const d = await copySet()
    const gz = await readFile(archivePath(d))
    await writeFile(archivePath(d), gz.subarray(0, Math.floor(gz.length / 2)))
    await refused(d, { code: 'ERR_BACKUP_GZIP', path: archivePath })
  })

  it('refuses a plain tar named .tar.gz at offset 0, where the gzip data should start (ERR_BACKUP_GZIP)', async () => {
    const d = await copySet()
    const tar = gunzipSync(await readFile(archivePath(d)))
    await writeFile(archivePath(d), tar)
    const sha256 = createHash('sha256').update(tar).digest('hex')
    await editManifest(d, (m) => ({
      ...m,
      files: m.files.map((f) => (f.shardID === 1n ? { ...f, sha256 } : f)),
    }))
    await refused(d, {
      code: 'ERR_BACKUP_GZIP',
      path: archivePath,
      fields: { compressedOffset: 0, reason: 'incorrect header check (not gzip data)' },
    })
  })

  it('refuses garbage after the gzip stream (ERR_BACKUP_GZIP)', async () => {
    const d = await copySet()
    await writeFile(
      archivePath(d),
      Buffer.concat([await readFile(archivePath(d)), Buffer.from('trailing garbage')]),
    )
    await refused(d, { code: 'ERR_BACKUP_GZIP', path: archivePath })
  })

  it('refuses a bit flipped in a TSM block inside the tarball, naming the entry and offset (ERR_BACKUP_TSM_CORRUPT)', async () => {
    const d = await copySet()
    const tar = gunzipSync(await readFile(archivePath(d)))
    const first = (await tarEntries(tar))[0]
    assert.ok(first !== undefined)
    tar[first.dataOffset + 20] = (tar[first.dataOffset + 20] ?? 0) ^ 0x01
    await replaceArchive(d, gzipSync(tar))
    await refused(d, {
      code: 'ERR_BACKUP_TSM_CORRUPT',
      path: archivePath,
      fields: { entry: first.path, offset: first.dataOffset + 5, fileOffset: 5 },
    })
  })

  it('refuses a TSM key that is no series key and field key, which no CRC covers (ERR_BACKUP_TSM_CORRUPT)', async () => {
    const d = await copySet()
    const { tar, first, tsm, indexAt, keyLen } = await firstTSM(d)
    const key = tsm.subarray(indexAt + 2, indexAt + 2 + keyLen)
    const sep = key.indexOf('#!~#')
    assert.ok(sep > 0, key.toString())
    key.write('#!~!', sep) // sorts before the original: the index stays in order
    await replaceArchive(d, gzipSync(tar))
    await refused(d, {
      code: 'ERR_BACKUP_TSM_CORRUPT',
      path: archivePath,
      fields: { entry: first.path, fileOffset: indexAt },
    })
  })

  /**
   * Set `d` with two TSM files added to shard 1's archive that hold field f of measurement zz as
   * a float and then as an integer; `tombstoned`: the first file's series is deleted by its
   * tombstone (as DROP MEASUREMENT before the field was written again with another type).
   * Resolves to the second file's entry.
   */
  async function withOtherType(d: string, tombstoned: boolean): Promise<string> {
    const { tar, first } = await firstTSM(d)
    const key = 'zz,t=1#!~#f'
    const times = BigInt64Array.of(1577836800000000000n)
    const scratch = await tempDir()
    const tsmFile = async (name: string, values: Values): Promise<Buffer> => {
      const w = await TSMWriter.create(join(scratch, name))
      await w.write(key, values)
      await w.finish()
      return readFile(join(scratch, name))
    }
    const entry = (file: string): string => first.path.replace(/[^/]+$/, file)
    const added = [
      {
        name: entry('000000097-000000001.tsm'),
        data: await tsmFile('a.tsm', { kind: 'float', times, values: Float64Array.of(1.5) }),
      },
      {
        name: entry('000000098-000000001.tsm'),
        data: await tsmFile('b.tsm', { kind: 'integer', times, values: BigInt64Array.of(1n) }),
      },
    ]
    if (tombstoned) {
      await appendTombstones(join(scratch, 'a.tombstone'), [
        { key, min: TOMBSTONE_MIN_TIME, max: TOMBSTONE_MAX_TIME },
      ])
      const data = await readFile(join(scratch, 'a.tombstone'))
      added.push({ name: entry('000000097-000000001.tombstone'), data })
    }
    const extra = rawTar(added)
    await replaceArchive(d, gzipSync(Buffer.concat([tar.subarray(0, tar.length - 1024), extra])))
    return entry('000000098-000000001.tsm')
  }

  it('refuses TSM files of one shard that give a field two types (ERR_BACKUP_TSM_CORRUPT)', async () => {
    const d = await copySet()
    const name = await withOtherType(d, false)
    await refused(d, {
      code: 'ERR_BACKUP_TSM_CORRUPT',
      path: archivePath,
      fields: { entry: name },
    })
  })

  it('refuses a bad key in a file listing as many keys as the file before, whose keys are not checked again (ERR_BACKUP_TSM_CORRUPT)', async () => {
    const d = await copySet()
    const { tar, first } = await firstTSM(d)
    const times = BigInt64Array.of(1577836800000000000n)
    const scratch = await tempDir()
    const tsmFile = async (name: string, key: string): Promise<Buffer> => {
      const w = await TSMWriter.create(join(scratch, name))
      await w.write(key, { kind: 'float', times, values: Float64Array.of(1.5) })
      await w.finish()
      return readFile(join(scratch, name))
    }
    const entry = (file: string): string => first.path.replace(/[^/]+$/, file)
    // 97 and 98 list the same key (98's is compared, not checked); 99 one key of the same
    // length and type, without a field name.
    const added = [
      { name: entry('000000097-000000001.tsm'), data: await tsmFile('a.tsm', 'zz,t=1#!~#f') },
      { name: entry('000000098-000000001.tsm'), data: await tsmFile('b.tsm', 'zz,t=1#!~#f') },
      { name: entry('000000099-000000001.tsm'), data: await tsmFile('c.tsm', 'zz,t=12#!~#') },
    ]
    await replaceArchive(
      d,
      gzipSync(Buffer.concat([tar.subarray(0, tar.length - 1024), rawTar(added)])),
    )
    await refused(d, {
      code: 'ERR_BACKUP_TSM_CORRUPT',
      path: archivePath,
      fields: { entry: entry('000000099-000000001.tsm') },
    })
  })

  it('accepts a field of another type in a later file when a tombstone deleted the earlier one', async () => {
    const d = await copySet()
    await withOtherType(d, true)
    await verifyBackupSet(d)
    // A restore applies the tombstone (rewriting the first file empty) and installs the rest.
    const fresh = await openNode(join(root, `fresh-${caseNo}`))
    try {
      await installShards(
        await planRestore(await readBackupSet(d), fresh.meta.data),
        fresh.store,
        fresh.meta,
      )
      assert.ok(fresh.store.shards().length > 0)
    } finally {
      await fresh.close()
    }
  })

  it("refuses a bit flipped in a TSM index's min time, which no CRC covers (ERR_BACKUP_TSM_CORRUPT)", async () => {
    const d = await copySet()
    const { tar, first, tsm, indexAt, keyLen } = await firstTSM(d)
    const minTimeLast = indexAt + 2 + keyLen + 1 + 2 + 7
    tsm[minTimeLast] = (tsm[minTimeLast] ?? 0) ^ 0x01
    await replaceArchive(d, gzipSync(tar))
    await refused(d, {
      code: 'ERR_BACKUP_TSM_CORRUPT',
      path: archivePath,
      fields: { entry: first.path, reason: 'block times differ from the index entry' },
    })
  })

  it('refuses a sha256 that does not match (ERR_BACKUP_CHECKSUM)', async () => {
    const d = await copySet()
    await editManifest(d, (m) => ({
      ...m,
      files: m.files.map((f) => (f.shardID === 1n ? { ...f, sha256: '0'.repeat(64) } : f)),
    }))
    await refused(d, {
      code: 'ERR_BACKUP_CHECKSUM',
      path: archivePath,
      fields: { expected: '0'.repeat(64) },
    })
  })

  it('refuses a wrong uncompressed size in the manifest (ERR_BACKUP_SIZE_MISMATCH)', async () => {
    const d = await copySet()
    let real = 0
    await editManifest(d, (m) => ({
      ...m,
      files: m.files.map((f) =>
        f.shardID === 1n ? ((real = f.size), { ...f, size: f.size + 512 }) : f,
      ),
    }))
    await refused(d, {
      code: 'ERR_BACKUP_SIZE_MISMATCH',
      path: archivePath,
      fields: { expected: real + 512, found: real },
    })
  })

  it('refuses a missing shard file (ERR_BACKUP_FILE_MISSING)', async () => {
    const d = await copySet()
    await rm(archivePath(d, 3))
    await refused(d, { code: 'ERR_BACKUP_FILE_MISSING', path: (x) => archivePath(x, 3) })
  })

  it('refuses a manifest pointing at a file that does not exist (ERR_BACKUP_FILE_MISSING)', async () => {
    const d = await copySet()
    await editManifest(d, (m) => ({
      ...m,
      files: m.files.map((f) => (f.shardID === 2n ? { ...f, fileName: 'nope.tar.gz' } : f)),
    }))
    await refused(d, { code: 'ERR_BACKUP_FILE_MISSING', path: (x) => join(x, 'nope.tar.gz') })
  })

  for (const [what, entry, type] of [
    ['a ../ entry', 'db0/autogen/1/../../../../evil.tsm', 'File'],
    ['an absolute path', '/tmp/evil/000000001-000000001.tsm', 'File'],
    ['a symlink', 'db0/autogen/1/000000009-000000001.tsm', 'SymbolicLink'],
    ['an entry in another shard', 'db0/autogen/2/000000001-000000001.tsm', 'File'],
    ['a hard link', 'db0/autogen/1/000000009-000000001.tsm', 'Link'],
  ] as const) {
    it(`refuses a tar with ${what} (ERR_BACKUP_UNSAFE_ENTRY)`, async () => {
      const d = await copySet()
      const tar = gunzipSync(await readFile(archivePath(d)))
      const evil = rawTar([{ name: entry, type, data: Buffer.from('x'), linkpath: '/etc/passwd' }])
      // The good entries first, then the evil one (drop the good end marker).
      const combined = Buffer.concat([tar.subarray(0, tar.length - 1024), evil])
      await replaceArchive(d, gzipSync(combined))
      await refused(d, {
        code: 'ERR_BACKUP_UNSAFE_ENTRY',
        path: archivePath,
        fields: { entry, offset: tar.length - 1024 },
      })
    })
  }

  it('refuses a damaged tombstone entry (ERR_BACKUP_TOMBSTONE_CORRUPT)', async () => {
    const d = await copySet()
    const tar = gunzipSync(await readFile(archivePath(d)))
    const first = (await tarEntries(tar))[0]
    assert.ok(first !== undefined)
    const name = first.path.replace(/\.tsm$/, '.tombstone')
    const bad = rawTar([{ name, data: Buffer.from([0, 0, 0x15, 0x02, 0, 0, 0, 9, 1]) }])
    await replaceArchive(d, gzipSync(Buffer.concat([tar.subarray(0, tar.length - 1024), bad])))
    await refused(d, {
      code: 'ERR_BACKUP_TOMBSTONE_CORRUPT',
      path: archivePath,
      fields: { entry: name },
    })
  })

  it('refuses a .meta whose bytes changed (ERR_BACKUP_CHECKSUM)', async () => {
    const d = await copySet()
    const meta = await readFile(metaPath(d))
    meta[meta.length - 3] = (meta[meta.length - 3] ?? 0) ^ 0x10
    await writeFile(metaPath(d), meta)
    await refused(d, { code: 'ERR_BACKUP_CHECKSUM', path: metaPath })
  })

  it('refuses a truncated .meta in a set without digests, as InfluxDB writes them (ERR_BACKUP_META)', async () => {
    const d = await copySet()
    await editManifest(d, (m) => ({
      meta: m.meta,
      limited: m.limited,
      files: m.files.map(({ sha256: _s, fingerprint: _f, ...rest }) => rest),
    }))
    const meta = await readFile(metaPath(d))
    await writeFile(metaPath(d), meta.subarray(0, 40))
    await refused(d, { code: 'ERR_BACKUP_META', path: metaPath })
  })

  it('tells a file that cannot be read (ERR_BACKUP_UNREADABLE) from one that is missing', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/b/x.meta'"), {
      code: 'EACCES',
    })
    const unreadable = fileError('/b/x.meta', 'm.manifest', denied)
    assert.ok(unreadable instanceof BackupUnreadableError)
    assert.equal(unreadable.message, '/b/x.meta: cannot be read: permission denied')
    const gone = Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    assert.equal(
      (fileError('/b/x.meta', 'm.manifest', gone) as TidemarkError).code,
      'ERR_BACKUP_FILE_MISSING',
    )
    const other = new RangeError('not a file-system error')
    assert.equal(fileError('/b/x.meta', 'm.manifest', other), other)
  })

  it('refuses a missing .meta (ERR_BACKUP_FILE_MISSING) and a wrong meta size (ERR_BACKUP_SIZE_MISMATCH)', async () => {
    const d = await copySet()
    await rm(metaPath(d))
    await refused(d, { code: 'ERR_BACKUP_FILE_MISSING', path: metaPath })
    const e = await copySet()
    await editManifest(e, (m) => ({ ...m, meta: { ...m.meta, size: m.meta.size + 1 } }))
    await refused(e, { code: 'ERR_BACKUP_SIZE_MISMATCH', path: metaPath })
  })

  /** Replaces the set's .meta with `change` of it, its size and sha256 recorded in the manifest. */
  async function editMeta(d: string, change: (m: MetaData) => MetaData): Promise<void> {
    const meta = decodeMetaData(decodePortableData(await readFile(metaPath(d))).data)
    const inner = encodeMetaData(change(meta))
    const bytes = encodePortableData(inner)
    await writeFile(metaPath(d), bytes)
    await editManifest(d, (m) => ({
      ...m,
      meta: { ...m.meta, size: inner.length },
      ...(m.tidemark
        ? {
            tidemark: {
              ...m.tidemark,
              metaSha256: createHash('sha256').update(bytes).digest('hex'),
            },
          }
        : {}),
    }))
  }

  it('refuses a .meta that does not describe a shard the manifest lists (ERR_BACKUP_META)', async () => {
    const d = await copySet()
    await editMeta(d, (m) => m.with({ databases: m.databases.filter((db) => db.name !== 'db1') }))
    await refused(d, { code: 'ERR_BACKUP_META', path: metaPath, fields: { shardID: 4n } })
  })

  // Names become directories: one that is not a single valid name would reach outside the data
  // directory (a later DROP DATABASE would remove what is there); duplicates lose data.
  const unsafeMetas: [string, (m: MetaData) => MetaData, Record<string, unknown>][] = [
    ['a database named ".."', (m) => renameDB(m, 'db1', '..'), { database: '..' }],
    [
      'a database named with a path',
      (m) => renameDB(m, 'db1', '../../outside'),
      { database: '../../outside' },
    ],
    ['a database named with NUL', (m) => renameDB(m, 'db1', 'a\0b'), { database: 'a\0b' }],
    [
      'a database name longer than a file name',
      (m) => renameDB(m, 'db1', 'd'.repeat(256)),
      { database: 'd'.repeat(256) },
    ],
    [
      'a retention policy named "a/b"',
      (m) => editRPs(m, (rp) => ({ ...rp, name: 'a/b' })),
      { retentionPolicy: 'a/b' },
    ],
    [
      'a retention policy listed twice',
      (m) =>
        editDB(m, (db) => ({
          ...db,
          retentionPolicies: [...db.retentionPolicies, ...db.retentionPolicies],
        })),
      { database: 'db1' },
    ],
    [
      'a database listed twice',
      (m) =>
        m.with({ databases: [...m.databases, ...m.databases.filter((db) => db.name === 'db1')] }),
      { database: 'db1' },
    ],
    [
      'a shard in two shard groups',
      (m) =>
        editRPs(m, (rp) => ({
          ...rp,
          shardGroups: rp.shardGroups.map((g) => ({
            ...g,
            shards: [...g.shards, { id: 1n, owners: [] }],
          })),
        })),
      { shardID: 1n },
    ],
    [
      'a replication factor of 0',
      (m) => editRPs(m, (rp) => ({ ...rp, replicaN: 0 })),
      { database: 'db1' },
    ],
    [
      'a negative duration',
      (m) => editRPs(m, (rp) => ({ ...rp, durationNs: -1n })),
      { database: 'db1' },
    ],
  ]
  for (const [what, change, fields] of unsafeMetas) {
    it(`refuses a .meta with ${what} (ERR_BACKUP_META), changing nothing`, async () => {
      const d = await copySet()
      await editMeta(d, change)
      await refused(d, { code: 'ERR_BACKUP_META', path: metaPath, fields })
    })
  }

  it('refuses a manifest that lists one shard twice (ERR_BACKUP_MANIFEST)', async () => {
    const d = await copySet()
    await editManifest(d, (m) => ({
      ...m,
      files: m.files.map((f, i) => (i === 1 ? { ...f, shardID: m.files[0]?.shardID ?? 0n } : f)),
    }))
    await refused(d, {
      code: 'ERR_BACKUP_MANIFEST',
      path: manifestPath,
      fields: { key: 'files[1].shardID' },
    })
  })

  it('refuses a manifest that is not JSON (ERR_BACKUP_MANIFEST)', async () => {
    const d = await copySet()
    const text = await readFile(manifestPath(d), 'utf8')
    await writeFile(manifestPath(d), text.slice(0, 100))
    await refused(d, { code: 'ERR_BACKUP_MANIFEST', path: manifestPath })
    assert.ok((await readdir(d)).length > 0)
  })
})

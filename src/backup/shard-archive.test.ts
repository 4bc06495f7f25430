import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Shard } from '../engine/index.js'
import { parsePoints } from '../lineprotocol/index.js'
import type { Values } from '../lineprotocol/index.js'
import { tombstonePathFor, TSMReader } from '../tsm/index.js'
import { BackupOptionsError, extractShardArchive, readTar, writeShardArchive } from './index.js'
import type { TarEntryHeader } from './index.js'
import { rawTarGz, tempDir } from './backup-test-support.js'
import { writeFile } from 'node:fs/promises'

let dir = ''
const enc = new TextEncoder()
const T0 = 1_600_000_000_000_000_000n
const MIN = 60_000_000_000n

function newShard(path: string, id = 10): Shard {
  return new Shard({
    id,
    database: 'db',
    retentionPolicy: 'autogen',
    path: join(path, 'data'),
    walPath: join(path, 'wal'),
    options: { background: false },
  })
}

async function write(shard: Shard, from: number, n: number, salt = 0): Promise<void> {
  const lines: string[] = []
  for (let i = from; i < from + n; i++) {
    const t = T0 + BigInt(i) * MIN
    lines.push(
      `cpu,host=${['a', 'b'][i % 2] ?? 'a'} v=${i + salt},s="s${i}",ok=${i % 3 === 0} ${t}`,
    )
  }
  const r = parsePoints(enc.encode(lines.join('\n')), { precision: 'n' })
  assert.deepEqual(r.errors, [])
  await shard.writePoints(r.points)
}

function cells(v: Values): string[] {
  return Array.from(v.times, (t, i) => `${t}=${String(v.values[i])}`)
}

async function dump(
  shard: Shard,
  min = -(2n ** 63n),
  max = 2n ** 63n - 1n,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const key of shard.keys()) {
    const v = await shard.read(key, min, max)
    if (v !== undefined && v.times.length > 0) out[key] = cells(v)
  }
  return out
}

/** Extracts `archive` (applying tombstones) and opens the result as a shard. */
async function restored(archive: string, name: string): Promise<Shard> {
  const target = join(dir, name)
  await mkdir(join(target, 'data'), { recursive: true })
  await extractShardArchive(archive, join(target, 'data'), {
    location: { database: 'db', retentionPolicy: 'autogen', shardID: 10n },
    applyTombstones: true,
    durable: false,
  })
  const s = newShard(target)
  await s.open()
  return s
}

async function entries(archive: string): Promise<TarEntryHeader[]> {
  const out: TarEntryHeader[] = []
  const bytes = gunzipSync(await readFile(archive))
  await readTar(
    (async function* () {
      yield bytes
    })(),
    archive,
    async (h) => {
      out.push(h)
    },
  )
  return out
}

beforeEach(async () => {
  dir = await tempDir()
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('shard archive writer', () => {
  it('archives every acknowledged point (cache included) under <db>/<rp>/<id>/, mode 0644, into a 0600 file', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 2500)
    await shard.snapshot()
    await write(shard, 2500, 10, 1) // only in the cache
    const out = join(dir, 'x.s10.tar.gz')
    const r = await writeShardArchive(shard, out)
    const bytes = await readFile(out)
    assert.equal((await stat(out)).mode & 0o777, 0o600)
    assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'))
    assert.equal(r.compressedSize, bytes.length)
    assert.equal(r.size, gunzipSync(bytes).length)
    assert.deepEqual(await readdir(dir), ['src', 'x.s10.tar.gz'], 'no temp file left')
    assert.deepEqual(
      (await readdir(shard.path)).filter((n) => n.includes('backup')),
      [],
      'no snapshot links left',
    )
    const list = await entries(out)
    assert.deepEqual(
      list.map((e) => e.path),
      r.files.map((f) => `db/autogen/10/${f}`),
    )
    assert.equal(r.files.length, 2)
    assert.ok(list.every((e) => e.mode === 0o644 && e.type === 'File'))
    assert.ok(r.lastModified > 0n)
    const copy = await restored(out, 'r')
    assert.deepEqual(await dump(copy), await dump(shard))
    await copy.close()
    await shard.close()
  })

  it('writes files without their deleted points instead of shipping tombstones', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 3000)
    await shard.snapshot()
    await shard.deleteSeriesRange(['cpu,host=a'], T0 + 100n * MIN, T0 + 1900n * MIN)
    await shard.deleteSeriesRange(['cpu,host=b'], -(2n ** 63n), 2n ** 63n - 1n)
    assert.ok((await readdir(shard.path)).some((n) => n.endsWith('.tombstone')))
    const out = join(dir, 'x.tar.gz')
    await writeShardArchive(shard, out)
    assert.ok(
      (await entries(out)).every((e) => e.path.endsWith('.tsm')),
      'no tombstone entries',
    )
    const copy = await restored(out, 'r')
    const want = await dump(shard)
    assert.equal(want['cpu,host=b#!~#v'], undefined)
    assert.equal(want['cpu,host=a#!~#v']?.length, 1500 - 901)
    assert.deepEqual(await dump(copy), want)
    await copy.close()
    await shard.close()
  })

  it('holds exactly the points within start..end (not whole blocks), leaving out files outside the range', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 3000)
    await shard.snapshot()
    await write(shard, 5000, 100)
    await shard.snapshot()
    const start = T0 + 1234n * MIN + 1n
    const end = T0 + 2345n * MIN
    const out = join(dir, 'x.tar.gz')
    const r = await writeShardArchive(shard, out, { start, end })
    assert.equal(r.files.length, 1, 'the second generation lies outside the range')
    const copy = await restored(out, 'r')
    const got = await dump(copy)
    assert.deepEqual(got, await dump(shard, start, end))
    assert.equal(got['cpu,host=a#!~#v']?.length, (2344 - 1236) / 2 + 1)
    await copy.close()
    await shard.close()
  })

  it('stays consistent while a compaction replaces the files it is archiving', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    for (let g = 0; g < 6; g++) {
      await write(shard, g * 500, 600, g)
      await shard.snapshot()
    }
    await shard.deleteSeriesRange(['cpu,host=a'], T0, T0 + 50n * MIN)
    const want = await dump(shard)
    const out = join(dir, 'x.tar.gz')
    await Promise.all([writeShardArchive(shard, out), shard.compactFull()])
    const copy = await restored(out, 'r')
    assert.deepEqual(await dump(copy), want)
    await copy.close()
    await shard.close()
  })

  it('archives an empty shard as a 1024-byte tar, which extracts to nothing', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    const r = await writeShardArchive(shard, join(dir, 'e.tar.gz'))
    assert.equal(r.size, 1024)
    assert.deepEqual(r.files, [])
    assert.equal(r.lastModified, 0n)
    const copy = await restored(join(dir, 'e.tar.gz'), 'r')
    assert.deepEqual(copy.keys(), [])
    await copy.close()
    await shard.close()
  })

  it('freezes the file set again when a compaction retires a file while it is being linked', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 1200)
    await shard.snapshot()
    let calls = 0
    // A narrow fake of what the backup needs: the first listing names a file a compaction has
    // just removed, the second one differs from the first (the compaction published meanwhile).
    const racing = {
      id: shard.id,
      database: shard.database,
      retentionPolicy: shard.retentionPolicy,
      path: shard.path,
      snapshot: () => shard.snapshot(),
      tsmPaths: (): string[] => {
        calls++
        if (calls === 1) return [join(shard.path, '000000077-000000001.tsm')]
        if (calls === 2) return []
        return shard.tsmPaths()
      },
    }
    const out = join(dir, 'x.tar.gz')
    const r = await writeShardArchive(racing, out)
    assert.ok(calls >= 4, `tsmPaths called ${calls} times`)
    assert.equal(r.files.length, 1)
    const copy = await restored(out, 'r')
    assert.deepEqual(await dump(copy), await dump(shard))
    await copy.close()
    await shard.close()
  })

  it('refuses a start after the end with ERR_BACKUP_OPTIONS', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await assert.rejects(
      writeShardArchive(shard, join(dir, 'x'), { start: 5n, end: 4n }),
      (err: unknown) => err instanceof BackupOptionsError && err.code === 'ERR_BACKUP_OPTIONS',
    )
    await shard.close()
  })
})

describe('shard archive extraction', () => {
  it('reads multi-member gzip archives of any level', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 3000)
    await shard.snapshot()
    const out = join(dir, 'm.tar.gz')
    await writeShardArchive(shard, out, { gzipLevel: 9, gzipBlockSizeBytes: 1000 })
    const copy = await restored(out, 'r')
    assert.deepEqual(await dump(copy), await dump(shard))
    await copy.close()
    await shard.close()
  })

  it('names the archive, entry and file when a file cannot be written where it is extracted (ERR_BACKUP_WRITE)', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 100)
    await shard.snapshot()
    const out = join(dir, 'w.tar.gz')
    await writeShardArchive(shard, out)
    const [tsm] = shard.tsmPaths()
    await shard.close()
    assert.ok(tsm !== undefined)
    const name = tsm.slice(tsm.lastIndexOf('/') + 1)
    const target = join(dir, 'w')
    // A directory where the file must go: the open fails (EEXIST), as a full disk fails a write.
    await mkdir(join(target, name), { recursive: true })
    await assert.rejects(
      extractShardArchive(out, target, {
        location: { database: 'db', retentionPolicy: 'autogen', shardID: 10n },
        applyTombstones: true,
        durable: false,
      }),
      (err: Error & { code?: string; fields?: Record<string, unknown> }) => {
        assert.equal(err.code, 'ERR_BACKUP_WRITE')
        assert.equal(
          err.message,
          `${out}, entry "db/autogen/10/${name}": cannot write ${join(target, name)}: ${String(
            (err.cause as Error).message,
          )}`,
        )
        assert.match((err.cause as Error).message, /^EEXIST/)
        return true
      },
    )
  })

  it('hollows each TSM file once checked when blocks are not kept (verify): same size, same index, no blocks on disk', async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 20_000)
    await shard.snapshot()
    await write(shard, 20_000, 20_000, 7)
    await shard.snapshot()
    const out = join(dir, 'h.tar.gz')
    await writeShardArchive(shard, out)
    const target = join(dir, 'h')
    await mkdir(target)
    const x = await extractShardArchive(out, target, {
      location: { database: 'db', retentionPolicy: 'autogen', shardID: 10n },
      applyTombstones: false,
      durable: false,
      keepBlocks: false,
    })
    const sources = shard.tsmPaths()
    assert.equal(sources.length, 2)
    assert.deepEqual(await readdir(target), x.tsmFiles)
    for (const source of sources) {
      const name = source.slice(source.lastIndexOf('/') + 1)
      const [before, after] = [await stat(source), await stat(join(target, name))]
      assert.equal(after.size, before.size, name)
      assert.ok(after.blocks * 4 < before.blocks, `${name}: ${after.blocks} of ${before.blocks}`)
      const bytes = await readFile(join(target, name))
      const indexAt = Number(bytes.readBigUInt64BE(bytes.length - 8))
      assert.deepEqual(bytes.subarray(0, 5), (await readFile(source)).subarray(0, 5))
      assert.ok(
        bytes.subarray(5, indexAt).every((b) => b === 0),
        `${name}: blocks left`,
      )
      const [a, b] = [await TSMReader.open(source), await TSMReader.open(join(target, name))]
      const keys = (r: TSMReader): string[] => {
        const k: string[] = []
        r.forEachKey((key, type) => k.push(`${key}:${type}`))
        return k
      }
      assert.deepEqual(keys(b), keys(a))
      assert.deepEqual(b.entries('cpu,host=a#!~#v'), a.entries('cpu,host=a#!~#v'))
      await a.close()
      await b.close()
    }
    await shard.close()
  })

  it('reads the field types a hollowed file leaves past its tombstones: a field deleted in one file may come back with another type', async () => {
    const files: { name: string; data: Buffer; tombstone?: Buffer }[] = []
    for (const [k, v] of [
      [1, '1.5'],
      [2, '2i'],
    ] as const) {
      const shard = newShard(join(dir, `src${k}`), k)
      await shard.open()
      const lines = Array.from(
        { length: 3000 },
        (_, i) => `m,host=a v=${v} ${T0 + BigInt(i) * MIN}`,
      )
      const r = parsePoints(enc.encode(lines.join('\n')), { precision: 'n' })
      await shard.writePoints(r.points)
      await shard.snapshot()
      if (k === 1) await shard.deleteSeriesRange(['m,host=a'], -(2n ** 63n), 2n ** 63n - 1n)
      const [tsm] = shard.tsmPaths()
      assert.ok(tsm !== undefined)
      files.push({
        name: `00000000${k}-000000001.tsm`,
        data: await readFile(tsm),
        ...(k === 1 ? { tombstone: await readFile(tombstonePathFor(tsm)) } : {}),
      })
      await shard.close()
    }
    const archive = join(dir, 'types.tar.gz')
    await writeFile(
      archive,
      rawTarGz(
        files.flatMap((f) => [
          { name: `db/autogen/10/${f.name}`, data: f.data },
          ...(f.tombstone !== undefined
            ? [{ name: `db/autogen/10/${f.name.replace('.tsm', '.tombstone')}`, data: f.tombstone }]
            : []),
        ]),
      ),
    )
    const location = { database: 'db', retentionPolicy: 'autogen', shardID: 10n }
    const target = join(dir, 't')
    await mkdir(target)
    const x = await extractShardArchive(archive, target, {
      location,
      applyTombstones: false,
      durable: false,
      keepBlocks: false,
    })
    assert.equal(x.tombstoneCount, 1)
    assert.deepEqual(x.tsmFiles, ['000000001-000000001.tsm', '000000002-000000001.tsm'])
    const size = (await stat(join(target, '000000001-000000001.tsm'))).size
    assert.equal(size, files[0]?.data.length)
    // Without the tombstone the two files disagree on v's type, hollowed or not.
    const bare = join(dir, 'bare.tar.gz')
    await writeFile(
      bare,
      rawTarGz(files.map((f) => ({ name: `db/autogen/10/${f.name}`, data: f.data }))),
    )
    await mkdir(join(dir, 'b'))
    await assert.rejects(
      extractShardArchive(bare, join(dir, 'b'), {
        location,
        applyTombstones: false,
        durable: false,
        keepBlocks: false,
      }),
      /field "v" of measurement "m" has blocks of type 1 here and of type 0/,
    )
  })

  it("applies the .tombstone entries of influxd's archives and ignores fields.idx, with warnings", async () => {
    const shard = newShard(join(dir, 'src'))
    await shard.open()
    await write(shard, 0, 1500)
    await shard.snapshot()
    await shard.deleteSeriesRange(['cpu,host=a'], T0, T0 + 700n * MIN)
    const [tsm] = shard.tsmPaths()
    assert.ok(tsm !== undefined)
    const name = tsm.slice(tsm.lastIndexOf('/') + 1)
    const archive = join(dir, 'influx.tar.gz')
    await writeFile(
      archive,
      rawTarGz([
        { name: 'db/autogen/10/', type: 'Directory' },
        { name: `db/autogen/10/${name}`, data: await readFile(tsm) },
        {
          name: `db/autogen/10/${name.replace('.tsm', '.tombstone')}`,
          data: await readFile(tombstonePathFor(tsm)),
        },
        { name: 'db/autogen/10/fields.idx', data: Buffer.from('xx') },
        { name: 'db/autogen/10/000000009-000000001.tombstone', data: Buffer.alloc(0) },
      ]),
    )
    const target = join(dir, 'r', 'data')
    await mkdir(target, { recursive: true })
    const x = await extractShardArchive(archive, target, {
      location: { database: 'db', retentionPolicy: 'autogen', shardID: 10n },
      applyTombstones: true,
      durable: true,
    })
    assert.deepEqual(await readdir(target), [name])
    assert.equal(x.tombstoneCount, 1)
    assert.deepEqual(
      x.warnings.map((w) => [w.code, w.entry]),
      [
        ['ignored-entry', 'db/autogen/10/'],
        ['ignored-entry', 'db/autogen/10/fields.idx'],
        ['orphan-tombstone', 'db/autogen/10/000000009-000000001.tombstone'],
      ],
    )
    const copy = newShard(join(dir, 'r'))
    await copy.open()
    assert.deepEqual(await dump(copy), await dump(shard))
    await copy.close()
    await shard.close()
  })
})

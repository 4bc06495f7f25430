import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { Header } from 'tar/header'
import { Pax } from 'tar/pax'
import { BackupTarError, readTar, tarFileHeader, tarSize, tarStream } from './index.js'
import type { TarEntryHeader } from './index.js'
import { rawTar, tempDir } from './backup-test-support.js'

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}

interface Read {
  readonly header: TarEntryHeader
  readonly data: Buffer
}

async function readAll(
  buf: Buffer,
  pieceSize = 4096,
): Promise<{ entries: Read[]; endOffset: number; totalBytes: number }> {
  const entries: Read[] = []
  const r = await readTar(pieces(buf, pieceSize), 'x.tar', async (header, body) => {
    entries.push({ header, data: await collect(body) })
  })
  return { entries, endOffset: r.endOffset, totalBytes: r.totalBytes }
}

function tarError(offset: number, reason: RegExp): (err: unknown) => boolean {
  return (err) =>
    err instanceof BackupTarError &&
    err.code === 'ERR_BACKUP_TAR' &&
    err.fields['offset'] === offset &&
    err.fields['path'] === 'x.tar' &&
    reason.test(String(err.fields['reason']))
}

describe('tar writer and reader', () => {
  let dir = ''
  before(async () => {
    dir = await tempDir()
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("writes Go's layout: 512-byte USTAR headers, padded data, two zero blocks and nothing more", async () => {
    const a = join(dir, 'a.bin')
    await writeFile(a, Buffer.alloc(700, 7))
    const tar = await collect(
      tarStream([
        {
          name: 'db/autogen/1/000000001-000000001.tsm',
          source: a,
          size: 700,
          mtime: new Date('2026-11-25T19:10:20.700Z'),
        },
        { name: 'db/autogen/1/000000002-000000001.tsm', source: a, size: 0, mtime: new Date(0) },
      ]),
    )
    assert.equal(tar.length, 512 + 1024 + 512 + 1024)
    const h = new Header(tar, 0)
    assert.equal(h.path, 'db/autogen/1/000000001-000000001.tsm')
    assert.equal(h.mode, 0o644)
    assert.equal(h.type, 'File')
    assert.equal(h.mtime?.getTime(), Date.parse('2026-11-25T19:10:20Z'))
    assert.equal(tar.subarray(257, 265).toString('latin1'), 'ustar\u000000')
    assert.ok(tar.subarray(tar.length - 1024).every((b) => b === 0))
    const { entries, endOffset } = await readAll(tar)
    assert.deepEqual(
      entries.map((e) => [
        e.header.path,
        e.header.size,
        e.header.headerOffset,
        e.header.dataOffset,
        e.data.length,
      ]),
      [
        ['db/autogen/1/000000001-000000001.tsm', 700, 0, 512, 700],
        ['db/autogen/1/000000002-000000001.tsm', 0, 1536, 2048, 0],
      ],
    )
    assert.equal(endOffset, tar.length)
  })

  it('yields pieces of exactly 1 MiB of the archive, files and headers laid across them', async () => {
    const big = join(dir, 'big.bin')
    const content = Buffer.alloc(2_500_000)
    for (let i = 0; i < content.length; i++) content[i] = (i * 31) & 0xff
    await writeFile(big, content)
    const files = [1, 2, 3].map((n) => ({
      name: `db/rp/1/00000000${n}-000000001.tsm`,
      source: big,
      size: content.length - n * 1000,
      mtime: new Date(0),
    }))
    const pieces: Buffer[] = []
    for await (const p of tarStream(files)) pieces.push(Buffer.from(p))
    const sizes = pieces.map((p) => p.length)
    assert.ok(
      sizes.slice(0, -1).every((n) => n === 1024 * 1024),
      String(sizes),
    )
    const { entries } = await readAll(Buffer.concat(pieces))
    assert.deepEqual(
      entries.map((e) => [e.header.path, e.data.equals(content.subarray(0, e.header.size))]),
      files.map((f) => [f.name, true]),
    )
  })

  it('knows its size beforehand (tarSize), lays a small archive into one buffer of that size, and reads a PAX path beside a USTAR prefix as the path alone', async () => {
    const small = join(dir, 'small.bin')
    await writeFile(small, Buffer.from('x'.repeat(3000)))
    const files = [
      { name: 'db/rp/1/000000001-000000001.tsm', source: small, size: 3000, mtime: new Date(0) },
      // A name longer than the header's 100 bytes takes a PAX header before its own.
      { name: `db/rp/1/${'n'.repeat(120)}.tsm`, source: small, size: 1000, mtime: new Date(0) },
    ]
    const size = tarSize(files)
    assert.equal(size, (await collect(tarStream(files))).length)
    const pieces: Buffer[] = []
    for await (const p of tarStream(files, () => Buffer.alloc(size))) pieces.push(Buffer.from(p))
    assert.deepEqual(
      pieces.map((p) => p.length),
      [size],
    )
    const { entries } = await readAll(pieces[0] ?? Buffer.alloc(0))
    assert.deepEqual(
      entries.map((e) => [e.header.path, e.header.size]),
      files.map((f) => [f.name, f.size]),
    )
  })

  it('writes an empty archive as exactly 1024 zero bytes, which reads as no entries', async () => {
    const tar = await collect(tarStream([]))
    assert.deepEqual(tar, Buffer.alloc(1024))
    const r = await readAll(tar)
    assert.deepEqual(r.entries, [])
    assert.equal(r.endOffset, 1024)
  })

  it('puts a long path into the USTAR prefix field as Go does, and PAX only when that is not enough', async () => {
    const longDB = 'd'.repeat(120)
    const name = `${longDB}/autogen/17/000000001-000000001.tsm`
    const block = tarFileHeader(name, 0, new Date(0))
    assert.equal(block.length, 512, 'prefix + name fit USTAR')
    assert.equal(
      block.subarray(0, 100).toString('latin1').replace(/\0+$/, ''),
      '000000001-000000001.tsm',
    )
    assert.equal(
      block.subarray(345, 500).toString('latin1').replace(/\0+$/, ''),
      `${longDB}/autogen/17`,
    )
    const huge = `${'x'.repeat(300)}/autogen/1/000000001-000000001.tsm`
    const withPax = tarFileHeader(huge, 0, new Date(0))
    assert.equal(new Header(withPax, 0).type, 'ExtendedHeader')
    const unicode = 'température/autogen/1/000000001-000000001.tsm'
    for (const n of [name, huge, unicode]) {
      const tar = Buffer.concat([
        tarFileHeader(n, 3, new Date(0)),
        Buffer.from('abc'),
        Buffer.alloc(509),
        Buffer.alloc(1024),
      ])
      const { entries } = await readAll(tar)
      assert.equal(entries[0]?.header.path, n)
      assert.equal(entries[0]?.data.toString(), 'abc')
    }
  })

  it('is read back identically by GNU tar', async (t) => {
    if (spawnSync('tar', ['--version']).status !== 0) {
      if (process.env['CI']) throw new Error('GNU tar not installed: apt-get install -y tar')
      return t.skip('GNU tar not installed (apt-get install -y tar)')
    }
    const src = join(dir, 'gnu-src')
    await mkdir(src, { recursive: true })
    const files = [
      'short.tsm',
      `${'p'.repeat(130)}/autogen/5/000000001-000000002.tsm`,
      'uni/東京/1/000000003-000000001.tsm',
    ]
    const body = Buffer.from('0123456789'.repeat(60))
    await writeFile(join(src, 'f'), body)
    const tar = await collect(
      tarStream(
        files.map((name) => ({
          name,
          source: join(src, 'f'),
          size: body.length,
          mtime: new Date(0),
        })),
      ),
    )
    await writeFile(join(dir, 'gnu.tar'), tar)
    const listed = spawnSync('tar', ['-tf', join(dir, 'gnu.tar')], { encoding: 'utf8' })
    assert.equal(listed.status, 0, listed.stderr)
    assert.deepEqual(listed.stdout.trim().split('\n'), files)
  })

  it('reads any name through any piece size the same (streams fed one byte at a time)', async () => {
    // (A name ending in "/" reads back as a directory, as old tars marked them; not a shard file name.)
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            name: fc
              .string({ unit: 'grapheme', minLength: 1, maxLength: 160 })
              .filter((s) => !s.includes('\0') && !s.endsWith('/')),
            size: fc.nat(1100),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.integer({ min: 1, max: 700 }),
        async (files, pieceSize) => {
          const parts: Buffer[] = []
          for (const f of files)
            parts.push(
              tarFileHeader(f.name, f.size, new Date(0)),
              Buffer.alloc(f.size, 0x41),
              Buffer.alloc((512 - (f.size % 512)) % 512),
            )
          parts.push(Buffer.alloc(1024))
          const tar = Buffer.concat(parts)
          const { entries } = await readAll(tar, pieceSize)
          assert.deepEqual(
            entries.map((e) => [e.header.path, e.data.length]),
            files.map((f) => [f.name, f.size]),
          )
        },
      ),
      { numRuns: 60 },
    )
    const tar = rawTar([{ name: 'a/b/c/d.tsm', data: Buffer.from('hello') }])
    assert.equal((await readAll(tar, 1)).entries[0]?.data.toString(), 'hello')
  })

  it('applies GNU long names and PAX records to the next entry only', async () => {
    const long = `${'L'.repeat(150)}/x.tsm`
    const gnu = Buffer.alloc(512)
    new Header({
      path: '././@LongLink',
      type: 'NextFileHasLongPath',
      size: long.length + 1,
      mode: 0o644,
      mtime: new Date(0),
    }).encode(gnu, 0)
    const gnuBody = Buffer.alloc(512)
    gnuBody.write(`${long}\0`)
    const pax = new Pax({ path: 'from/pax.tsm' }).encode()
    const tar = Buffer.concat([
      gnu,
      gnuBody,
      rawTar([{ name: 'short', data: Buffer.from('1') }]).subarray(0, 1024),
      pax,
      rawTar([{ name: 'ignored-name', data: Buffer.from('2') }]).subarray(0, 1024),
      rawTar([{ name: 'plain', data: Buffer.from('3') }]),
    ])
    const { entries } = await readAll(tar)
    assert.deepEqual(
      entries.map((e) => [e.header.path, e.data.toString(), e.header.headerOffset]),
      [
        [long, '1', 0],
        ['from/pax.tsm', '2', 2048],
        ['plain', '3', 2048 + pax.length + 1024],
      ],
    )
  })

  it('reports ERR_BACKUP_TAR with the offset for a bad checksum, truncation, a bad end marker or trailing data', async () => {
    const good = rawTar([{ name: 'a/b/1/x.tsm', data: Buffer.alloc(600, 1) }])
    const flipped = Buffer.from(good)
    flipped[10] = (flipped[10] ?? 0) ^ 0x20
    await assert.rejects(readAll(flipped), tarError(0, /checksum/))
    await assert.rejects(readAll(good.subarray(0, 300)), tarError(0, /truncated header/))
    await assert.rejects(readAll(good.subarray(0, 900)), tarError(900, /truncated entry/))
    await assert.rejects(readAll(good.subarray(0, 1200)), tarError(1200, /truncated padding/))
    await assert.rejects(
      readAll(good.subarray(0, 1536)),
      tarError(1536, /without the end-of-archive marker/),
    )
    await assert.rejects(readAll(good.subarray(0, 2048)), tarError(2048, /not two zero blocks/))
    await assert.rejects(
      readAll(Buffer.concat([good, Buffer.from([0, 0, 9])])),
      tarError(good.length + 2, /after the end-of-archive marker/),
    )
    const padded = await readAll(Buffer.concat([good, Buffer.alloc(10240 - good.length)]))
    assert.equal(padded.entries.length, 1, 'zero padding to a 10240-byte record is accepted')
    assert.equal(padded.totalBytes, 10240)
    assert.equal(padded.endOffset, good.length)
  })

  it('gives a typed error, never a hang or a crash, for a tar cut at any offset or with any byte flipped', async () => {
    const good = rawTar([
      { name: 'a/b/1/x.tsm', data: Buffer.alloc(700, 3) },
      { name: 'a/b/1/y.tombstone', data: Buffer.alloc(20, 4) },
    ])
    for (let cut = 0; cut < good.length; cut += 37) {
      await assert.rejects(
        readAll(good.subarray(0, cut)),
        (err: unknown) => err instanceof BackupTarError,
        `cut at ${cut}`,
      )
    }
    for (let i = 0; i < 512; i += 3) {
      const bad = Buffer.from(good)
      bad[i] = (bad[i] ?? 0) ^ 0xff
      try {
        await readAll(bad)
      } catch (err) {
        assert.ok(err instanceof BackupTarError, `flip at ${i}: ${String(err)}`)
      }
    }
  })
})

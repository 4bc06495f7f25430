import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import { inflateArchive, ParallelGzip, type InflatedArchive } from './index.js'
import { INDEXED_HEADER_BYTES } from './parallel-gzip.js'

const dir = mkdtempSync(join(tmpdir(), 'archive-inflate-'))
let files = 0

async function indexed(input: Buffer, blockSizeBytes: number): Promise<Buffer> {
  const parts: Buffer[] = []
  await pipeline(
    Readable.from([input]),
    new ParallelGzip({ blockSizeBytes, level: 1 }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) parts.push(c)
    },
  )
  return Buffer.concat(parts)
}

function file(bytes: Buffer): string {
  const path = join(dir, `a${files++}.tar.gz`)
  writeFileSync(path, bytes)
  return path
}

/** Reads the whole tar, saying each piece was sent as the upload does; the tar and the result. */
async function readAll(
  path: string,
  options: Parameters<typeof inflateArchive>[1] = {},
): Promise<{ tar: Buffer; result: InflatedArchive | undefined; buffers: number }> {
  const a = inflateArchive(path, options)
  const parts: Buffer[] = []
  const buffers = new Set<ArrayBufferLike>()
  for await (const pieces of a.pieces) {
    for (const piece of pieces) {
      parts.push(Buffer.from(piece)) // a copy: the piece's memory is reused once sent
      buffers.add(piece.buffer)
    }
    a.sent(pieces)
  }
  return { tar: Buffer.concat(parts), result: await a.result, buffers: buffers.size }
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}

async function failsWith(path: string, code: string, message: RegExp, sha256Checked = false) {
  const a = inflateArchive(path, { sha256Checked })
  const consume = (async () => {
    for await (const pieces of a.pieces) a.sent(pieces)
  })()
  const matches = (err: unknown): boolean =>
    (err as { code?: string }).code === code && message.test((err as Error).message)
  await assert.rejects(consume, matches)
  await assert.rejects(a.result, matches)
}

describe('inflateArchive (the restore client reading an archive)', () => {
  const noise = randomBytes(3 * 1024 * 1024 + 12345) // stored members
  const text = Buffer.from('cpu,host=a usage=12.5 1577836800000000000\n'.repeat(60000)) // deflated

  it('gives back the tar of stored members, their sha256, sizes, and reuses their memory once sent', async () => {
    const gz = await indexed(noise, 256 * 1024)
    const { tar, result, buffers } = await readAll(file(gz))
    assert.deepEqual(tar, noise)
    assert.deepEqual(result, {
      sha256: sha256(gz),
      compressedSize: gz.length,
      tarSize: noise.length,
    })
    // 13 members; sent pieces come back to the pool, so a few buffers serve them all.
    assert.ok(buffers <= 4, `${buffers} buffers for 13 members`)
  })

  it('keeps every member buffer while its pieces are not sent', async () => {
    const a = inflateArchive(file(await indexed(noise, 256 * 1024)))
    const buffers = new Set<ArrayBufferLike>()
    for await (const pieces of a.pieces) for (const piece of pieces) buffers.add(piece.buffer)
    assert.ok(buffers.size >= 13, `${buffers.size} buffers for 13 members`)
  })

  it('inflates deflated members several at once, in order', async () => {
    const gz = await indexed(text, 64 * 1024)
    assert.ok(gz.length < text.length / 4, 'the members are deflated')
    const { tar, result } = await readAll(file(gz))
    assert.deepEqual(tar, text)
    assert.equal(result?.sha256, sha256(gz))
  })

  it('reads gzip from influxd (plain members) and an indexed archive followed by plain members', async () => {
    const plain = Buffer.concat([gzipSync(text.subarray(0, 1000)), gzipSync(noise)])
    const one = await readAll(file(plain))
    assert.deepEqual(one.tar, Buffer.concat([text.subarray(0, 1000), noise]))
    assert.deepEqual(one.result, {
      sha256: sha256(plain),
      compressedSize: plain.length,
      tarSize: 1000 + noise.length,
    })
    const mixed = Buffer.concat([await indexed(noise, 1 << 20), gzipSync(text)])
    const two = await readAll(file(mixed))
    assert.deepEqual(two.tar, Buffer.concat([noise, text]))
    assert.equal(two.result?.sha256, sha256(mixed))
    assert.equal(two.result?.compressedSize, mixed.length)
  })

  it('skips the sha256 when nothing will compare it, and still checks every member', async () => {
    const plain = Buffer.concat([gzipSync(text.subarray(0, 1000)), gzipSync(noise)])
    const { tar, result } = await readAll(file(plain), { hash: false })
    assert.deepEqual(tar, Buffer.concat([text.subarray(0, 1000), noise]))
    assert.deepEqual(result, {
      sha256: '',
      compressedSize: plain.length,
      tarSize: 1000 + noise.length,
    })
    const gz = await indexed(noise, 1 << 20)
    const bad = Buffer.from(gz)
    const first = gz.readUInt32LE(16)
    bad[first - 8] = (bad[first - 8] ?? 0) ^ 1 // the first member's CRC-32
    const a = inflateArchive(file(bad), { hash: false })
    await assert.rejects(
      (async () => {
        for await (const pieces of a.pieces) a.sent(pieces)
      })(),
      (err: unknown) => (err as { code?: string }).code === 'ERR_BACKUP_GZIP',
    )
  })

  it('refuses a truncated archive, naming the offset where it ends', async () => {
    const gz = await indexed(noise, 1 << 20)
    await failsWith(
      file(gz.subarray(0, 1_500_000)),
      'ERR_BACKUP_GZIP',
      /compressed offset 1500000: unexpected end of file/,
    )
  })

  it('refuses a stored member whose CRC-32 is wrong, unless the sha256 is checked instead', async () => {
    const gz = await indexed(noise, 1 << 20)
    const first = gz.readUInt32LE(16)
    const bad = Buffer.from(gz)
    bad[first - 8] = (bad[first - 8] ?? 0) ^ 1 // the first member's CRC-32
    const path = file(bad)
    await failsWith(path, 'ERR_BACKUP_GZIP', /compressed offset 0: incorrect data check/)
    // With sha256Checked the caller compares the file's sha256 with the manifest's: it differs.
    const { tar, result } = await readAll(path, { sha256Checked: true })
    assert.deepEqual(tar, noise)
    assert.notEqual(result?.sha256, sha256(gz))
  })

  it('refuses a member header that records more bytes than the file holds, allocating nothing for it', async () => {
    const gz = await indexed(noise, 256 * 1024)
    const first = gz.readUInt32LE(16)
    for (const [at, claim] of [
      [0, 0xfffffff0],
      [first, 0xfffffff0],
      [first, gz.length - first + 1],
    ] as const) {
      const bad = Buffer.from(gz)
      bad.writeUInt32LE(claim, at + 16)
      await failsWith(
        file(bad),
        'ERR_BACKUP_GZIP',
        new RegExp(
          `compressed offset ${gz.length}: unexpected end of file \\(the gzip member at offset ${at} records ${claim} bytes\\)`,
        ),
      )
    }
  })

  it('refuses a broken deflated member, naming where it starts', async () => {
    const gz = await indexed(text, 64 * 1024)
    const first = gz.readUInt32LE(16)
    const second = gz.readUInt32LE(first + 16)
    const bad = Buffer.from(gz)
    bad.fill(0xff, first + INDEXED_HEADER_BYTES + 10, first + INDEXED_HEADER_BYTES + 40)
    assert.ok(second > 60)
    await failsWith(file(bad), 'ERR_BACKUP_GZIP', new RegExp(`compressed offset ${first}: `))
  })

  it('refuses a plain tar named .tar.gz where it starts, at offset 0', async () => {
    await failsWith(
      file(Buffer.concat([Buffer.from('ustar-ish header'), Buffer.alloc(10_000)])),
      'ERR_BACKUP_GZIP',
      /compressed offset 0: incorrect header check \(not gzip data\)/,
    )
  })

  it('refuses an empty file, garbage after the members, and a file that is not there', async () => {
    await failsWith(file(Buffer.alloc(0)), 'ERR_BACKUP_GZIP', /unexpected end of file/)
    const gz = await indexed(noise.subarray(0, 5000), 1 << 20)
    await failsWith(
      file(Buffer.concat([gz, Buffer.from('not gzip at all, not at all')])),
      'ERR_BACKUP_GZIP',
      /incorrect header check/,
    )
    await failsWith(join(dir, 'missing.tar.gz'), 'ERR_BACKUP_FILE_MISSING', /missing\.tar\.gz/)
  })

  it('settles without a result when the reader stops early, and closes the file', async () => {
    const path = file(await indexed(noise, 256 * 1024))
    const open = (): number => readdirSync('/proc/self/fd').length
    const before = open()
    const a = inflateArchive(path)
    for await (const pieces of a.pieces) {
      assert.ok(pieces.length > 0)
      assert.equal(open(), before + 1) // the archive
      break
    }
    assert.equal(await a.result, undefined)
    assert.equal(open(), before)
  })
})

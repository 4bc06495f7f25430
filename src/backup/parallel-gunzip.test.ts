import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import { Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { ParallelGunzip, ParallelGzip } from './index.js'
import { storedData } from './parallel-gunzip.js'
import { INDEXED_HEADER_BYTES } from './parallel-gzip.js'

async function through(stream: Transform, input: Buffer, chunk: number): Promise<Buffer> {
  const parts: Buffer[] = []
  const pieces = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) =>
    input.subarray(i * chunk, (i + 1) * chunk),
  )
  await pipeline(Readable.from(pieces), stream, async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) parts.push(c)
  })
  return Buffer.concat(parts)
}

const gzip = (input: Buffer, blockSizeBytes: number): Promise<Buffer> =>
  through(new ParallelGzip({ blockSizeBytes, level: 1 }), input, 7919)
const gunzip = (gz: Buffer, chunk = 4096, concurrency?: number): Promise<Buffer> =>
  through(new ParallelGunzip(concurrency !== undefined ? { concurrency } : {}), gz, chunk)

function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  return assert.rejects(
    p,
    (err: unknown) =>
      (err as { code?: string }).code === code && message.test((err as Error).message),
  )
}

describe('parallel gunzip', () => {
  it('inflates what ParallelGzip writes, whatever the chunking, block size and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 30000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 4 }),
        async (data, chunk, block, concurrency) => {
          const input = Buffer.from(data)
          assert.deepEqual(await gunzip(await gzip(input, block), chunk, concurrency), input)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('writes members that GNU gzip reads as one stream (the length lives in an extra field readers skip)', async (t) => {
    if (spawnSync('gzip', ['--version']).status !== 0) {
      if (process.env['CI']) throw new Error('gzip not installed: apt-get install -y gzip')
      return t.skip('gzip not installed (apt-get install -y gzip)')
    }
    const input = Buffer.from('tidemark '.repeat(50000))
    const r = spawnSync('gzip', ['-dc'], { input: await gzip(input, 1000) })
    assert.equal(r.status, 0, r.stderr.toString())
    assert.deepEqual(r.stdout, input)
  })

  it('falls back to plain gunzip for other gzip streams, also after indexed members', async () => {
    const a = Buffer.from('first part, indexed '.repeat(3000))
    const b = Buffer.from('second part, plain gzip '.repeat(3000))
    assert.deepEqual(await gunzip(gzipSync(b)), b)
    assert.deepEqual(
      await gunzip(Buffer.concat([await gzip(a, 4096), gzipSync(b)]), 333),
      Buffer.concat([a, b]),
    )
  })

  it("reports a damaged member with zlib's codes: checksum, length, truncation, garbage, empty input", async () => {
    const input = Buffer.from('x'.repeat(10000) + 'y'.repeat(10000))
    const gz = await gzip(input, 8192)
    const crc = Buffer.from(gz)
    const first = crc.readUInt32LE(16)
    crc[first - 8] = (crc[first - 8] ?? 0) ^ 1
    await rejectsWith(gunzip(crc), 'Z_DATA_ERROR', /incorrect data check/)
    const size = Buffer.from(gz)
    size[first - 1] = (size[first - 1] ?? 0) ^ 1
    await rejectsWith(gunzip(size), 'Z_DATA_ERROR', /incorrect length check/)
    // An ISIZE near 4 GiB asks for no 4 GiB buffer: zlib gives its verdict.
    const huge = Buffer.from(gz)
    huge.writeUInt32LE(0xfffffff0, first - 4)
    await rejectsWith(gunzip(huge), 'Z_DATA_ERROR', /incorrect length check/)
    await rejectsWith(
      gunzip(gz.subarray(0, gz.length - 5)),
      'Z_BUF_ERROR',
      /unexpected end of file/,
    )
    await assert.rejects(
      gunzip(Buffer.concat([gz, Buffer.from('trailing garbage')])),
      (err: unknown) => String((err as { code?: string }).code).startsWith('Z_'),
    )
    await rejectsWith(gunzip(Buffer.alloc(0)), 'Z_BUF_ERROR', /unexpected end of file/)
    const bits = Buffer.from(gz)
    bits[30] = (bits[30] ?? 0) ^ 0xff
    await assert.rejects(gunzip(bits), (err: unknown) =>
      String((err as { code?: string }).code).startsWith('Z_'),
    )
  })

  it('reads stored members without zlib, and hands damaged ones to zlib for its verdict', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200_000 }),
        fc.integer({ min: 1, max: 150_000 }),
        async (data, blockSizeBytes) => {
          const input = Buffer.from(data)
          const gz = await through(new ParallelGzip({ blockSizeBytes, level: 0 }), input, 65536)
          assert.deepEqual(await gunzip(gz, 50_000), input)
        },
      ),
      { numRuns: 20 },
    )
    const input = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251))
    const gz = await through(new ParallelGzip({ blockSizeBytes: 80_000, level: 0 }), input, 9999)
    const first = gz.readUInt32LE(16)
    assert.equal(
      storedData(gz.subarray(0, first))?.length,
      2,
      'two stored blocks in the first member',
    )
    assert.equal(storedData((await gzip(input, 80_000)).subarray(0, first)), undefined)
    const data = Buffer.from(gz)
    data[INDEXED_HEADER_BYTES + 5 + 100] = (data[INDEXED_HEADER_BYTES + 5 + 100] ?? 0) ^ 4
    assert.equal(storedData(data.subarray(0, first)), undefined)
    await rejectsWith(gunzip(data), 'Z_DATA_ERROR', /incorrect data check/)
    const size = Buffer.from(gz)
    size[first - 1] = (size[first - 1] ?? 0) ^ 1
    await rejectsWith(gunzip(size), 'Z_DATA_ERROR', /incorrect length check/)
    // An ISIZE near 4 GiB asks for no 4 GiB buffer: zlib gives its verdict.
    const huge = Buffer.from(gz)
    huge.writeUInt32LE(0xfffffff0, first - 4)
    await rejectsWith(gunzip(huge), 'Z_DATA_ERROR', /incorrect length check/)
    const nlen = Buffer.from(gz)
    nlen[INDEXED_HEADER_BYTES + 3] = (nlen[INDEXED_HEADER_BYTES + 3] ?? 0) ^ 1
    await assert.rejects(gunzip(nlen), (err: unknown) =>
      String((err as { code?: string }).code).startsWith('Z_'),
    )
  })
})

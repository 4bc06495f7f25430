import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import { Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { ParallelGunzip, ParallelGzip } from './index.js'

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
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { ParallelGzip } from './index.js'

async function compress(
  input: Buffer,
  chunk: number,
  options: ConstructorParameters<typeof ParallelGzip>[0],
): Promise<Buffer> {
  const parts: Buffer[] = []
  const pieces = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) =>
    input.subarray(i * chunk, (i + 1) * chunk),
  )
  await pipeline(
    Readable.from(pieces),
    new ParallelGzip(options),
    async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) parts.push(c)
    },
  )
  return Buffer.concat(parts)
}

/** How often a gzip member header (1f 8b 08) occurs; exact for stored (level 0) members of ASCII text. */
function memberCount(gz: Buffer): number {
  let n = 0
  for (let i = 0; i + 2 < gz.length; i++)
    if (gz[i] === 0x1f && gz[i + 1] === 0x8b && gz[i + 2] === 0x08) n++
  return n
}

describe('parallel gzip', () => {
  it('produces a gzip stream that gunzips to the input, whatever the chunking, block size and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 20000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 4 }),
        async (data, chunk, blockSizeBytes, concurrency) => {
          const input = Buffer.from(data)
          const gz = await compress(input, chunk, { blockSizeBytes, concurrency, level: 1 })
          assert.deepEqual(gunzipSync(gz), input)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('writes one member per block, in input order, and one empty member for empty input', async () => {
    const input = Buffer.from(Array.from({ length: 10000 }, (_, i) => `line ${i}\n`).join(''))
    const gz = await compress(input, 777, { blockSizeBytes: 8192, concurrency: 3, level: 0 })
    assert.equal(gunzipSync(gz).toString(), input.toString())
    assert.equal(memberCount(gz), Math.ceil(input.length / 8192))
    const empty = await compress(Buffer.alloc(0), 1, {})
    assert.deepEqual(gunzipSync(empty), Buffer.alloc(0))
    assert.equal(empty[0], 0x1f)
  })

  it('stores a block whose sample barely deflates, and deflates the others', async () => {
    // Bytes 0..199 at random: deflate saves ~4% on them, less than the 10% that pays its cost.
    const noisy = randomBytes(256 * 1024).map((b) => b % 200)
    const text = Buffer.from(Array.from({ length: 30000 }, (_, i) => `line ${i}\n`).join(''))
    const input = Buffer.concat([noisy, text.subarray(0, 256 * 1024)])
    const options = { blockSizeBytes: 128 * 1024, concurrency: 2, level: 1 }
    const adaptive = await compress(input, 50_000, options)
    const always = await compress(input, 50_000, { ...options, storeAboveRatio: 1 })
    assert.deepEqual(gunzipSync(adaptive), input)
    assert.deepEqual(gunzipSync(always), input)
    const textOnly = await compress(text.subarray(0, 256 * 1024), 50_000, options)
    const adaptiveNoisy = adaptive.length - textOnly.length
    const alwaysNoisy = always.length - textOnly.length
    assert.ok(adaptiveNoisy >= noisy.length, `noisy blocks stored: ${adaptiveNoisy} bytes`)
    assert.ok(alwaysNoisy < noisy.length * 0.98, `noisy blocks deflated: ${alwaysNoisy} bytes`)
    assert.ok(textOnly.length < 256 * 1024 * 0.5, 'text is deflated')
  })
})

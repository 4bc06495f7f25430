import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { BufferPool } from '../util/index.js'
import { ParallelGzip } from './index.js'
import { storedMemberBytes } from './parallel-gzip.js'

async function compress(
  input: Buffer,
  chunk: number,
  options: ConstructorParameters<typeof ParallelGzip>[0],
  pauseMs = 0,
): Promise<Buffer> {
  const parts: Buffer[] = []
  const pieces = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) =>
    input.subarray(i * chunk, (i + 1) * chunk),
  )
  // With a pause after each piece, every sample started so far has answered before the next.
  const paced = async function* (): AsyncGenerator<Buffer> {
    for (const p of pieces) {
      yield p
      await new Promise((r) => setTimeout(r, pauseMs))
    }
  }
  await pipeline(
    pauseMs > 0 ? Readable.from(paced()) : Readable.from(pieces),
    new ParallelGzip(options),
    async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) parts.push(c)
    },
  )
  return Buffer.concat(parts)
}

/** The lengths of the members, read from their length subfields. */
function memberLengths(gz: Buffer): number[] {
  const out: number[] = []
  for (let at = 0; at < gz.length;) {
    const n = gz.readUInt32LE(at + 16)
    out.push(n)
    at += n
  }
  return out
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
    const options = { blockSizeBytes: 128 * 1024, concurrency: 2, level: 1, sampleEvery: 1 }
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

  it('stores blocks in stored deflate blocks of at most 65535 bytes, with the CRC-32 and length gunzip checks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        async (data, blockSizeBytes) => {
          const input = Buffer.from(data)
          const gz = await compress(input, 70_000, { blockSizeBytes, level: 0 })
          assert.deepEqual(gunzipSync(gz), input)
          const blocks = Math.max(1, Math.ceil(input.length / blockSizeBytes))
          assert.deepEqual(
            memberLengths(gz),
            Array.from({ length: blocks }, (_, i) =>
              storedMemberBytes(Math.min(blockSizeBytes, input.length - i * blockSizeBytes)),
            ),
          )
        },
      ),
      { numRuns: 25 },
    )
  })

  it('lets a sample that says "store" decide for the blocks after it (sampleEvery), and samples every block after a deflated one', async () => {
    const noisy = randomBytes(128 * 1024)
    const text = Buffer.from(Array.from({ length: 30000 }, (_, i) => `line ${i}\n`).join(''))
    const t = text.subarray(0, 128 * 1024)
    // noisy (sampled: stored), text (follows: stored), text (sampled: deflated), noisy (sampled
    // again: stored), noisy (follows: stored), text (sampled: deflated)
    const input = Buffer.concat([noisy, t, t, noisy, noisy, t])
    const options = { blockSizeBytes: 128 * 1024, level: 1, sampleEvery: 2 }
    const stored = storedMemberBytes(128 * 1024)
    // Each block arrives once the samples before it have answered.
    const gz = await compress(input, 128 * 1024, options, 50)
    assert.deepEqual(gunzipSync(gz), input)
    const lengths = memberLengths(gz)
    assert.equal(lengths.length, 6)
    assert.equal(lengths[0], stored)
    assert.equal(lengths[1], stored, 'text after a sample that said store is stored')
    assert.ok((lengths[2] ?? 0) < 64 * 1024, `text deflated: ${lengths[2]}`)
    assert.equal(lengths[3], stored, 'noisy after a deflated block is sampled, and stored')
    assert.equal(lengths[4], stored)
    assert.ok((lengths[5] ?? 0) < 64 * 1024, `text sampled and deflated: ${lengths[5]}`)
    // Arriving all at once, blocks may be sampled more often, but a block is deflated only on
    // its own sample's word: noisy blocks never are.
    const burst = Buffer.concat([t, noisy, noisy, noisy, t, noisy])
    const lengthsBurst = memberLengths(await compress(burst, 128 * 1024, options))
    for (const k of [1, 2, 3, 5]) assert.equal(lengthsBurst[k], stored, `noisy block ${k} stored`)
  })

  it('reuses a member buffer only after the consumer hands it back, and input pieces only when whole', async () => {
    const input = randomBytes(40 * 8192)
    const pieces = new BufferPool(8192, 8)
    const given: Buffer[] = []
    const chunks = Array.from({ length: 40 }, (_, i) => {
      const b = pieces.take()
      input.copy(b, 0, i * 8192, (i + 1) * 8192)
      return b
    })
    const kept: Buffer[] = []
    // Held without recycling: a buffer reused early would change what is held.
    const gz = new ParallelGzip({
      blockSizeBytes: 8192,
      level: 0,
      recycleInput: (b) => {
        given.push(b)
        pieces.give(b)
      },
    })
    await pipeline(Readable.from(chunks), gz, async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) kept.push(c)
    })
    assert.deepEqual(gunzipSync(Buffer.concat(kept)), input)
    assert.equal(given.length, 40, 'every whole piece came back')
    // Recycled as soon as read: the output is still right, and buffers are reused.
    const seen = new Set<ArrayBufferLike>()
    const copies: Buffer[] = []
    const again = new ParallelGzip({ blockSizeBytes: 8192, level: 0, concurrency: 2 })
    await pipeline(Readable.from([input]), again, async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) {
        copies.push(Buffer.from(c))
        seen.add(c.buffer)
        again.recycle(c)
      }
    })
    assert.deepEqual(gunzipSync(Buffer.concat(copies)), input)
    assert.ok(seen.size < 40, `${seen.size} buffers for 40 members`)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { access, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { FieldType, Values } from '../lineprotocol/index.js'
import { BLOCK_INTEGER, encodeBlock } from './block.js'
import {
  TSMBlockOrderError,
  TSMBlockTypeError,
  TSMKeyOrderError,
  TSMKeyTooLongError,
  TSMMaxBlocksError,
  TSMNoValuesError,
  TSMWriterClosedError,
} from './file-errors.js'
import { TSMReader } from './tsm-reader.js'
import { TSMWriter } from './tsm-writer.js'

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-tsm-writer-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The 88-byte file influxd wrote for `mem,host=a used=1i` (spec §2.17). */
const REAL_FILE =
  '16d116d101' +
  '3fca304f' +
  '01' +
  '09' +
  '1c18eb5f71fd6503f9' +
  '100000000000000002' +
  '0012' +
  Buffer.from('mem,host=a#!~#used').toString('hex') +
  '01' +
  '0001' +
  '18eb5f71fd6503f9' +
  '18eb5f71fd6503f9' +
  '0000000000000005' +
  '00000018' +
  '000000000000001d'

const T0 = 1577836800000000000n

function series(kind: FieldType, n: number, start = T0, step = 1_000_000_000n): Values {
  const times = new BigInt64Array(n)
  for (let i = 0; i < n; i++) times[i] = start + BigInt(i) * step
  switch (kind) {
    case 'float':
      return { kind, times, values: Float64Array.from({ length: n }, (_, i) => i * 1.5 - 7) }
    case 'integer':
      return {
        kind,
        times,
        values: BigInt64Array.from({ length: n }, (_, i) => BigInt(i * i) - 50n),
      }
    case 'unsigned':
      return {
        kind,
        times,
        values: BigUint64Array.from({ length: n }, (_, i) => 2n ** 64n - 1n - BigInt(i)),
      }
    case 'boolean':
      return {
        kind,
        times,
        values: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      }
    case 'string':
      return { kind, times, values: Array.from({ length: n }, (_, i) => `v${i} ✓ "q"`) }
  }
}

function sortKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

const isCode = (code: string) => (e: unknown) =>
  e instanceof Error && (e as { code?: unknown }).code === code

describe('TSM writer', () => {
  it('writes the 88-byte file influxd wrote for mem,host=a used=1i, byte for byte', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tsm')
      const w = await TSMWriter.create(p)
      await w.write('mem,host=a#!~#used', {
        kind: 'integer',
        times: BigInt64Array.of(1795633819624473593n),
        values: BigInt64Array.of(1n),
      })
      await w.finish()
      assert.equal((await readFile(p)).toString('hex'), REAL_FILE)
      assert.deepEqual(await readdir(dir), ['000000001-000000001.tsm'])
    })
  })

  it('round-trips each of the five types, keeping the block type in the index', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tsm')
      const w = await TSMWriter.create(p)
      const data: [string, Values][] = [
        ['m,t=1#!~#b', series('boolean', 9)],
        ['m,t=1#!~#f', series('float', 5)],
        ['m,t=1#!~#i', series('integer', 7)],
        ['m,t=1#!~#s', series('string', 3)],
        ['m,t=1#!~#u', series('unsigned', 4)],
      ]
      for (const [k, v] of data) await w.write(k, v)
      await w.finish()
      const r = await TSMReader.open(p)
      try {
        assert.deepEqual(
          [...r.keys()],
          data.map(([k]) => k),
        )
        assert.deepEqual(
          data.map(([k]) => r.type(k)),
          [2, 0, 1, 3, 4],
        )
        for (const [k, v] of data) assert.deepEqual(await r.readAll(k), v, k)
        assert.equal(r.minTime, T0)
        assert.equal(r.maxTime, T0 + 8_000_000_000n)
      } finally {
        await r.close()
      }
    })
  })

  it('splits more than 1000 points per key into blocks of 1000, or of the configured size', async () => {
    await withDir(async (dir) => {
      const v = series('float', 2500)
      for (const [name, opts, sizes] of [
        ['a.tsm', {}, [1000, 1000, 500]],
        ['b.tsm', { maxPointsPerBlock: 700 }, [700, 700, 700, 400]],
      ] as const) {
        const p = join(dir, name)
        const w = await TSMWriter.create(p, opts)
        await w.write('cpu#!~#v', v)
        assert.equal(w.currentKeyBlockCount, sizes.length)
        await w.finish()
        const r = await TSMReader.open(p)
        const entries = r.entries('cpu#!~#v')
        let at = 0
        assert.deepEqual(
          entries.map((e) => [e.minTime, e.maxTime]),
          sizes.map((n) => {
            const range = [v.times[at], v.times[at + n - 1]]
            at += n
            return range
          }),
        )
        assert.deepEqual(await r.readAll('cpu#!~#v'), v)
        await r.close()
      }
    })
  })

  it('round-trips many keys of random types and lengths', async () => {
    const kinds: FieldType[] = ['float', 'integer', 'unsigned', 'boolean', 'string']
    await withDir(async (dir) => {
      let run = 0
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), {
            minLength: 1,
            maxLength: 60,
          }),
          fc.array(fc.tuple(fc.nat({ max: 4 }), fc.integer({ min: 1, max: 2100 })), {
            minLength: 60,
            maxLength: 60,
          }),
          async (rawKeys, shapes) => {
            const keys = sortKeys(rawKeys)
            const p = join(dir, `${run++}.tsm`)
            const w = await TSMWriter.create(p, { bufferSizeBytes: 4096 })
            const written = new Map<string, Values>()
            for (const [i, k] of keys.entries()) {
              const [kindIndex, n] = shapes[i] ?? [0, 1]
              const v = series(kinds[kindIndex] ?? 'float', n, BigInt(i) * 7n - 3n, 13n)
              written.set(k, v)
              await w.write(k, v)
            }
            await w.finish()
            const r = await TSMReader.open(p)
            try {
              assert.deepEqual([...r.keys()], keys)
              assert.equal(r.keyCount, keys.length)
              // Read everything before comparing, so results that shared decoder memory would show.
              const read = new Map<string, Values | undefined>()
              for (const k of written.keys()) read.set(k, await r.readAll(k))
              assert.deepEqual(read, written)
            } finally {
              await r.close()
            }
          },
        ),
        { numRuns: 15 },
      )
    })
  })

  it('orders keys by their UTF-8 bytes, not by JavaScript string order', async () => {
    await withDir(async (dir) => {
      // U+FF01 sorts after U+1F600 as UTF-16 but before it as UTF-8.
      const keys = [
        'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue#!~#f k=,"q',
        'ünï,t=\uff01#!~#f',
        'ünï,t=😀#!~#f',
      ]
      const p = join(dir, 'k.tsm')
      const w = await TSMWriter.create(p)
      for (const k of keys) await w.write(k, series('integer', 2))
      await w.finish()
      const r = await TSMReader.open(p)
      assert.deepEqual([...r.keys()], keys)
      for (const k of keys) assert.deepEqual(await r.readAll(k), series('integer', 2))
      assert.equal(r.hasKey('ünï,t=#!~#f'), false)
      await r.close()

      const p3 = join(dir, 'bytes.tsm')
      const w3 = await TSMWriter.create(p3)
      for (const k of keys) await w3.write(new TextEncoder().encode(k), series('integer', 2))
      await w3.finish()
      assert.deepEqual(await readFile(p3), await readFile(p), 'UTF-8 byte keys give the same file')

      const w2 = await TSMWriter.create(join(dir, 'bad.tsm'))
      await w2.write('ünï,t=😀#!~#f', series('integer', 1))
      await assert.rejects(w2.write('ünï,t=\uff01#!~#f', series('integer', 1)), TSMKeyOrderError)
      await w2.abort()
    })
  })

  it('rejects keys out of order or repeated, overlapping blocks, mixed types and unsorted values', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'x.tsm')
      const w = await TSMWriter.create(p)
      await w.write('b#!~#v', series('integer', 3))
      await assert.rejects(
        w.write('a#!~#v', series('integer', 1)),
        (e: unknown) =>
          e instanceof TSMKeyOrderError &&
          e.code === 'ERR_TSM_KEY_ORDER' &&
          e.fields.path === p &&
          e.fields.key === 'a#!~#v',
      )
      const blk = encodeBlock(series('integer', 1, T0 + 10n))
      await assert.rejects(w.writeBlock('b#!~#v', T0 + 10n, T0 + 10n, blk), TSMBlockOrderError)
      await assert.rejects(w.writeBlock('b#!~#v', T0 + 10n ** 10n, T0, blk), TSMBlockOrderError)
      const later = T0 + 10n ** 12n
      await assert.rejects(
        w.writeBlock('b#!~#v', later, later, encodeBlock(series('float', 1, later))),
        (e: unknown) =>
          e instanceof TSMBlockTypeError &&
          e.fields.expected === BLOCK_INTEGER &&
          e.fields.found === 0,
      )
      await assert.rejects(
        w.writeBlock('c#!~#v', 0n, 0n, new Uint8Array(0)),
        isCode('ERR_TSM_BLOCK_TYPE'),
      )
      await assert.rejects(
        w.writeBlock('c#!~#v', 0n, 0n, Uint8Array.of(9, 0)),
        isCode('ERR_TSM_BLOCK_TYPE'),
      )
      const unsorted: Values = {
        kind: 'integer',
        times: BigInt64Array.of(5n, 5n),
        values: BigInt64Array.of(1n, 2n),
      }
      await assert.rejects(
        w.write('c#!~#v', unsorted),
        (e: unknown) => e instanceof TSMBlockOrderError && e.fields.index === 1,
      )
      await w.write('b#!~#v', series('integer', 2, later))
      await w.write('c#!~#v', series('integer', 0))
      await w.write('d#!~#v', series('integer', 1))
      await assert.rejects(w.write('b#!~#v', series('integer', 1, later * 2n)), TSMKeyOrderError)
      await w.finish()
      const r = await TSMReader.open(p)
      assert.deepEqual([...r.keys()], ['b#!~#v', 'd#!~#v'])
      assert.equal(r.entries('b#!~#v').length, 2)
      assert.equal((await r.readAll('b#!~#v'))?.times.length, 5)
      await r.close()
    })
  })

  it('rejects keys longer than 65535 bytes and a 65536th block for one key', async () => {
    await withDir(async (dir) => {
      const w = await TSMWriter.create(join(dir, 'x.tsm'))
      await assert.rejects(
        w.write('k'.repeat(65536), series('integer', 1)),
        (e: unknown) =>
          e instanceof TSMKeyTooLongError &&
          e.code === 'ERR_TSM_KEY_TOO_LONG' &&
          e.fields.found === 65536,
      )
      await w.write('k'.repeat(65535), series('integer', 1))
      const blk = (t: bigint): Uint8Array =>
        encodeBlock({ kind: 'boolean', times: BigInt64Array.of(t), values: Uint8Array.of(1) })
      let t = 10n ** 9n
      for (let i = 0; i < 65535; i++, t++) await w.writeBlock('z#!~#v', t, t, blk(t))
      assert.equal(w.currentKeyBlockCount, 65535)
      await assert.rejects(
        w.writeBlock('z#!~#v', t, t, blk(t)),
        (e: unknown) => e instanceof TSMMaxBlocksError && e.code === 'ERR_TSM_MAX_BLOCKS',
      )
      await w.finish()
      const r = await TSMReader.open(join(dir, 'x.tsm'))
      assert.equal(r.entries('z#!~#v').length, 65535)
      const all = await r.readAll('z#!~#v')
      assert.equal(all?.times.length, 65535)
      assert.equal(all?.times[65534], 10n ** 9n + 65534n)
      await r.close()
    })
  })

  it('refuses to finish a file with no keys, and abort() then removes the temporary file', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000001-000000001.tsm')
      const w = await TSMWriter.create(p)
      assert.deepEqual(await readdir(dir), ['000000001-000000001.tsm.tmp'])
      await assert.rejects(
        w.finish(),
        (e: unknown) =>
          e instanceof TSMNoValuesError && e.code === 'ERR_TSM_NO_VALUES' && e.fields.path === p,
      )
      await w.abort()
      await w.abort()
      assert.deepEqual(await readdir(dir), [])
      await assert.rejects(w.write('a', series('float', 1)), TSMWriterClosedError)
    })
  })

  it('refuses further use after finish() fails on I/O, and abort() still cleans up', async () => {
    await withDir(async (dir) => {
      const p = join(dir, '000000003-000000001.tsm')
      await mkdir(join(p, 'in-the-way'), { recursive: true })
      const w = await TSMWriter.create(p)
      await w.write('a#!~#v', series('integer', 3))
      await assert.rejects(w.finish(), (e: unknown) => !(e instanceof TSMWriterClosedError))
      await assert.rejects(w.write('b#!~#v', series('integer', 1)), TSMWriterClosedError)
      await assert.rejects(w.finish(), TSMWriterClosedError)
      await w.abort()
      assert.deepEqual(await readdir(dir), ['000000003-000000001.tsm'])
      assert.deepEqual(await readdir(p), ['in-the-way'])
    })
  })

  it('publishes the file only on finish() and is closed afterwards', async () => {
    let seed = 12345
    const noise = Array.from({ length: 50_000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return String.fromCharCode(33 + (seed % 90))
    }).join('')
    await withDir(async (dir) => {
      const p = join(dir, '000000002-000000001.tsm')
      const w = await TSMWriter.create(p, { bufferSizeBytes: 4096 })
      await w.write('a#!~#s', {
        kind: 'string',
        times: BigInt64Array.of(1n, 2n),
        values: [noise, 'y'],
      })
      await w.write('b#!~#f', series('float', 3000))
      await assert.rejects(access(p))
      assert.ok(w.size > 50_000)
      await w.finish()
      await w.abort()
      assert.deepEqual(await readdir(dir), ['000000002-000000001.tsm'])
      await assert.rejects(
        w.write('c', series('float', 1)),
        (e: unknown) => e instanceof TSMWriterClosedError && e.code === 'ERR_TSM_WRITER_CLOSED',
      )
      const r = await TSMReader.open(p)
      assert.deepEqual(await r.readAll('a#!~#s'), {
        kind: 'string',
        times: BigInt64Array.of(1n, 2n),
        values: [noise, 'y'],
      })
      assert.deepEqual(await r.readAll('b#!~#f'), series('float', 3000))
      assert.equal(r.size, (await readFile(p)).length)
      await r.close()
    })
  })
})

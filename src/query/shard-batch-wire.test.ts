import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import fc from 'fast-check'
import type { Shard } from '../engine/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import { ByteWriter } from '../util/index.js'
import {
  batchAnswer,
  type BatchItem,
  BatchRequestError,
  type BatchSink,
  BatchSplitter,
  decodeBatchRequest,
  encodeBatchRequest,
} from './shard-batch-wire.js'
import { encodeEnd, encodeFrame, encodeItemEnd, ShardWireError } from './shard-wire.js'
import { fieldType, shardHolding, valuesOf } from './wire-test-support.js'

type Event = readonly ['frame', number, unknown] | readonly ['end', number, boolean]

function plain(v: Values): unknown {
  return { kind: v.kind, times: [...v.times], values: [...v.values] }
}

/** A sink that records what it is handed. */
function recorder(): BatchSink & { events: Event[] } {
  const events: Event[] = []
  return {
    events,
    frame: (i, v) => events.push(['frame', i, plain(v)]),
    end: (i, more) => events.push(['end', i, more]),
  }
}

/** One item of an answer: its frames (of one type), whether they are times only, its end. */
interface ItemSpec {
  readonly frames: readonly Values[]
  readonly timesOnly: boolean
  readonly more: boolean
}

const itemSpec: fc.Arbitrary<ItemSpec> = fc
  .tuple(
    fieldType,
    fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }),
    fc.boolean(),
    fc.boolean(),
  )
  .chain(([kind, sizes, timesOnly, more]) =>
    fc
      .tuple(...sizes.map((n) => valuesOf(kind, n)))
      .map((frames): ItemSpec => ({ frames, timesOnly, more })),
  )
const answers = fc.array(itemSpec, { maxLength: 5 })

function encodeAnswer(items: readonly ItemSpec[]): Uint8Array {
  const w = new ByteWriter()
  for (const it of items) {
    for (const f of it.frames) encodeFrame(w, f, it.timesOnly)
    encodeItemEnd(w, it.more)
  }
  encodeEnd(w)
  return w.toBytes()
}

/** The events a whole answer should give. */
function expected(items: readonly ItemSpec[]): Event[] {
  const out: Event[] = []
  items.forEach((it, i) => {
    for (const f of it.frames) {
      const p = plain(f) as { kind: FieldType; times: bigint[]; values: unknown[] }
      out.push(['frame', i, it.timesOnly ? { ...p, values: [] } : p])
    }
    out.push(['end', i, it.more])
  })
  return out
}

/** Splits `bytes` at the sorted cut points. */
function pieces(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let from = 0
  for (const c of at) {
    out.push(bytes.subarray(from, c))
    from = c
  }
  out.push(bytes.subarray(from))
  return out
}

describe('the batched remote read wire', () => {
  it('hands out every frame and item end whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(answers, fc.array(fc.nat(), { maxLength: 8 }), (items, cuts) => {
        const sink = recorder()
        const s = new BatchSplitter(items.length, sink)
        for (const p of pieces(encodeAnswer(items), cuts)) s.push(p)
        s.finish()
        assert.deepEqual(sink.events, expected(items))
      }),
    )
  })

  it('holds back a frame cut mid-way until the rest of its bytes arrive', () => {
    const f: Values = {
      kind: 'float',
      times: BigInt64Array.of(1n, 2n),
      values: Float64Array.of(1.5, 2.5),
    }
    const bytes = encodeAnswer([{ frames: [f], timesOnly: false, more: false }])
    for (let cut = 1; cut < bytes.length - 2; cut++) {
      const sink = recorder()
      const s = new BatchSplitter(1, sink)
      s.push(bytes.subarray(0, cut))
      assert.deepEqual(sink.events, [], `cut at ${cut}`)
      s.push(bytes.subarray(cut))
      s.finish()
      assert.deepEqual(sink.events, expected([{ frames: [f], timesOnly: false, more: false }]))
    }
  })

  it('refuses every truncated answer at its end, naming an offset inside what arrived', () => {
    fc.assert(
      fc.property(answers, fc.nat(), (items, cut) => {
        const bytes = encodeAnswer(items)
        const n = cut % bytes.length
        const s = new BatchSplitter(items.length, recorder())
        s.push(bytes.subarray(0, n))
        assert.throws(
          () => s.finish(),
          (err: unknown) =>
            err instanceof ShardWireError &&
            err.code === 'ERR_QUERY_WIRE_CORRUPT' &&
            Number(err.fields['offset']) <= n,
        )
      }),
    )
  })

  it('names the offset in the whole answer of a bad byte in a later chunk', () => {
    const f: Values = { kind: 'integer', times: BigInt64Array.of(5n), values: BigInt64Array.of(7n) }
    const g: Values = { kind: 'float', times: BigInt64Array.of(6n), values: Float64Array.of(1) }
    const w = new ByteWriter()
    encodeFrame(w, f)
    encodeFrame(w, g) // a float frame in an integer item, at offset 18
    const bytes = w.toBytes()
    const s = new BatchSplitter(1, recorder())
    s.push(bytes.subarray(0, 10))
    assert.throws(
      () => s.push(bytes.subarray(10)),
      /offset 18: frame of type float after frames of type integer/,
    )
    const bad = new BatchSplitter(1, recorder())
    bad.push(bytes.subarray(0, 18))
    assert.throws(() => bad.push(Uint8Array.of(0x87)), /offset 18: unknown field type 135/)
  })

  it('refuses an answer with more or fewer items than asked, or bytes after its end', () => {
    const one = encodeAnswer([{ frames: [], timesOnly: false, more: false }])
    assert.throws(
      () => new BatchSplitter(2, recorder()).push(one),
      /offset 1: the end frame after 1 of 2 items/,
    )
    assert.throws(
      () => new BatchSplitter(0, recorder()).push(one),
      /offset 0: an item end after the last of 0 items/,
    )
    const f: Values = { kind: 'boolean', times: BigInt64Array.of(1n), values: Uint8Array.of(1) }
    const w = new ByteWriter()
    encodeFrame(w, f)
    assert.throws(
      () => new BatchSplitter(0, recorder()).push(w.toBytes()),
      /a frame after the last of 0 items/,
    )
    const s = new BatchSplitter(1, recorder())
    assert.throws(
      () => s.push(Uint8Array.of(...one, 0)),
      /offset 2: trailing bytes after the end frame/,
    )
  })

  it('decodes a times-only frame to its times and an empty column of its type', () => {
    const v: Values = {
      kind: 'unsigned',
      times: BigInt64Array.of(3n, 4n),
      values: BigUint64Array.of(9n, 8n),
    }
    const sink = recorder()
    const s = new BatchSplitter(1, sink)
    const bytes = encodeAnswer([{ frames: [v], timesOnly: true, more: true }])
    assert.equal(bytes.length, 1 + 1 + 16 + 1 + 1)
    s.push(bytes)
    s.finish()
    assert.deepEqual(sink.events, [
      ['frame', 0, { kind: 'unsigned', times: [3n, 4n], values: [] }],
      ['end', 0, true],
    ])
  })

  it('round-trips a request and names the item of a bad one', () => {
    const items: BatchItem[] = [
      {
        key: 'cpu,host=a#!~#v',
        min: -(2n ** 63n),
        max: 2n ** 63n - 1n,
        ascending: true,
        timesOnly: false,
        limit: 0,
      },
      { key: 'm,t=ü#!~#f', min: 5n, max: 9n, ascending: false, timesOnly: true, limit: 4096 },
    ]
    assert.deepEqual(decodeBatchRequest(JSON.parse(encodeBatchRequest(items))), items)
    const good = (JSON.parse(encodeBatchRequest(items)) as { items: unknown[] }).items[0]
    const bad = (item: unknown): unknown => ({ items: [good, item] })
    for (const [body, text] of [
      [bad({ key: 1, min: '0', max: '1' }), /item 1: key must be a string/],
      [bad({ key: 'k', min: '1e3', max: '1' }), /item 1: min must be a Unix time in ns/],
      [bad({ key: 'k', min: '0', max: '9223372036854775808' }), /item 1: max is not an int64/],
      [bad({ key: 'k', min: '0', max: '1', limit: -1 }), /item 1: limit must be a count/],
      [{ items: 'x' }, /items must be an array/],
    ] as const)
      assert.throws(
        () => decodeBatchRequest(body),
        (err: unknown) =>
          err instanceof BatchRequestError &&
          err.code === 'ERR_QUERY_BATCH_REQUEST' &&
          text.test(err.message),
      )
  })
})

describe('a batch answer from a shard', () => {
  let dir: string
  let shard: Shard
  before(async () => {
    const lines: string[] = []
    for (let t = 1; t <= 20_000; t++) lines.push(`cpu,host=a v=${t / 2},s="v${t}" ${t}`)
    ;({ shard, dir } = await shardHolding(1, lines, 12_000))
  })
  after(async () => {
    await shard.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function answer(items: readonly BatchItem[]): Promise<Event[]> {
    const sink = recorder()
    const s = new BatchSplitter(items.length, sink)
    for await (const piece of batchAnswer(shard, items)) s.push(piece)
    s.finish()
    return sink.events
  }

  function item(key: string, over: Partial<BatchItem> = {}): BatchItem {
    return {
      key,
      min: -(2n ** 63n),
      max: 2n ** 63n - 1n,
      ascending: true,
      timesOnly: false,
      limit: 0,
      ...over,
    }
  }

  it('sends each key in order, at most its limit of values, and says when values were left', async () => {
    const events = await answer([
      item('cpu,host=a#!~#v', { limit: 10_000 }),
      item('cpu,host=a#!~#nope'),
      item('cpu,host=a#!~#v', { min: 19_990n, ascending: false, limit: 11 }),
      item('cpu,host=a#!~#v', { min: 19_990n, limit: 11 }),
      item('cpu,host=a#!~#s', { max: 3n, timesOnly: true }),
    ])
    const times = (k: number): bigint[] =>
      events.flatMap((e) =>
        e[0] === 'frame' && e[1] === k ? (e[2] as { times: bigint[] }).times : [],
      )
    assert.deepEqual(
      events.filter((e) => e[0] === 'end'),
      [
        ['end', 0, true],
        ['end', 1, false],
        ['end', 2, false],
        ['end', 3, false],
        ['end', 4, false],
      ],
    )
    assert.deepEqual(
      times(0),
      Array.from({ length: 10_000 }, (_, i) => BigInt(i + 1)),
    )
    assert.deepEqual(times(1), [])
    assert.deepEqual(
      times(2),
      Array.from({ length: 11 }, (_, i) => BigInt(20_000 - i)),
    )
    assert.deepEqual(
      times(3),
      Array.from({ length: 11 }, (_, i) => BigInt(19_990 + i)),
    )
    assert.deepEqual(times(4), [1n, 2n, 3n])
    const first = events.find((e) => e[0] === 'frame' && e[1] === 4)
    assert.deepEqual(first?.[2], { kind: 'string', times: [1n, 2n, 3n], values: [] })
  })

  it('cuts a key exactly at its limit when the limit ends a chunk, and says values were left', async () => {
    const events = await answer([
      item('cpu,host=a#!~#v', { limit: 8192 }),
      item('cpu,host=a#!~#v', { min: 19_001n, limit: 1000 }),
    ])
    assert.deepEqual(
      events.filter((e) => e[0] === 'end'),
      [
        ['end', 0, true],
        ['end', 1, false],
      ],
    )
  })
})

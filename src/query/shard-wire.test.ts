import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ShardIndex } from '../engine/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import { ByteWriter } from '../util/index.js'
import {
  decodeFrames,
  decodeIndex,
  encodeEnd,
  encodeFrame,
  encodeIndex,
  ShardWireError,
} from './shard-wire.js'
import { fieldType, valuesOf } from './wire-test-support.js'

/** Frames of one type. */
const frames = fc
  .tuple(fieldType, fc.array(fc.nat({ max: 20 }), { maxLength: 4 }))
  .chain(([kind, sizes]) => fc.tuple(...sizes.map((n) => valuesOf(kind, n))))

function encodeStream(list: readonly Values[]): Uint8Array {
  const w = new ByteWriter()
  for (const v of list) encodeFrame(w, v)
  encodeEnd(w)
  return w.toBytes()
}

function plain(v: Values): unknown {
  return { kind: v.kind, times: [...v.times], values: [...v.values] }
}

const name = fc.string({ unit: 'grapheme', maxLength: 8 })
const indexes = fc.uniqueArray(
  fc.record({
    name,
    fields: fc.uniqueArray(fc.tuple(name, fieldType), { selector: (f) => f[0], maxLength: 4 }),
    series: fc.uniqueArray(
      fc.tuple(name, fc.array(fc.record({ key: name, value: name }), { maxLength: 3 })),
      { selector: (s) => s[0], maxLength: 5 },
    ),
  }),
  { selector: (m) => m.name, maxLength: 4 },
)

interface IndexSpec {
  readonly name: string
  readonly fields: readonly (readonly [string, FieldType])[]
  readonly series: readonly (readonly [string, readonly { key: string; value: string }[]])[]
}

function buildIndex(ms: readonly IndexSpec[]): ShardIndex {
  const index = new ShardIndex()
  for (const m of ms) {
    for (const [f, t] of m.fields) index.setFieldType(m.name, f, t)
    for (const [k, tags] of m.series)
      index.addSeries(
        `${m.name}|${k}`,
        m.name,
        tags.map((t) => ({ key: t.key, value: t.value })),
      )
  }
  return index
}

describe('the remote shard wire encoding', () => {
  it('round-trips frames of every type, exactly (NaN, -0, int64 and uint64 bounds)', () => {
    fc.assert(
      fc.property(frames, (list) => {
        const back = decodeFrames(encodeStream(list))
        assert.deepEqual(back.map(plain), list.map(plain))
      }),
    )
  })

  it('round-trips a shard index in its own order', () => {
    fc.assert(
      fc.property(indexes, (ms) => {
        const index = buildIndex(ms)
        const back = decodeIndex(encodeIndex(index))
        assert.deepEqual(
          back.map((m) => m.name),
          [...index.measurements.keys()],
        )
        for (const m of back) {
          const mi = index.measurements.get(m.name)
          assert.deepEqual(m.fields, [...(mi?.fields ?? [])])
          assert.deepEqual(m.series, [...(mi?.series ?? [])])
        }
      }),
    )
  })

  it('refuses every truncation of a frame stream with a ShardWireError naming an offset inside it', () => {
    fc.assert(
      fc.property(frames, fc.nat(), (list, cut) => {
        const bytes = encodeStream(list)
        const n = cut % bytes.length
        assert.throws(
          () => decodeFrames(bytes.subarray(0, n)),
          (err: unknown) =>
            err instanceof ShardWireError &&
            err.code === 'ERR_QUERY_WIRE_CORRUPT' &&
            typeof err.fields['offset'] === 'number' &&
            err.fields['offset'] <= n,
        )
      }),
    )
  })

  it('refuses every truncation of an index with a ShardWireError', () => {
    fc.assert(
      fc.property(indexes, fc.nat(), (ms, cut) => {
        const bytes = encodeIndex(buildIndex(ms))
        const n = cut % bytes.length
        assert.throws(() => decodeIndex(bytes.subarray(0, n)), ShardWireError)
      }),
    )
  })

  it('names the offset of an unknown type byte, a type change and a count beyond the data', () => {
    const f = { kind: 'float', times: BigInt64Array.of(1n), values: Float64Array.of(1) } as const
    const bytes = encodeStream([f, f])
    const frameLen = (bytes.length - 1) / 2
    const badType = bytes.slice()
    badType[frameLen] = 9
    assert.throws(() => decodeFrames(badType), /offset 18: unknown field type 9/)
    const mixed = bytes.slice()
    mixed[frameLen] = 1
    assert.throws(
      () => decodeFrames(mixed),
      /offset 18: frame of type integer after frames of type float/,
    )
    const huge = bytes.slice()
    huge[1] = 0x7f
    assert.throws(() => decodeFrames(huge), /offset 1: count 127 exceeds the data left/)
    assert.throws(() => decodeIndex(Uint8Array.of(1, 2, 3, 4, 0)), /offset 0: not a shard index/)
    const junk = new Uint8Array([...bytes, 0])
    assert.throws(() => decodeFrames(junk), /trailing bytes after the end frame/)
  })

  it('refuses a string that is not UTF-8, naming its offset', () => {
    const w = new ByteWriter()
    w.u8(3).uvarint(1).bytes(new Uint8Array(8)).uvarint(1).u8(0xff).u8(255)
    assert.throws(() => decodeFrames(w.toBytes()), /offset 10: invalid UTF-8 string/)
  })
})

// Throughput of the TSM value codecs and the block format on 1000-value blocks of realistic data:
// values per second to encode and to decode, and encoded bytes per value. Timing is measured here,
// never asserted in tests. Run: npx tsc -b && node dist/bench/tsm-codecs.js

import { pathToFileURL } from 'node:url'
import type { Values } from '../src/lineprotocol/index.js'
import { decodeBlock, encodeBlock } from '../src/tsm/block.js'
import { decodeBooleans, encodeBooleans } from '../src/tsm/boolean-codec.js'
import { decodeFloats, encodeFloats } from '../src/tsm/float-codec.js'
import {
  decodeIntegers,
  decodeUnsigned,
  encodeIntegers,
  encodeUnsigned,
} from '../src/tsm/integer-codec.js'
import { decodeStrings, encodeStrings } from '../src/tsm/string-codec.js'
import { decodeTimestamps, encodeTimestamps } from '../src/tsm/timestamp-codec.js'

const N = 1000
const T0 = 1_700_000_000_000_000_000n

/** A deterministic pseudo-random generator (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Case {
  readonly name: string
  readonly encode: () => Uint8Array
  readonly decode: (b: Uint8Array) => unknown
}

/**
 * Runs fn repeatedly in several rounds of about `ms` milliseconds of CPU time each; returns the
 * best round's nanoseconds of CPU time per call. CPU time (not wall time) keeps other processes on
 * a busy machine from skewing the numbers.
 */
function time(fn: () => unknown, ms = 60, rounds = 7): number {
  for (let i = 0; i < 50; i++) fn()
  let best = Infinity
  const budgetUs = ms * 1000
  for (let r = 0; r < rounds; r++) {
    let calls = 0
    const start = process.cpuUsage()
    let elapsedUs = 0
    while (elapsedUs < budgetUs) {
      for (let i = 0; i < 10; i++) fn()
      calls += 10
      const d = process.cpuUsage(start)
      elapsedUs = d.user + d.system
    }
    best = Math.min(best, (elapsedUs * 1000) / calls)
  }
  return best
}

function makeData(): {
  regular: BigInt64Array
  jittered: BigInt64Array
  floats: Float64Array
  counters: BigInt64Array
  unsigned: BigUint64Array
  booleans: Uint8Array
  strings: string[]
} {
  const r = rng(42)
  const regular = new BigInt64Array(N)
  const jittered = new BigInt64Array(N)
  const floats = new Float64Array(N)
  const counters = new BigInt64Array(N)
  const unsigned = new BigUint64Array(N)
  const booleans = new Uint8Array(N)
  const strings: string[] = []
  const words = [
    'ok',
    'warning',
    'critical',
    'host-a.example.com',
    'GET /api/v1/items',
    'disk full',
  ]
  let counter = 1_000_000n
  let temp = 21.5
  let on = 0
  for (let i = 0; i < N; i++) {
    regular[i] = T0 + BigInt(i) * 10_000_000_000n
    jittered[i] = T0 + BigInt(i) * 10_000_000_000n + BigInt(Math.floor(r() * 5)) * 1_000_000n
    temp += (r() - 0.5) * 0.2
    floats[i] = Math.round(temp * 100) / 100
    counter += BigInt(Math.floor(r() * 100))
    counters[i] = counter
    unsigned[i] = BigInt.asUintN(64, counter * 3n)
    if (r() < 0.1) on ^= 1
    booleans[i] = on
    strings.push(words[Math.floor(r() * words.length)] ?? 'ok')
  }
  return { regular, jittered, floats, counters, unsigned, booleans, strings }
}

/** Measures every codec and the block format and prints one line per case. */
export async function benchTSMCodecs(): Promise<void> {
  const d = makeData()
  const blocks: Values[] = [
    { kind: 'float', times: d.jittered, values: d.floats },
    { kind: 'integer', times: d.regular, values: d.counters },
    { kind: 'boolean', times: d.regular, values: d.booleans },
    { kind: 'string', times: d.jittered, values: d.strings },
  ]
  const cases: Case[] = [
    {
      name: 'timestamps regular (RLE)',
      encode: () => encodeTimestamps(d.regular),
      decode: (b) => decodeTimestamps(b),
    },
    {
      name: 'timestamps jittered (packed)',
      encode: () => encodeTimestamps(d.jittered),
      decode: (b) => decodeTimestamps(b),
    },
    {
      name: 'floats slowly varying',
      encode: () => encodeFloats(d.floats),
      decode: (b) => decodeFloats(b),
    },
    {
      name: 'integers counter',
      encode: () => encodeIntegers(d.counters),
      decode: (b) => decodeIntegers(b),
    },
    {
      name: 'unsigned counter',
      encode: () => encodeUnsigned(d.unsigned),
      decode: (b) => decodeUnsigned(b),
    },
    {
      name: 'booleans with runs',
      encode: () => encodeBooleans(d.booleans),
      decode: (b) => decodeBooleans(b),
    },
    {
      name: 'strings short',
      encode: () => encodeStrings(d.strings),
      decode: (b) => decodeStrings(b),
    },
    ...blocks.map((v) => ({
      name: `block ${v.kind} (ts + values)`,
      encode: () => encodeBlock(v),
      decode: (b: Uint8Array) => decodeBlock(b),
    })),
  ]
  console.log(`TSM codecs, ${N}-value blocks (node ${process.version})`)
  console.log(
    'case'.padEnd(32),
    'encode Mv/s'.padStart(12),
    'decode Mv/s'.padStart(12),
    'bytes/value'.padStart(12),
  )
  for (const c of cases) {
    const encoded = c.encode()
    const encNs = time(c.encode)
    const decNs = time(() => c.decode(encoded))
    console.log(
      c.name.padEnd(32),
      ((N / encNs) * 1000).toFixed(1).padStart(12),
      ((N / decNs) * 1000).toFixed(1).padStart(12),
      (encoded.length / N).toFixed(3).padStart(12),
    )
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchTSMCodecs()
}

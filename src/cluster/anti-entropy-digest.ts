// Shard digests for anti-entropy: what one replica of a shard holds, summarized so two replicas
// can be compared without shipping their points.
//
// Per TSM key (series key + field): the number of values, the first and last time, and
//   hash = sha256( kind byte ‖ sha256(all times) ‖ sha256(all values) )
// where the times are the int64 timestamps in ascending order and the values their raw column
// bytes (float64 / int64 / uint64 / one byte per boolean; a string as uint32 length + UTF-8), both
// in the host's byte order (little-endian on every platform we run). Times and values go to two
// separate running hashes so the chunks the cursor happens to yield (TSM block boundaries,
// cache/file split) cannot change the result: equal points give equal digests whatever the file
// layout or compaction state. Shard level: the sum of the counts and
//   hash = sha256( for each key in byte order: key UTF-8 ‖ 0x00 ‖ key hash )
// A digest of a shard whose cache is empty is kept per TSM file set (paths, sizes, mtimes, and
// tombstones) and reused until the set changes.

import { createHash, type Hash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { Shard } from '../engine/index.js'
import type { Values } from '../lineprotocol/index.js'

/** The digest of one TSM key (series key + field) of one replica. */
export interface KeyDigest {
  readonly key: string
  readonly count: number
  readonly minTimeNs: bigint
  readonly maxTimeNs: bigint
  /** 32 hex digits (the first 16 bytes of the sha256 described above). */
  readonly hash: string
}

/** The digest of one replica of a shard. */
export interface ShardDigest {
  readonly shardID: number
  /** Values in the shard (all keys). */
  readonly count: number
  /** TSM keys in the shard. */
  readonly keys: number
  /** 32 hex digits; equal hashes mean equal points. */
  readonly hash: string
  /** Per key, sorted by key bytes. */
  readonly keyDigests: readonly KeyDigest[]
}

const KIND_BYTE = { float: 1, integer: 2, unsigned: 3, boolean: 4, string: 5 } as const

/** Running hashes of one key's values; feed chunks in time order, then `finish()`. */
export class KeyHasher {
  readonly #times: Hash = createHash('sha256')
  readonly #values: Hash = createHash('sha256')
  #kind: Values['kind'] | undefined
  #count = 0
  #min = 0n
  #max = 0n
  #scratch = Buffer.allocUnsafe(4096)

  /** Adds the next chunk (times ascending, after every earlier chunk's). */
  add(v: Values): void {
    const n = v.times.length
    if (n === 0) return
    if (this.#count === 0) this.#min = v.times[0] ?? 0n
    this.#max = v.times[n - 1] ?? 0n
    this.#count += n
    this.#kind = v.kind
    this.#times.update(new Uint8Array(v.times.buffer, v.times.byteOffset, n * 8))
    if (v.kind === 'string') {
      for (const s of v.values) this.#addString(s)
    } else {
      // Only the first n entries: a column may be a view with spare capacity after them.
      const col = v.values
      this.#values.update(new Uint8Array(col.buffer, col.byteOffset, n * col.BYTES_PER_ELEMENT))
    }
  }

  #addString(s: string): void {
    const max = s.length * 3 + 4
    if (this.#scratch.length < max) this.#scratch = Buffer.allocUnsafe(max * 2)
    const len = this.#scratch.write(s, 4, 'utf8')
    this.#scratch.writeUInt32LE(len, 0)
    this.#values.update(this.#scratch.subarray(0, len + 4))
  }

  /** The key's digest, or undefined when no value was added. */
  finish(key: string): KeyDigest | undefined {
    if (this.#count === 0 || this.#kind === undefined) return undefined
    const h = createHash('sha256')
    h.update(Uint8Array.of(KIND_BYTE[this.#kind]))
    h.update(this.#times.digest())
    h.update(this.#values.digest())
    return {
      key,
      count: this.#count,
      minTimeNs: this.#min,
      maxTimeNs: this.#max,
      hash: h.digest('hex').slice(0, 32),
    }
  }
}

/** The digest of all of one key's values (as a single Values). */
export function digestValues(key: string, v: Values): KeyDigest | undefined {
  const h = new KeyHasher()
  h.add(v)
  return h.finish(key)
}

/** The shard-level summary of key digests sorted by key bytes. */
export function summarize(shardID: number, keyDigests: readonly KeyDigest[]): ShardDigest {
  const h = createHash('sha256')
  let count = 0
  for (const k of keyDigests) {
    h.update(k.key, 'utf8')
    h.update(Uint8Array.of(0))
    h.update(Buffer.from(k.hash, 'hex'))
    count += k.count
  }
  return {
    shardID,
    count,
    keys: keyDigests.length,
    hash: h.digest('hex').slice(0, 32),
    keyDigests,
  }
}

/**
 * Computes the digest of `shard` by streaming every key's values through its cursor (merged
 * TSM files and cache, in time order, one chunk in memory at a time).
 */
export async function computeShardDigest(shard: Shard): Promise<ShardDigest> {
  const out: KeyDigest[] = []
  for (const key of shard.keys()) {
    const h = new KeyHasher()
    for await (const chunk of shard.cursor(key, undefined, undefined, { chunkSize: 8192 }))
      h.add(chunk)
    const d = h.finish(key)
    if (d !== undefined) out.push(d)
  }
  return summarize(shard.id, out)
}

/**
 * Digests per shard, reused while a shard's TSM file set is unchanged and its cache empty (a
 * shard with values in its cache is digested afresh each time). Safe to call concurrently: calls
 * for one shard while it is being digested share the work.
 */
export class ShardDigestCache {
  readonly #done = new WeakMap<Shard, { stamp: string; digest: ShardDigest }>()
  readonly #running = new WeakMap<Shard, Promise<ShardDigest>>()

  /** The digest of `shard` now. */
  async digest(shard: Shard): Promise<ShardDigest> {
    const running = this.#running.get(shard)
    if (running !== undefined) return running
    const p = this.#compute(shard).finally(() => this.#running.delete(shard))
    this.#running.set(shard, p)
    return p
  }

  async #compute(shard: Shard): Promise<ShardDigest> {
    const stamp = shard.stats().cacheBytes === 0 ? await fileSetStamp(shard) : undefined
    const kept = this.#done.get(shard)
    if (stamp !== undefined && kept !== undefined && kept.stamp === stamp) return kept.digest
    const digest = await computeShardDigest(shard)
    // Only keep it if nothing changed while it was computed.
    if (
      stamp !== undefined &&
      shard.stats().cacheBytes === 0 &&
      (await fileSetStamp(shard)) === stamp
    )
      this.#done.set(shard, { stamp, digest })
    return digest
  }
}

/** Paths, sizes and mtimes of a shard's TSM files and their tombstones. */
async function fileSetStamp(shard: Shard): Promise<string> {
  const parts: string[] = []
  for (const p of shard.tsmPaths()) {
    for (const f of [p, p.replace(/\.tsm$/, '.tombstone')]) {
      try {
        const s = await stat(f, { bigint: true })
        parts.push(`${f}:${s.size}:${s.mtimeNs}`)
      } catch {
        parts.push(`${f}:-`)
      }
    }
  }
  return parts.join('|')
}

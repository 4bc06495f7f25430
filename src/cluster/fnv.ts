// FNV-1a (64-bit) of a series key, as InfluxDB's ShardGroupInfo.ShardFor uses to pick the shard of
// a group that has several: shard = hash mod number of shards. Computed in 32-bit halves (no
// BigInt) because it runs once per point.

const utf8 = new TextEncoder()

/** The index of the shard (of `shardCount`) that holds the series `seriesKey`. Pure. */
export function shardIndexFor(seriesKey: string, shardCount: number): number {
  const bytes = utf8.encode(seriesKey)
  // offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3
  let hi = 0xcbf29ce4
  let lo = 0x84222325
  for (const b of bytes) {
    lo = (lo ^ b) >>> 0
    // (hi:lo) * 0x1b3 + ((lo << 40) as the high word contribution: lo * 2^8 << 32)
    const loMul = lo * 0x1b3
    const carry = Math.floor(loMul / 0x1_0000_0000)
    const newLo = loMul >>> 0
    hi = (Math.imul(hi, 0x1b3) + carry + Math.imul(lo, 0x100)) >>> 0
    lo = newLo
  }
  // (hi * 2^32 + lo) mod n
  const twoTo32ModN = 0x1_0000_0000 % shardCount
  return ((hi % shardCount) * twoTo32ModN + (lo % shardCount)) % shardCount
}

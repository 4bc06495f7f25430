import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { setImmediate as tick } from 'node:timers/promises'
import type { Shard } from '../engine/index.js'
import { joinTSMKey, type KeyCursor } from '../engine/index.js'
import type { Values } from '../lineprotocol/index.js'
import { mapInOrder } from '../util/index.js'
import { remoteShard, type RemoteShard, type ShardReadClient } from './remote-shard.js'
import { batchAnswer, type BatchItem, type BatchSink, BatchSplitter } from './shard-batch-wire.js'
import { ShardUnavailableError } from './shard-owners.js'
import { decodeIndex, encodeIndex } from './shard-wire.js'
import { shardHolding } from './wire-test-support.js'

const SERIES = 300
const LONG = 'cpu,host=long'

/**
 * Owners in this process: each address serves a real shard through the real answer encoding,
 * handed to the splitter in small pieces on later turns of the event loop (as a socket would).
 * An owner with `dieAfter` bytes stops there with an error; one without a shard is down.
 */
class LocalOwners implements ShardReadClient {
  readonly owners = new Map<string, { shard?: Shard; dieAfter?: number; sent?: number }>()
  readonly requests: { node: string; items: readonly BatchItem[] }[] = []

  index(): Promise<undefined> {
    return Promise.resolve(undefined)
  }

  async readBatch(
    node: string,
    _id: number,
    items: readonly BatchItem[],
    sink: BatchSink,
  ): Promise<boolean> {
    this.requests.push({ node, items })
    const o = this.owners.get(node)
    await tick()
    if (o?.shard === undefined) throw new Error('connection refused')
    const splitter = new BatchSplitter(items.length, sink)
    for await (const piece of batchAnswer(o.shard, items)) {
      for (let at = 0; at < piece.length; at += 4096) {
        const chunk = piece.subarray(at, at + 4096)
        // An owner dies once it has sent `dieAfter` bytes in all.
        const sent = o.sent ?? 0
        if (o.dieAfter !== undefined && sent + chunk.length > o.dieAfter) {
          splitter.push(chunk.subarray(0, o.dieAfter - sent))
          o.sent = o.dieAfter
          throw new Error('connection reset')
        }
        o.sent = sent + chunk.length
        splitter.push(chunk)
        await tick()
      }
    }
    splitter.finish()
    return true
  }

  deleteSeriesRange(): Promise<void> {
    return Promise.resolve()
  }
}

function plain(list: readonly Values[]): unknown {
  const times: bigint[] = []
  const values: unknown[] = []
  for (const v of list) {
    times.push(...v.times)
    values.push(...v.values)
  }
  return { times, values }
}

async function drain(cursor: KeyCursor): Promise<Values[]> {
  const out: Values[] = []
  for (;;) {
    const v = await cursor.next()
    if (v === undefined) return out
    assert.ok(v.times.length <= cursor.chunkSize)
    out.push(v)
  }
}

describe('a remote shard read in batches', () => {
  let dir: string
  let local: Shard
  let seriesKeys: string[]

  before(async () => {
    const lines: string[] = []
    for (let s = 0; s < SERIES; s++)
      for (let t = 0; t < 20; t++)
        lines.push(
          `cpu,host=h${s} v=${s + t / 8},n=${s * t}i,ok=${t % 2 === 0},s="${s}:${t}" ${1000 + t * 10 + (s % 3)}`,
        )
    for (let t = 0; t < 150_000; t++) lines.push(`${LONG} v=${t / 4} ${t}`)
    for (let k = 0; k < 200; k++) lines.push(`disk,dc=dc${k % 7},host=host${k} used=${k} 1000`)
    ;({ shard: local, dir } = await shardHolding(7, lines, 100_000))
    seriesKeys = [...(local.index.measurements.get('cpu')?.series.keys() ?? [])]
      .filter((k) => k !== LONG)
      .sort()
  })
  after(async () => {
    await local.close()
    await rm(dir, { recursive: true, force: true })
  })

  function remote(owners: LocalOwners, addresses = ['a']): RemoteShard {
    for (const a of addresses) if (!owners.owners.has(a)) owners.owners.set(a, { shard: local })
    const place = {
      id: 7,
      database: 'db',
      retentionPolicy: 'rp',
      owners: addresses.map((address, i) => ({ id: BigInt(i + 1), address })),
      preferred: 0,
    }
    return remoteShard(place, decodeIndex(encodeIndex(local.index)), owners)
  }

  it('reads every key as the owner reads it: both orders, times only, ranges, a key of many pages', async () => {
    const owners = new LocalOwners()
    const shard = remote(owners)
    const cases: [
      string,
      bigint,
      bigint,
      { ascending?: boolean; timesOnly?: boolean; chunkSize?: number },
    ][] = [
      [joinTSMKey('cpu,host=h7', 'v'), -(2n ** 63n), 2n ** 63n - 1n, {}],
      [joinTSMKey('cpu,host=h8', 's'), 1040n, 1100n, { ascending: false, chunkSize: 3 }],
      [joinTSMKey('cpu,host=h9', 'ok'), 0n, 5000n, { chunkSize: 7 }],
      [joinTSMKey('cpu,host=h10', 'n'), 0n, 5000n, { timesOnly: true }],
      [joinTSMKey(LONG, 'v'), 10n, 149_990n, { chunkSize: 256 }],
      [joinTSMKey(LONG, 'v'), 10n, 149_990n, { ascending: false, chunkSize: 5000 }],
    ]
    for (const [key, min, max, options] of cases) {
      const want = plain(await drain(local.cursor(key, min, max, options)))
      const got = await drain(shard.cursor(key, min, max, options))
      if (options.timesOnly === true)
        assert.deepEqual(
          (plain(got) as { times: unknown }).times,
          (want as { times: unknown }).times,
        )
      else assert.deepEqual(plain(got), want, key)
    }
    assert.deepEqual(
      await shard.read(joinTSMKey(LONG, 'v')),
      await local.read(joinTSMKey(LONG, 'v')),
    )
    // The long key comes in pages, none larger than 65536 values.
    const longItems = owners.requests
      .flatMap((r) => r.items)
      .filter((i) => i.key === joinTSMKey(LONG, 'v'))
    assert.ok(longItems.length > 3, `${longItems.length} pages`)
    for (const i of longItems) assert.ok(i.limit > 0 && i.limit <= 65536, `limit ${i.limit}`)
  })

  it('reads no values for a key the owner does not have', async () => {
    const owners = new LocalOwners()
    const shard = remote(owners)
    assert.equal(await shard.cursor(joinTSMKey('cpu,host=h1', 'nope')).next(), undefined)
    assert.equal(await shard.read(joinTSMKey('cpu,host=zz', 'v')), undefined)
  })

  it('asks once per batch for the cursors a raw merge opens before reading them, and reads them interleaved', async () => {
    const owners = new LocalOwners()
    const shard = remote(owners)
    const keys = seriesKeys.map((s) => joinTSMKey(s, 'v'))
    const cursors = keys.map((k) => shard.cursor(k, 0n, 5000n, { chunkSize: 4 }))
    const got: Values[][] = keys.map(() => [])
    // Round robin, a chunk of each at a time, as a merge by time does.
    for (let open = cursors.length; open > 0;) {
      open = 0
      for (const [i, c] of cursors.entries()) {
        const v = await c.next()
        if (v === undefined) continue
        open++
        got[i]?.push(v)
      }
    }
    for (const [i, k] of keys.entries())
      assert.deepEqual(plain(got[i] ?? []), plain(await drain(local.cursor(k, 0n, 5000n))))
    assert.equal(owners.requests.length, Math.ceil(SERIES / 256))
  })

  it('reads ahead the next series when a field is read series after series, a few at a time', async () => {
    const owners = new LocalOwners()
    const shard = remote(owners)
    for (const field of ['v', 'n']) {
      const sums = await mapInOrder(seriesKeys, 4, async (s) => {
        const frames = await drain(
          shard.cursor(joinTSMKey(s, field), 0n, 5000n, { chunkSize: 4096 }),
        )
        return plain(frames)
      })
      for (const [i, s] of seriesKeys.entries())
        assert.deepEqual(sums[i], plain(await drain(local.cursor(joinTSMKey(s, field), 0n, 5000n))))
    }
    const keys = owners.requests.flatMap((r) => r.items.map((i) => i.key))
    assert.equal(new Set(keys).size, keys.length, 'no key is fetched twice')
    // Every series once per field; beyond them only the measurement's last series was read ahead.
    assert.deepEqual(
      keys.filter((k) => !k.startsWith(LONG)).sort(),
      ['v', 'n'].flatMap((f) => seriesKeys.map((s) => joinTSMKey(s, f))).sort(),
    )
    assert.ok(keys.length <= 2 * SERIES + 2)
    assert.ok(
      owners.requests.length <= 16,
      `${owners.requests.length} requests for ${2 * SERIES} keys`,
    )
  })

  it('reads ahead in a second pass over the same keys too, and not for a single series', async () => {
    const owners = new LocalOwners()
    const shard = remote(owners)
    for (let pass = 0; pass < 2; pass++)
      for (const s of seriesKeys) await drain(shard.cursor(joinTSMKey(s, 'v'), 0n, 5000n))
    assert.ok(owners.requests.length <= 24, `${owners.requests.length} requests`)
    const one = new LocalOwners()
    const single = remote(one)
    for (const f of ['v', 'n', 's'])
      await drain(single.cursor(joinTSMKey('cpu,host=h5', f), 0n, 5000n))
    assert.deepEqual(
      one.requests.map((r) => r.items.length),
      [1, 1, 1],
    )
  })

  /**
   * Reads `field` of `series` in that order through a remote shard, each as the local shard
   * answers it; no key may be fetched twice, in at most `maxRequests` requests.
   */
  async function readsEachKeyOnce(
    series: readonly string[],
    field: string,
    maxRequests: number,
  ): Promise<void> {
    const owners = new LocalOwners()
    const shard = remote(owners)
    for (const s of series) {
      const key = joinTSMKey(s, field)
      assert.deepEqual(
        plain(await drain(shard.cursor(key, 0n, 5000n))),
        plain(await drain(local.cursor(key, 0n, 5000n))),
      )
    }
    const keys = owners.requests.flatMap((r) => r.items.map((i) => i.key))
    assert.equal(new Set(keys).size, keys.length, 'no key is fetched twice')
    assert.ok(
      owners.requests.length <= maxRequests,
      `${owners.requests.length} requests for ${series.length} series`,
    )
  }

  it('reads ahead when the series come in another order than their keys (GROUP BY a later tag)', async () => {
    // h0, h1, h2, … while the keys sort h0, h1, h10, h100, …
    const numeric = [...seriesKeys].sort((a, b) => Number(a.slice(10)) - Number(b.slice(10)))
    await readsEachKeyOnce(numeric, 'v', 40)
  })

  it('reads ahead in the order of a later tag when the series come in that order (GROUP BY host)', async () => {
    const disk = [...(local.index.measurements.get('disk')?.series.keys() ?? [])]
    const host = (k: string): string => k.slice(k.indexOf('host='))
    const byHost = disk.sort((a, b) => (host(a) < host(b) ? -1 : host(a) > host(b) ? 1 : 0))
    await readsEachKeyOnce(byHost, 'used', 12)
  })

  it('asks the next owner for the keys an owner did not deliver before it died mid-batch', async () => {
    const owners = new LocalOwners()
    // a sends the first batch (the long key's first page, 50 small keys: ~80 kB) and the first
    // frame of the long key's next page (8192 values, 131 kB), then dies inside the second frame.
    owners.owners.set('a', { shard: local, dieAfter: 250_000 })
    const shard = remote(owners, ['a', 'b'])
    const keys = [joinTSMKey(LONG, 'v'), ...seriesKeys.slice(0, 50).map((s) => joinTSMKey(s, 's'))]
    const cursors = keys.map((k) => shard.cursor(k, 0n, 2n ** 62n, { chunkSize: 1000 }))
    const got = await Promise.all(cursors.map(drain))
    for (const [i, k] of keys.entries())
      assert.deepEqual(plain(got[i] ?? []), plain(await drain(local.cursor(k, 0n, 2n ** 62n))))
    const first = owners.requests.find((r) => r.node === 'b')
    // The long key was cut mid-page: b continues after the last value a delivered.
    assert.deepEqual(
      first?.items.map((i) => [i.key, i.min]),
      [[joinTSMKey(LONG, 'v'), 4096n + 8192n]],
    )
    // Later batches go to the owner that answered.
    await drain(shard.cursor(joinTSMKey('cpu,host=h99', 'v')))
    assert.equal(owners.requests.at(-1)?.node, 'b')
  })

  it('names the shard and each owner when no owner answers', async () => {
    const owners = new LocalOwners()
    owners.owners.set('a', {})
    owners.owners.set('b', { shard: local, dieAfter: 10 })
    const shard = remote(owners, ['a', 'b'])
    await assert.rejects(
      shard.read(joinTSMKey('cpu,host=h1', 'v')),
      (err: unknown) =>
        err instanceof ShardUnavailableError &&
        err.code === 'ERR_QUERY_SHARD_UNAVAILABLE' &&
        /^shard 7: no owner of the shard answered \(node 1 at a: connection refused; node 2 at b: connection reset\)$/.test(
          err.message,
        ),
    )
  })

  it('keeps pages small while many cursors are open at once', async () => {
    const owners = new LocalOwners()
    const shard = remote(owners)
    const cursors = Array.from({ length: 1000 }, (_, i) =>
      shard.cursor(joinTSMKey(LONG, 'v'), BigInt(i * 140), 2n ** 62n, { chunkSize: 256 }),
    )
    const firsts = await Promise.all(cursors.map((c) => c.next()))
    assert.ok(firsts.every((v) => v !== undefined && v.times.length === 256))
    // 2M values over 1000 open cursors: pages of 2097 values.
    for (const r of owners.requests) for (const i of r.items) assert.equal(i.limit, 2097)
    await Promise.all(cursors.map((c) => c.close()))
  })
})

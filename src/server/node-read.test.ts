import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import {
  connect,
  createServer as createTCPServer,
  type AddressInfo,
  type Server as TCPServer,
} from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { joinTSMKey, Shard } from '../engine/index.js'
import { parsePoints, type Values } from '../lineprotocol/index.js'
import { type BatchItem, decodeFrames, RemoteShard, ShardUnavailableError } from '../query/index.js'
import { HTTPShardReadClient, serveRead } from './node-read.js'

const SERIES = 40
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function item(key: string, over: Partial<BatchItem> = {}): BatchItem {
  return {
    key,
    min: INT64_MIN,
    max: INT64_MAX,
    ascending: true,
    timesOnly: false,
    limit: 0,
    ...over,
  }
}

function plain(v: Values | undefined): unknown {
  return v === undefined ? undefined : { kind: v.kind, times: [...v.times], values: [...v.values] }
}

async function listening<T extends Server | TCPServer>(server: T): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('remote shard reads over the node API', () => {
  let dir: string
  let shard: Shard
  let owner: Server
  let address: string
  /** A proxy to the owner that cuts each connection after `cutAt` bytes of answer. */
  let proxy: TCPServer
  let proxyAddress: string
  let cutAt = 0
  let cuts = 0
  const client = new HTTPShardReadClient({ secret: '' })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidemark-node-read-'))
    shard = new Shard({
      id: 7,
      database: 'db',
      retentionPolicy: 'rp',
      path: join(dir, 'data'),
      walPath: join(dir, 'wal'),
      options: { background: false },
    })
    await shard.open()
    const lines: string[] = []
    for (let s = 0; s < SERIES; s++)
      for (let t = 0; t < 2000; t++) lines.push(`cpu,host=h${s} v=${s + t / 4},s="${s}-${t}" ${t}`)
    await shard.writePoints(
      parsePoints(new TextEncoder().encode(lines.join('\n')), { precision: 'n' }).points,
    )
    owner = createServer((req, res) => {
      void serveRead(req, res, { shard: (id) => (id === 7 ? shard : undefined) })
    })
    address = await listening(owner)
    proxy = createTCPServer((down) => {
      const up = connect(Number(address.split(':')[1]), '127.0.0.1')
      let sent = 0
      down.pipe(up)
      up.on('data', (d: Buffer) => {
        if (sent + d.length <= cutAt) {
          sent += d.length
          down.write(d)
          return
        }
        cuts++
        down.end(d.subarray(0, cutAt - sent), () => down.destroy())
        up.destroy()
      })
      up.on('error', () => down.destroy())
      down.on('error', () => up.destroy())
    })
    proxyAddress = await listening(proxy)
  })
  after(async () => {
    client.close()
    owner.closeAllConnections()
    await new Promise((done) => owner.close(done))
    await new Promise((done) => proxy.close(done))
    await shard.close()
    await rm(dir, { recursive: true, force: true })
  })

  function remote(owners: readonly string[]): RemoteShard {
    const place = {
      id: 7,
      database: 'db',
      retentionPolicy: 'rp',
      owners: owners.map((a, i) => ({ id: BigInt(i + 1), address: a })),
      preferred: 0,
    }
    const r = new RemoteShard(place, client)
    for (const [key, tags] of shard.index.measurements.get('cpu')?.series ?? [])
      r.index.addSeries(key, 'cpu', tags)
    return r
  }

  it('answers a batch with each key in order, cut at its limit, and false for a shard it does not hold', async () => {
    const got = new Map<number, Values[]>()
    const ends: [number, boolean][] = []
    const sink = {
      frame: (i: number, v: Values) => got.set(i, [...(got.get(i) ?? []), v]),
      end: (i: number, more: boolean) => ends.push([i, more]),
    }
    const items = [
      item(joinTSMKey('cpu,host=h1', 'v'), { limit: 100 }),
      item(joinTSMKey('cpu,host=h1', 'nope')),
      item(joinTSMKey('cpu,host=h2', 's'), { ascending: false, min: 1990n }),
    ]
    assert.equal(await client.readBatch(address, 7, items, sink), true)
    assert.deepEqual(ends, [
      [0, true],
      [1, false],
      [2, false],
    ])
    assert.deepEqual(
      got.get(0)?.flatMap((v) => [...v.times]),
      Array.from({ length: 100 }, (_, i) => BigInt(i)),
    )
    assert.equal(got.get(1), undefined)
    assert.deepEqual(
      got.get(2)?.flatMap((v) => [...v.values]),
      Array.from({ length: 10 }, (_, i) => `2-${1999 - i}`),
    )
    assert.equal(await client.readBatch(address, 8, items, sink), false)
    assert.deepEqual(
      plain(await client.values(address, 7, joinTSMKey('cpu,host=h3', 'v'), 5n, 1500n)),
      plain(await shard.read(joinTSMKey('cpu,host=h3', 'v'), 5n, 1500n)),
    )
  })

  it('still answers the single-key body of earlier versions, and refuses a bad batch naming the item', async () => {
    const key = joinTSMKey('cpu,host=h4', 'v')
    const r = await fetch(`http://${address}/read/shards/7/values`, {
      method: 'POST',
      body: JSON.stringify({ key, min: '10', max: '20' }),
    })
    assert.equal(r.status, 200)
    const frames = decodeFrames(new Uint8Array(await r.arrayBuffer()))
    assert.deepEqual(
      frames.flatMap((v) => [...v.times]),
      Array.from({ length: 11 }, (_, i) => BigInt(10 + i)),
    )
    const bad = await fetch(`http://${address}/read/shards/7/values`, {
      method: 'POST',
      body: JSON.stringify({
        items: [
          { key, min: '0', max: '1' },
          { key, min: 'x', max: '1' },
        ],
      }),
    })
    assert.equal(bad.status, 400)
    assert.match(
      ((await bad.json()) as { error: string }).error,
      /^bad batch read: item 1: min must be/,
    )
  })

  it('reads every series of a remote shard in a few batched requests, as the owner holds it', async () => {
    const r = remote([address])
    const series = Array.from({ length: SERIES }, (_, s) => `cpu,host=h${s}`).sort()
    for (const sk of series)
      for (const f of ['v', 's']) {
        const key = joinTSMKey(sk, f)
        assert.deepEqual(
          plain(await r.read(key, 100n, 1900n)),
          plain(await shard.read(key, 100n, 1900n)),
        )
      }
    assert.ok(r.batches <= 10, `${r.batches} requests for ${2 * SERIES} keys`)
  })

  it('reads the keys an owner did not deliver from the next owner when its connection is cut mid-answer', async () => {
    cutAt = 150_000
    cuts = 0
    const r = remote([proxyAddress, address])
    const keys = Array.from({ length: SERIES }, (_, s) => joinTSMKey(`cpu,host=h${s}`, 'v'))
    const cursors = keys.map((k) => r.cursor(k, INT64_MIN, INT64_MAX, { chunkSize: 500 }))
    for (const [i, c] of cursors.entries()) {
      const frames: Values[] = []
      for await (const v of c) frames.push(v)
      assert.deepEqual(
        frames.flatMap((v) => [...v.values]),
        [...((await shard.read(keys[i] ?? '')) as Values).values],
      )
    }
    assert.equal(cuts, 1)
  })

  it('fails with ShardUnavailableError naming each owner when none answers', async () => {
    cutAt = 500
    const dead = createServer()
    const deadAddress = await listening(dead)
    await new Promise((done) => dead.close(done))
    const r = remote([deadAddress, proxyAddress])
    await assert.rejects(
      r.read(joinTSMKey('cpu,host=h1', 'v')),
      (err: unknown) =>
        err instanceof ShardUnavailableError &&
        err.message.startsWith(
          `shard 7: no owner of the shard answered (node 1 at ${deadAddress}: `,
        ) &&
        err.message.includes(`; node 2 at ${proxyAddress}: `),
    )
  })
})

import { describe, it, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CQLeader, pingNode } from './cq-leader.js'

/** A node API stand-in answering /ping 204 on loopback; `hang` makes it never answer. */
async function pingServer(): Promise<{ server: Server; address: string; hang: { on: boolean } }> {
  const hang = { on: false }
  const server = createServer((req, res) => {
    if (hang.on) return
    res.writeHead(req.url === '/ping' ? 204 : 404)
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, hang }
}

/** A loopback address nobody listens on. */
async function deadAddress(): Promise<string> {
  const { server, address } = await pingServer()
  await new Promise((r) => server.close(r))
  return address
}

describe('CQ leader', () => {
  let live: Awaited<ReturnType<typeof pingServer>>
  let dead: string
  before(async () => {
    live = await pingServer()
    dead = await deadAddress()
  })
  after(() => {
    live.server.closeAllConnections()
    live.server.close()
  })

  const logger = { info: () => undefined }
  const leader = (self: bigint | undefined, nodes: [bigint, string][], cacheMs = 3000): CQLeader =>
    new CQLeader({
      nodes: {
        dataNodes: () => nodes.map(([id, tcpHost]) => ({ id, tcpHost })),
        localNodeID: () => self,
      },
      logger,
      timeoutMs: 200,
      cacheMs,
    })

  it('pings a node API: true when it answers, false when nothing listens or it hangs', async () => {
    assert.equal(await pingNode(live.address, 500), true)
    assert.equal(await pingNode(dead, 500), false)
    live.hang.on = true
    try {
      assert.equal(await pingNode(live.address, 100), false)
    } finally {
      live.hang.on = false
    }
  })

  it('runs on the lowest ID, and on a higher one only while no lower node answers', async () => {
    assert.equal(
      await leader(1n, [
        [1n, 'x:1'],
        [2n, live.address],
      ]).runsHere(),
      true,
    )
    assert.equal(
      await leader(2n, [
        [1n, live.address],
        [2n, 'x:2'],
      ]).runsHere(),
      false,
    )
    assert.equal(
      await leader(2n, [
        [1n, dead],
        [2n, 'x:2'],
      ]).runsHere(),
      true,
    )
    assert.equal(
      await leader(3n, [
        [1n, dead],
        [2n, live.address],
        [3n, 'x:3'],
      ]).runsHere(),
      false,
    )
  })

  it('always runs on a single node, never while its own ID is unknown in a cluster', async () => {
    assert.equal(await leader(undefined, []).runsHere(), true)
    assert.equal(await leader(undefined, [[1n, live.address]]).runsHere(), true)
    assert.equal(
      await leader(undefined, [
        [1n, dead],
        [2n, dead],
      ]).runsHere(),
      false,
    )
  })

  it('trusts an answer for cacheMs, then asks again: a leader that stops answering is replaced', async () => {
    const l = leader(
      2n,
      [
        [1n, live.address],
        [2n, 'x:2'],
      ],
      100,
    )
    assert.equal(await l.runsHere(), false)
    live.hang.on = true
    try {
      assert.equal(await l.runsHere(), false, 'the cached answer')
      await new Promise((r) => setTimeout(r, 120))
      assert.equal(await l.runsHere(), true)
    } finally {
      live.hang.on = false
    }
    await new Promise((r) => setTimeout(r, 120))
    assert.equal(await l.runsHere(), false, 'the lower node answers again')
  })
})

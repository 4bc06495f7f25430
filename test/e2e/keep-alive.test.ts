// Idle keep-alive connections stay usable, as with influxd (Go's server has no idle timeout):
// clients such as Telegraf reuse a connection after their flush interval, and a server that had
// closed it makes their next write fail. Checked on the HTTP API, the meta API and the node API.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { startTidemarkd } from '../helpers/tidemarkd.js'

/** Sends two GET /ping requests on one TCP connection, `idleMs` apart; resolves to both status lines. */
function twoPingsOneConnection(hostPort: string, idleMs: number): Promise<string[]> {
  const i = hostPort.lastIndexOf(':')
  return new Promise((done, fail) => {
    const socket = connect(Number(hostPort.slice(i + 1)), hostPort.slice(0, i))
    const ping = `GET /ping HTTP/1.1\r\nHost: ${hostPort}\r\n\r\n`
    let got = ''
    const statuses: string[] = []
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1')
      for (let end = got.indexOf('\r\n\r\n'); end >= 0; end = got.indexOf('\r\n\r\n')) {
        statuses.push(got.slice(0, got.indexOf('\r\n')))
        got = got.slice(end + 4)
        if (statuses.length === 1) setTimeout(() => socket.write(ping), idleMs)
        else socket.end()
      }
    })
    socket.on('close', () => done(statuses))
    socket.on('error', fail)
    socket.write(ping)
  })
}

describe('keep-alive connections', () => {
  it('stay open while idle (6 s, past Node’s 5 s default) on every port', async () => {
    const s = await startTidemarkd()
    try {
      const show = (await (await fetch(`http://${s.metaAddress}/show`)).json()) as {
        dataNodes: { tcpAddr: string }[]
      }
      const ports = [new URL(s.url).host, s.metaAddress, show.dataNodes[0]?.tcpAddr ?? '']
      const results = await Promise.all(ports.map((p) => twoPingsOneConnection(p, 6_000)))
      for (const [k, r] of results.entries())
        assert.deepEqual(r, ['HTTP/1.1 204 No Content', 'HTTP/1.1 204 No Content'], ports[k])
    } finally {
      await s.stop()
    }
  })
})

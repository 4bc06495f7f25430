// Listening and closing for the small node:http servers of Tidemark (meta API, node API).
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Listens on `host:port` (an empty host means every interface; port 0 picks a free port) and
 * resolves to the bound `host:port`. Rejects with the listen error (EADDRINUSE carries its address).
 */
/**
 * Gives `server` the connection lifetimes of Go's net/http server as influxd runs it: idle
 * keep-alive connections stay open (Node closes them after 5 s, so a client reusing one — Go's
 * transport keeps them 90 s, Telegraf flushes every 10 s — sees its next write fail with EOF or
 * "other side closed"), and a long upload is never cut off (Node's default: 5 minutes).
 */
export function keepConnectionsLikeGo(server: Server): void {
  server.keepAliveTimeout = 0
  server.requestTimeout = 0
}

export async function listenOn(server: Server, bindAddress: string): Promise<string> {
  const i = bindAddress.lastIndexOf(':')
  const host = bindAddress.slice(0, i) || '0.0.0.0'
  const port = Number(bindAddress.slice(i + 1))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const a = server.address() as AddressInfo
  return `${a.address}:${a.port}`
}

/** Stops accepting, drops idle keep-alive connections and waits for the rest. Idempotent. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return
  server.closeIdleConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

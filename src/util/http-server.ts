// Listening and closing for the small node:http servers of Tidemark (meta API, node API).
import type { Server } from 'node:http'
import type { AddressInfo, Server as NetServer } from 'node:net'

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

/**
 * Listens on `host:port` (an empty host means every interface; port 0 picks a free port) and
 * resolves to the bound `host:port`. Rejects with the listen error (EADDRINUSE carries its address).
 * With `takeOver`, a listening server, `server` takes over its socket instead of binding: new
 * connections go to `server` from then on, and the port is never free in between (`takeOver`
 * must then be dropped, not closed: closing it would close the shared socket).
 */
export async function listenOn(
  server: Server,
  bindAddress: string,
  takeOver?: NetServer,
): Promise<string> {
  const i = bindAddress.lastIndexOf(':')
  const host = bindAddress.slice(0, i) || '0.0.0.0'
  const port = Number(bindAddress.slice(i + 1))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    const done = (): void => {
      server.off('error', reject)
      resolve()
    }
    if (takeOver !== undefined) server.listen(takeOver, done)
    else server.listen(port, host, done)
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

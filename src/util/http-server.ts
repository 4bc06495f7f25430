// Listening and closing for the small node:http servers of Tidemark (meta API, node API).
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Listens on `host:port` (an empty host means every interface; port 0 picks a free port) and
 * resolves to the bound `host:port`. Rejects with the listen error (EADDRINUSE carries its address).
 */
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

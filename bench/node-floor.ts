// The least a restore written for Node.js can take on this machine: a new Node.js process sends
// the tar of a shard archive over HTTP (chunked, as tidemark-ctl uploads it) to another new
// Node.js process, which writes it to one file, fsyncs it and answers. No checks, no tar framing,
// no planning, no commit: what is left is two processes starting, node:http, the copies through
// the kernel and V8 compiling the hot paths of a fresh process. bench/backup.ts prints it beside
// both restores, so a ratio to influxd can be read against what the runtime itself costs.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** Receives one upload into a new file in the directory `argv[1]`; prints its port first. */
const SERVER = `
const http = require('node:http'), fs = require('node:fs/promises'), path = require('node:path')
let n = 0
http.createServer(async (req, res) => {
  const fh = await fs.open(path.join(process.argv[1], 'upload' + n++), 'wx', 0o600)
  let pieces = [], bytes = 0, at = 0, writing = Promise.resolve()
  const flush = async () => { await writing; writing = fh.writev(pieces, at); at += bytes; pieces = []; bytes = 0 }
  for await (const piece of req) { pieces.push(piece); bytes += piece.length; if (bytes >= 1 << 20) await flush() }
  await flush(); await writing; await fh.sync(); await fh.close()
  res.writeHead(204).end()
}).listen(0, '127.0.0.1', function () { console.log(this.address().port) })
`

/** Uploads the file `argv[1]` to port `argv[2]`, a megabyte per write, and exits on the answer. */
const CLIENT = `
const fs = require('node:fs'), http = require('node:http')
const fd = fs.openSync(process.argv[1], 'r')
const req = http.request({ host: '127.0.0.1', port: Number(process.argv[2]), method: 'PUT', path: '/' }, (res) => {
  res.resume(); res.on('end', () => process.exit(res.statusCode === 204 ? 0 : 1))
})
const pump = () => {
  for (;;) {
    const buf = Buffer.allocUnsafe(1 << 20)
    const n = fs.readSync(fd, buf, 0, buf.length, null)
    if (n === 0) return req.end()
    if (!req.write(buf.subarray(0, n))) return req.once('drain', pump)
  }
}
pump()
`

async function startServer(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER, dir], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (line: Buffer) => resolve(Number(line.toString().trim())))
    child.once('exit', (code) => reject(new Error(`the floor's server exited with ${code}`)))
  })
  return { child, port }
}

/**
 * The median seconds, over `rounds`, of a new client process uploading `tarFile` to a new server
 * process (started and listening before the clock starts, as the restores' servers are), after
 * `sync` and a pause of `quietMs`.
 */
export async function nodeUploadFloor(
  tarFile: string,
  rounds: number,
  quietMs: number,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const times: number[] = []
  for (let r = 0; r < rounds; r++) {
    const dir = mkdtempSync(join(tarFile, '..', 'floor-'))
    const { child, port } = await startServer(dir, env)
    try {
      execFileSync('sync')
      await new Promise((done) => setTimeout(done, quietMs))
      const t0 = performance.now()
      const client = spawn(process.execPath, ['-e', CLIENT, tarFile, String(port)], {
        env,
        stdio: 'ignore',
      })
      const [code] = (await once(client, 'exit')) as [number | null]
      if (code !== 0) throw new Error(`the floor's upload exited with ${code}`)
      times.push((performance.now() - t0) / 1000)
    } finally {
      if (child.exitCode === null) {
        child.kill()
        await once(child, 'exit')
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
  times.sort((x, y) => x - y)
  return times[Math.floor(times.length / 2)] ?? Number.NaN
}

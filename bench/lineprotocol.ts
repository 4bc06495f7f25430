// Throughput of the line protocol parser and formatter on about a million realistic lines held in
// memory: lines and megabytes per second for parsePoints on one core (best of 3 runs), and points
// per second for formatPoint. The lines are cut into request bodies of 5,000 lines, as clients
// batch them (influxd refuses bodies above 25 MB), and each body's points are dropped after it is
// parsed, as the write path does once they are in the cache. Timing is measured here, never
// asserted in tests.
// Run: npx tsc -b && node dist/bench/lineprotocol.js

import { pathToFileURL } from 'node:url'
import { KeyCache, formatPoint, parsePoints } from '../src/lineprotocol/index.js'
import type { Point } from '../src/lineprotocol/index.js'

const LINES = 1_000_000
const LINES_PER_BODY = 5_000
const T0 = 1_600_000_000_000_000_000n

/** A deterministic pseudo-random generator (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Builds `n` lines like a fleet of agents writes them: four measurements, 1000 hosts in four
 * regions, two to four fields of every common type, 10-second timestamps per batch of hosts.
 */
export function generateLines(n: number, seed = 1): string[] {
  const r = rng(seed)
  const regions = ['us-west', 'us-east', 'eu-central', 'ap-south']
  const parts: string[] = []
  for (let i = 0; i < n; i++) {
    const host = i % 1000
    const hostName = `server${String(host).padStart(4, '0')}`
    const region = regions[host % 4] ?? 'us-west'
    const ts = T0 + BigInt(Math.floor(i / 1000)) * 10_000_000_000n + BigInt(host)
    switch (i % 4) {
      case 0:
        parts.push(
          `cpu,host=${hostName},region=${region} usage_user=${(r() * 100).toFixed(2)},usage_system=${Math.floor(r() * 40)}i,ok=true ${ts}`,
        )
        break
      case 1:
        parts.push(
          `mem,host=${hostName},region=${region} used=${Math.floor(r() * 2 ** 34)}i,used_percent=${(r() * 100).toFixed(4)},available=${Math.floor(r() * 2 ** 33)}i ${ts}`,
        )
        break
      case 2:
        parts.push(
          `disk,device=sda${host % 3},host=${hostName},path=/data,region=${region} free=${Math.floor(r() * 2 ** 40)}i,inodes_used=${Math.floor(r() * 1e6)}i ${ts}`,
        )
        break
      default:
        parts.push(
          `net,host=${hostName},interface=eth0,region=${region} bytes_recv=${Math.floor(r() * 2 ** 45)}i,drop_in=0i,err_in=${r() < 0.01 ? 1 : 0}i,up=${r() < 0.99 ? 't' : 'f'},state="${r() < 0.5 ? 'ok' : 'degraded'}" ${ts}`,
        )
    }
  }
  return parts
}

/** Joins `lines` into request bodies of `perBody` lines each. */
function toBodies(lines: readonly string[], perBody: number): Uint8Array[] {
  const bodies: Uint8Array[] = []
  for (let i = 0; i < lines.length; i += perBody) {
    bodies.push(new Uint8Array(Buffer.from(lines.slice(i, i + perBody).join('\n') + '\n')))
  }
  return bodies
}

/** Runs `fn` three times and returns the fastest run in milliseconds. */
function bestOf3(fn: () => void): number {
  let best = Infinity
  for (let k = 0; k < 3; k++) {
    const start = performance.now()
    fn()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

/** Measures parsePoints and formatPoint and prints the rates. */
export async function benchLineProtocol(): Promise<void> {
  const bodies = toBodies(generateLines(LINES), LINES_PER_BODY)
  const bytes = bodies.reduce((n, b) => n + b.length, 0)
  const mb = bytes / 1e6
  for (const shared of [true, false]) {
    // A writer keeps one KeyCache for all requests; without it each body decodes its keys anew.
    const keyCache = shared ? new KeyCache() : undefined
    let parsed = 0
    let errors = 0
    const parseMs = bestOf3(() => {
      parsed = 0
      errors = 0
      for (const body of bodies) {
        const res = parsePoints(
          body,
          keyCache === undefined ? { precision: 'n' } : { precision: 'n', keyCache },
        )
        parsed += res.points.length
        errors += res.errors.length
      }
    })
    if (parsed !== LINES || errors !== 0) {
      throw new Error(`benchmark data did not parse: ${parsed} points, ${errors} errors`)
    }
    console.log(
      `parsePoints (${shared ? 'shared KeyCache' : 'cache per body'}): ${LINES} lines in ${bodies.length} bodies, ` +
        `${mb.toFixed(1)} MB in ${parseMs.toFixed(0)} ms: ` +
        `${(((LINES / parseMs) * 1000) / 1e6).toFixed(2)} M lines/s, ${((mb / parseMs) * 1000).toFixed(0)} MB/s`,
    )
  }
  const points: Point[] = []
  for (const body of bodies.slice(0, 40)) points.push(...parsePoints(body).points)
  let chars = 0
  const formatMs = bestOf3(() => {
    chars = 0
    for (const p of points) chars += formatPoint(p).length
  })
  console.log(
    `formatPoint: ${points.length} points in ${formatMs.toFixed(0)} ms: ` +
      `${(((points.length / formatMs) * 1000) / 1e6).toFixed(2)} M points/s (${(chars / 1e6).toFixed(0)} M chars)`,
  )
  await Promise.resolve()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchLineProtocol()
}

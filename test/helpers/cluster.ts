// Helpers the cluster e2e tests share: hinted-handoff settings that retry fast, the owners of each
// shard as `tidemark-ctl show-shards` lists them, and queries whose answer text is checked.
import assert from 'node:assert/strict'
import { ctl } from './cli.js'
import type { TidemarkdHandle } from './tidemarkd.js'

/** Data node settings for tests: hinted handoff retries every 100–300 ms, shard writes time out in 2 s. */
export const FAST_HANDOFF_ENV = {
  TIDEMARK_HINTED_HANDOFF_RETRY_INTERVAL: '100ms',
  TIDEMARK_HINTED_HANDOFF_RETRY_MAX_INTERVAL: '300ms',
  TIDEMARK_COORDINATOR_SHARD_WRITER_TIMEOUT: '2s',
} as const

/** Shard ID → owner addresses, from show-shards on the meta node. */
export async function shardOwners(meta: TidemarkdHandle): Promise<Map<string, string[]>> {
  const r = await ctl(['-bind', meta.metaAddress, 'show-shards'])
  assert.equal(r.code, 0, r.stderr)
  const out = new Map<string, string[]>()
  for (const line of r.stdout.split('\n').slice(3)) {
    const m = /^(\d+)\s.*\[(.*)\]$/.exec(line)
    if (m !== null)
      out.set(
        m[1] ?? '',
        [...(m[2] ?? '').matchAll(/\{\d+ (\S+)\}/g)].map((x) => x[1] ?? ''),
      )
  }
  return out
}

/** The answer text of `q` on database `db` of `node`. */
export async function queryText(node: TidemarkdHandle, q: string): Promise<string> {
  const r = await fetch(`${node.url}/query?${new URLSearchParams({ q, db: 'db' })}`)
  return r.text()
}

/** Runs `q` on database `db` of `node`, failing the test if the answer holds an error. */
export async function queryOk(node: TidemarkdHandle, q: string): Promise<void> {
  const text = await queryText(node, q)
  assert.ok(!text.includes('"error"'), `${q}: ${text}`)
}

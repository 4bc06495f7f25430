// An influxd and a tidemarkd side by side, with a scratch directory, for the interop tests that
// move a backup from one to the other.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startInfluxd, type InfluxdHandle } from './influxd.js'
import { startTidemarkd, type TidemarkdHandle } from './tidemarkd.js'

/** Both servers and the directory `withPeers` gives its body. */
export interface Peers {
  readonly dir: string
  readonly influxd: InfluxdHandle
  readonly tidemark: TidemarkdHandle
}

/**
 * Runs `body` with a new directory (named after `prefix`), a fresh influxd and a fresh tidemarkd;
 * stops both and removes the directory afterwards, whatever happens.
 */
export async function withPeers(
  prefix: string,
  body: (peers: Peers) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  let influxd: InfluxdHandle | undefined
  let tidemark: TidemarkdHandle | undefined
  try {
    // Started inside the try: if the second does not start, the first is stopped all the same.
    influxd = await startInfluxd()
    tidemark = await startTidemarkd()
    await body({ dir, influxd, tidemark })
  } finally {
    await influxd?.stop()
    await tidemark?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

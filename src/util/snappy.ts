// snappy, loaded on first use: it is a native addon that takes ~12 ms to load, and most runs of
// the command-line tools (a backup, a restore) never read a WAL or a string block.
import { createRequire } from 'node:module'
import type * as SnappyModule from 'snappy'

type Snappy = typeof SnappyModule

let loaded: Snappy | undefined

/** The snappy module. */
export function snappy(): Snappy {
  loaded ??= createRequire(import.meta.url)('snappy') as Snappy
  return loaded
}

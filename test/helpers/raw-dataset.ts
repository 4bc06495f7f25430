// Test and benchmark fixture: a large raw dataset written straight into a tidemarkd root (a
// metastore with one database and one shard group, and one TSM file written with our TSMWriter),
// which is far faster than HTTP writes for millions of points. Start tidemarkd on the root after.

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { joinTSMKey } from '../../src/engine/index.js'
import { MetaData, MetaFileStore } from '../../src/meta/index.js'
import { formatTSMFileName, TSMWriter } from '../../src/tsm/index.js'

/** The shape of the dataset: `m,host=hNNN v=<float>` every `stepNs` per series. */
export interface RawDatasetOptions {
  readonly database: string
  readonly series: number
  readonly pointsPerSeries: number
  /** Default: the start of the 7-day shard group holding 2020-09-13. */
  readonly startNs?: bigint
  /** Default 1 s; series × step must keep the data inside one 7-day shard group. */
  readonly stepNs?: bigint
}

const WEEK_NS = 7n * 86_400n * 1_000_000_000n

/** Writes the dataset under `root` (meta/ and data/); returns the number of points and the time range. */
export async function writeRawDataset(
  root: string,
  o: RawDatasetOptions,
): Promise<{ points: number; startNs: bigint; endNs: bigint }> {
  const startNs = o.startNs ?? (1_600_000_000_000_000_000n / WEEK_NS) * WEEK_NS
  const stepNs = o.stepNs ?? 1_000_000_000n
  const endNs = startNs + BigInt(o.pointsPerSeries) * stepNs
  if (endNs - startNs > WEEK_NS) throw new Error('the dataset must fit in one shard group')
  const meta = MetaData.empty(1n)
    .createDatabase(o.database)
    .createShardGroup(o.database, 'autogen', startNs)
  const shardID = meta.shardGroupByTimestamp(o.database, 'autogen', startNs)?.shards[0]?.id
  if (shardID === undefined) throw new Error('no shard was created')
  await mkdir(join(root, 'meta'), { recursive: true })
  await new MetaFileStore(join(root, 'meta')).save(meta)
  const dir = join(root, 'data', o.database, 'autogen', String(shardID))
  await mkdir(dir, { recursive: true })
  const writer = await TSMWriter.create(join(dir, formatTSMFileName(1, 1)))
  const width = String(o.series - 1).length
  const names = Array.from(
    { length: o.series },
    (_, s) => `h${String(s).padStart(width, '0')}`,
  ).sort()
  const times = new BigInt64Array(o.pointsPerSeries)
  for (let i = 0; i < o.pointsPerSeries; i++) times[i] = startNs + BigInt(i) * stepNs
  const values = new Float64Array(o.pointsPerSeries)
  let seed = 1
  for (const host of names) {
    let level = 50
    for (let i = 0; i < values.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648
      level += (seed / 2147483648 - 0.5) * 2
      values[i] = Math.round(level * 100) / 100
    }
    await writer.write(joinTSMKey(`m,host=${host}`, 'v'), { kind: 'float', times, values })
  }
  await writer.finish()
  return { points: o.series * o.pointsPerSeries, startNs, endNs }
}

// Child process of the engine crash test: opens one shard with aggressive snapshot and compaction
// settings, writes numbered batches forever, and prints `ack <batch>` after each write resolves
// (i.e. after its WAL entry was fsynced). The parent kills it with SIGKILL at a random moment.
import { Shard } from '../../src/engine/index.js'
import { parsePoints } from '../../src/lineprotocol/index.js'
import { batchLines, SERIES } from './engine-crash-data.js'

const [dir, firstArg] = process.argv.slice(2)
if (dir === undefined || firstArg === undefined)
  throw new Error('usage: engine-crash-child DIR FIRST_BATCH')
const shard = new Shard({
  id: 1,
  database: 'db',
  retentionPolicy: 'rp',
  path: `${dir}/data/db/rp/1`,
  walPath: `${dir}/wal/db/rp/1`,
  options: {
    cacheSnapshotMemorySizeBytes: 48 * 1024,
    cacheSnapshotWriteColdDurationMs: 50,
    compactFullWriteColdDurationMs: 150,
    checkIntervalMs: 20,
    maxPointsPerBlock: 100,
    walMaxSegmentSizeBytes: 32 * 1024,
  },
})
await shard.open()
process.stdout.write('ready\n')
const enc = new TextEncoder()
for (let batch = Number(firstArg); ; batch++) {
  const { points } = parsePoints(enc.encode(batchLines(batch)), {})
  await shard.writePoints(points)
  process.stdout.write(`ack ${batch}\n`)
  // Now and then pause, so the cold snapshot and full compaction paths run too.
  if (batch % 7 === 0) await new Promise((r) => setTimeout(r, 60 + (batch % 5) * 40))
}
void SERIES

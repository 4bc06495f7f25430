// The child process of the WAL crash test (wal-crash.test.ts): opens and replays the WAL in
// argv[2], then writes batches from id argv[3] upwards with several writes in flight, printing
// `ack <id>` only after a write's promise resolved (i.e. after its fsync). The parent kills it
// with SIGKILL at a random moment and checks that every acknowledged batch survived.

import { WAL } from './index.js'
import { crashBatch } from './wal-crash-batch.js'

async function main(): Promise<void> {
  const [dir, first, maxSize] = process.argv.slice(2)
  if (dir === undefined || first === undefined || maxSize === undefined) {
    throw new Error('usage: wal-crash-child <dir> <first batch id> <max segment bytes>')
  }
  const wal = new WAL(dir, { maxSegmentSizeBytes: Number(maxSize) })
  await wal.open()
  await wal.replay(() => undefined)
  process.stdout.write('ready\n')
  let next = Number(first)
  const worker = async (): Promise<void> => {
    for (;;) {
      const id = next++
      await wal.writeValues(crashBatch(id))
      // Pipes are written synchronously on Linux, so the parent sees every line printed.
      process.stdout.write(`ack ${id}\n`)
      if (id % 37 === 0) await wal.rollSegment()
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`)
  process.exit(1)
})

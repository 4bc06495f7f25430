// tidemark-inspect dumptsm on TSM files written by influxd 1.6.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { TSMReader } from '../tsm/index.js'
import { STORAGE_FIXTURES, captureIO } from './inspect-test-support.js'
import { main } from './tidemark-inspect.js'

const shard2gen2 = join(STORAGE_FIXTURES, 'tsm/data/db0/autogen/2/000000002-000000001.tsm')
const shard1gen1 = join(STORAGE_FIXTURES, 'tsm/data/db0/autogen/1/000000001-000000001.tsm')

async function dump(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO()
  const code = await main(['dumptsm', ...args], io)
  return { code, out: io.stdout.text, err: io.stderr.text }
}

describe('tidemark-inspect dumptsm', () => {
  it('summarises a file: path, time range, duration, key count and size', async () => {
    const r = await dump([shard2gen2])
    assert.equal(r.code, 0)
    // Batch b wrote points 1200..2499 of `big` (1 s apart, four fields) into generation 2.
    assert.ok(
      r.out.startsWith(
        'Summary:\n' +
          `  File: ${shard2gen2}\n` +
          '  Time Range: 2020-01-06T00:20:00Z - 2020-01-06T00:41:39Z\n' +
          `  Duration: 21m39s   Series: 4   File Size: ${statSync(shard2gen2).size}\n\n`,
      ),
      r.out,
    )
    assert.match(r.out, /\n  Points:\n    Total: 5200\n/)
    assert.match(r.out, /\n    Total: 8 Size: \d+ Min: \d+ Max: \d+ Avg: \d+\n/)
    assert.ok(!r.out.includes('\nIndex:\n') && !r.out.includes('\nBlocks:\n'))
  })

  it('lists every index entry with -index, without the keys tombstones deleted', async () => {
    const r = await dump(['-index', shard1gen1])
    assert.equal(r.code, 0)
    const reader = await TSMReader.open(shard1gen1)
    const entries = [...reader.keys()].flatMap((k) => reader.entries(k).map((e) => ({ k, e })))
    await reader.close()
    const rows = r.out.split('\n').filter((l) => /^ {2}\d+ /.test(l))
    assert.equal(rows.length, entries.length)
    const first = entries[0]
    assert.ok(first !== undefined)
    assert.match(
      rows[0] ?? '',
      new RegExp(
        `^  1 +\\S+ +\\S+ +${first.e.offset} +${first.e.size} +cpu,host=server01,region=us-west +procs$`,
      ),
    )
    // DROP SERIES … host = 'server03' tombstoned those keys for all time.
    assert.ok(!r.out.includes('server03'))
    assert.match(r.out, /Series: 10 /)
  })

  it('lists every block with -blocks: offset, type, points and encodings', async () => {
    const r = await dump(['-blocks', shard2gen2])
    assert.equal(r.code, 0)
    const rows = r.out.split('\n').filter((l) => /^ {2}\d+ /.test(l))
    assert.equal(rows.length, 8)
    assert.match(
      rows[0] ?? '',
      /^ {2}0 +\d+ +5 +\d+ +bool +2020-01-06T00:20:00Z +1000 +rle\/bp +\d+\/\d+$/,
    )
    assert.ok(rows.some((l) => / float64 .* 300 +rle\/gor /.test(l)))
    assert.ok(rows.some((l) => / string .* rle\/snpy /.test(l)))
    assert.match(r.out, /\n    Bool: bp: 2 \(25%\)\n/)
  })

  it('shows only matching keys with -filter-key, and both sections with -all', async () => {
    const r = await dump(['-all', '-filter-key', 'edge_', shard1gen1])
    assert.equal(r.code, 0)
    assert.ok(r.out.includes('\nIndex:\n') && r.out.includes('\nBlocks:\n'))
    const rows = r.out.split('\n').filter((l) => /^ {2}\d+ /.test(l))
    assert.equal(rows.length, 8) // 4 index rows + 4 block rows (edge_bool/float/int/string)
    assert.ok(!rows.some((l) => l.includes('cpu')))
    assert.match(r.out, /\n  Points:\n    Total: 54\n/) // 10 + 22 + 10 + 12 points
  })

  it('exits 1 for a missing file or a missing argument', async () => {
    const missing = await dump([join(STORAGE_FIXTURES, 'nope.tsm')])
    assert.equal(missing.code, 1)
    assert.match(missing.err, /^Error opening TSM file: ENOENT/)
    const none = await dump([])
    assert.equal(none.code, 1)
    assert.match(none.err, /^dumptsm needs exactly one TSM file path\nDumps low-level details/)
  })
})

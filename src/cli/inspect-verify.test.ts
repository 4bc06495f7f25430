// tidemark-inspect verify on the influxd fixtures (healthy) and on damaged copies.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TSMReader } from '../tsm/index.js'
import { findFiles } from './inspect-files.js'
import { STORAGE_FIXTURES, captureIO, copyScenario, removeDir } from './inspect-test-support.js'
import { main } from './tidemark-inspect.js'

async function blockCount(paths: readonly string[]): Promise<number> {
  let n = 0
  for (const p of paths) {
    const r = await TSMReader.open(p, { applyTombstones: false })
    for (const key of r.keys()) n += r.entries(key).length
    await r.close()
  }
  return n
}

describe('tidemark-inspect verify', () => {
  it('reports every TSM file of the influxd fixture healthy and exits 0', async () => {
    const root = join(STORAGE_FIXTURES, 'tsm')
    const files = await findFiles(root, '.tsm')
    assert.equal(files.length, 12)
    const io = captureIO()
    assert.equal(await main(['verify', '-dir', root], io), 0)
    const lines = io.stdout.text.trimEnd().split('\n')
    assert.deepEqual(
      lines.slice(0, -1),
      files.map((f) => `${f}: healthy`),
    )
    assert.match(
      lines.at(-1) ?? '',
      new RegExp(`^Broken Blocks: 0 / ${await blockCount(files)}, in \\d+\\.\\d{3}s$`),
    )
    assert.equal(io.stderr.text, '')
  })

  it('reports 0 / 0 for a directory without TSM files', async () => {
    const io = captureIO()
    assert.equal(await main(['verify', '-dir', join(STORAGE_FIXTURES, 'wal-only')], io), 0)
    assert.match(io.stdout.text, /^Broken Blocks: 0 \/ 0, in \d+\.\d{3}s\n$/)
  })

  it('names the key and offset of a block with a flipped bit, and exits 1', async () => {
    const copy = copyScenario('tsm')
    try {
      const victim = join(copy, 'data/db1/autogen/10/000000001-000000001.tsm')
      const reader = await TSMReader.open(victim)
      const firstKey = [...reader.keys()].find((k) => reader.entries(k).some((e) => e.offset === 5))
      const total = await blockCount([victim])
      await reader.close()
      assert.ok(firstKey !== undefined)
      const bytes = readFileSync(victim)
      bytes[20] = (bytes[20] ?? 0) ^ 0x10
      writeFileSync(victim, bytes)
      const io = captureIO()
      assert.equal(await main(['verify', '-dir', join(copy, 'data', 'db1')], io), 1)
      const text = io.stdout.text
      assert.ok(
        text.includes(`${victim}: broken block 0 of key ${firstKey} at offset 5 (`),
        `broken block line in:\n${text}`,
      )
      assert.match(text, /checksum mismatch: expected [0-9a-f]{8}, found [0-9a-f]{8}\n/)
      assert.ok(!text.includes(`${victim}: healthy`))
      assert.match(text, /: healthy\n/) // the other files of db1
      const all = await blockCount(await findFiles(join(copy, 'data', 'db1'), '.tsm'))
      assert.ok(total < all)
      assert.match(text, new RegExp(`Broken Blocks: 1 / ${all}, in `))
    } finally {
      removeDir(copy)
    }
  })

  it('reports a file that cannot be opened and exits 1', async () => {
    const copy = copyScenario('tsm')
    try {
      const victim = join(copy, 'data/db0/rp_long/5/000000001-000000001.tsm')
      truncateSync(victim, statSync(victim).size - 3)
      const io = captureIO()
      assert.equal(await main(['verify', '-dir', join(copy, 'data', 'db0', 'rp_long')], io), 1)
      assert.match(io.stdout.text, new RegExp(`^${victim}: cannot be read: corrupt TSM file`, 'm'))
      assert.match(io.stdout.text, /^Unreadable Files: 1 \/ 3\n/m)
    } finally {
      removeDir(copy)
    }
  })

  it('refuses unknown flags and a missing directory with exit code 1', async () => {
    const io = captureIO()
    assert.equal(await main(['verify', '-bogus'], io), 1)
    assert.match(io.stderr.text, /^flag provided but not defined: -bogus\n/)
    const io2 = captureIO()
    assert.equal(await main(['verify', '-dir', join(STORAGE_FIXTURES, 'no-such-dir')], io2), 1)
    assert.match(io2.stderr.text, /^verify: ENOENT/)
  })
})

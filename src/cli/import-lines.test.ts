import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { readSourceLines } from './import-lines.js'
import { ImportInputError } from './import-errors.js'

async function collect(path: string, compressed = false): Promise<[number, string][]> {
  const out: [number, string][] = []
  for await (const group of readSourceLines(path, compressed))
    for (const l of group) out.push([l.lineNo, l.bytes.toString('latin1')])
  return out
}

describe('import file reader', () => {
  let dir = ''
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-import-lines-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('numbers lines, keeps CR and empty lines, and returns a last line without newline', async () => {
    const p = join(dir, 'a.txt')
    writeFileSync(p, 'one\r\n\ntwo\nlast')
    assert.deepEqual(await collect(p), [
      [1, 'one\r'],
      [2, ''],
      [3, 'two'],
      [4, 'last'],
    ])
  })

  it('joins lines that straddle the 64 KiB read chunks', async () => {
    const p = join(dir, 'big.txt')
    const lines = Array.from({ length: 40_000 }, (_, i) => `line-${i}-${'x'.repeat(i % 97)}`)
    writeFileSync(p, lines.join('\n') + '\n')
    const got = await collect(p)
    assert.equal(got.length, lines.length)
    got.forEach(([n, text], i) => {
      assert.equal(n, i + 1)
      assert.equal(text, lines[i])
    })
  })

  it('reads gzip input with -compressed', async () => {
    const p = join(dir, 'a.gz')
    writeFileSync(p, gzipSync('# DDL\nx\n'))
    assert.deepEqual(await collect(p, true), [
      [1, '# DDL'],
      [2, 'x'],
    ])
  })

  it("fails with influx's texts: missing file, not gzip, truncated gzip, a directory", async () => {
    const missing = join(dir, 'nope.txt')
    await assert.rejects(
      collect(missing),
      (e: unknown) =>
        e instanceof ImportInputError &&
        e.message === `open ${missing}: no such file or directory` &&
        e.code === 'ERR_CLI_IMPORT_INPUT',
    )
    const plain = join(dir, 'plain.txt')
    writeFileSync(plain, 'not gzip at all\n')
    await assert.rejects(
      collect(plain, true),
      (e: unknown) => e instanceof ImportInputError && e.message === 'gzip: invalid header',
    )
    const cut = join(dir, 'cut.gz')
    const gz = gzipSync(Buffer.alloc(100_000, 'a\n'))
    writeFileSync(cut, gz.subarray(0, gz.length - 20))
    await assert.rejects(
      collect(cut, true),
      (e: unknown) =>
        e instanceof ImportInputError && e.message === 'reading standard input: unexpected EOF',
    )
    const sub = join(dir, 'sub')
    mkdirSync(sub)
    await assert.rejects(
      collect(sub),
      (e: unknown) =>
        e instanceof ImportInputError &&
        e.message === `reading standard input: read ${sub}: is a directory`,
    )
  })
})

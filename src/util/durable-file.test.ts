import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeFileDurable } from './index.js'

describe('writeFileDurable', () => {
  it('publishes the complete file under its name with the mode asked for, leaving no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-util-'))
    try {
      const p = join(dir, 'meta.db')
      await writeFileDurable(p, 'first', 0o600)
      await writeFileDurable(p, 'second', 0o600)
      assert.equal(await readFile(p, 'utf8'), 'second')
      assert.equal((await stat(p)).mode & 0o777, 0o600)
      assert.deepEqual(await readdir(dir), ['meta.db'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

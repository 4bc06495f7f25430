import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { fdatasync } from 'node:fs'
import { closeSync, openSync, writeSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WriteBehind, writeFileDurable } from './index.js'

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

describe('WriteBehind', () => {
  it('flushes after every so many bytes, one flush at a time, and drain waits for the last', async () => {
    const calls: { fd: number; done: (err: NodeJS.ErrnoException | null) => void }[] = []
    const sync = ((fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
      calls.push({ fd, done })
    }) as typeof fdatasync
    const w = new WriteBehind(7, 100, sync)
    w.wrote(60)
    assert.equal(calls.length, 0)
    w.wrote(60) // 120 unflushed: a flush starts
    assert.equal(calls.length, 1)
    assert.equal(calls[0]?.fd, 7)
    w.wrote(500) // one is running: no second flush
    assert.equal(calls.length, 1)
    let drained = false
    const draining = w.drain().then(() => (drained = true))
    await new Promise((r) => setImmediate(r))
    assert.equal(drained, false)
    calls[0]?.done(null)
    await draining
    w.wrote(100) // the first flush is over: the next one starts
    assert.equal(calls.length, 2)
    const failed = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
    calls[1]?.done(failed)
    await assert.rejects(w.drain(), /EIO/)
  })

  it('flushes a real file while it is written without disturbing its bytes; a bad descriptor fails drain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-util-'))
    try {
      const p = join(dir, 'big')
      const fd = openSync(p, 'w')
      const w = new WriteBehind(fd, 64 * 1024)
      const piece = Buffer.alloc(50_000)
      for (let i = 0; i < 40; i++) {
        piece.fill(i)
        writeSync(fd, piece)
        w.wrote(piece.length)
      }
      await w.drain()
      closeSync(fd)
      const back = await readFile(p)
      assert.equal(back.length, 2_000_000)
      for (let i = 0; i < 40; i++) assert.equal(back[i * 50_000 + 49_999], i)
      const closed = new WriteBehind(999_999, 1) // not an open descriptor
      closed.wrote(1)
      await assert.rejects(closed.drain(), { code: 'EBADF' })
      const invalid = new WriteBehind(-1, 1)
      invalid.wrote(1)
      await assert.rejects(invalid.drain(), { code: 'ERR_OUT_OF_RANGE' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { PassThrough, Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { chunksOf } from './chunks.js'

describe('chunksOf', () => {
  it('yields every chunk as it was written, never joined, even when the consumer lags', async () => {
    const s = new PassThrough()
    const sent = Array.from({ length: 100 }, (_, i) => Buffer.alloc(1000 + i, i))
    for (const c of sent) s.write(c)
    s.end()
    const got: Buffer[] = []
    for await (const c of chunksOf(s)) {
      got.push(c)
      await sleep(0)
    }
    assert.deepEqual(
      got.map((c) => c.length),
      sent.map((c) => c.length),
    )
    assert.ok(got.every((c, i) => c.equals(sent[i] ?? Buffer.alloc(0))))
  })

  it('pauses the stream while chunks wait, so a fast source does not pile up in memory', async () => {
    let produced = 0
    const s = new Readable({
      read() {
        produced++
        this.push(produced <= 1000 ? Buffer.alloc(64 * 1024) : null)
      },
    })
    let consumed = 0
    let mostAhead = 0
    for await (const c of chunksOf(s)) {
      consumed++
      assert.equal(c.length, 64 * 1024)
      mostAhead = Math.max(mostAhead, produced - consumed)
      await sleep(0)
    }
    assert.equal(consumed, 1000)
    // 16 queued chunks plus the stream's own 16 KiB-highWaterMark buffer: far below 1000.
    assert.ok(mostAhead < 40, `the source ran ${mostAhead} chunks ahead`)
  })

  it("throws the stream's error after the chunks before it", async () => {
    const s = new PassThrough()
    s.write(Buffer.from('a'))
    const got: string[] = []
    await assert.rejects(async () => {
      for await (const c of chunksOf(s)) {
        got.push(c.toString())
        s.destroy(new Error('connection reset'))
      }
    }, /connection reset/)
    assert.deepEqual(got, ['a'])
  })

  it('throws when the stream closes before its end', async () => {
    const s = new PassThrough()
    s.write(Buffer.from('a'))
    await assert.rejects(async () => {
      for await (const c of chunksOf(s)) {
        assert.equal(c.toString(), 'a')
        s.destroy()
      }
    }, /closed before its end/)
  })

  it('does not wait on a stream that closed, failed or ended before it was asked for chunks', async () => {
    // A request body the client cut off while the handler was still busy elsewhere: its 'close'
    // has already been emitted, and no event will come again.
    const closed = new PassThrough()
    closed.destroy()
    await sleep(10)
    await assert.rejects(async () => {
      for await (const c of chunksOf(closed))
        assert.fail(`no chunk expected, got ${c.length} bytes`)
    }, /closed before its end/)
    const failed = new PassThrough()
    failed.on('error', () => undefined)
    failed.destroy(new Error('connection reset'))
    await sleep(10)
    await assert.rejects(async () => {
      for await (const c of chunksOf(failed))
        assert.fail(`no chunk expected, got ${c.length} bytes`)
    }, /connection reset/)
    const ended = new PassThrough()
    ended.end(Buffer.from('x'))
    ended.resume()
    await sleep(10)
    const got: Buffer[] = []
    for await (const c of chunksOf(ended)) got.push(c)
    assert.deepEqual(got, [])
  })
})

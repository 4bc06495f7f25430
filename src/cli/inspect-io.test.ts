// TextSink: chunked writes that wait for a slow stream instead of buffering without bound.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { TextSink } from './inspect-io.js'

describe('TextSink', () => {
  it('holds back until a slow stream drains, so the stream never buffers more than one chunk', async () => {
    let maxQueued = 0
    let received = ''
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        received += chunk.toString('utf8')
        setTimeout(done, 1)
      },
    })
    const sink = new TextSink(slow, 4096)
    for (let i = 0; i < 2000; i++) {
      sink.append(`line ${i} ${'x'.repeat(20)}\n`)
      await sink.maybeFlush()
      maxQueued = Math.max(maxQueued, slow.writableLength)
    }
    await sink.flush()
    await new Promise<void>((resolve) => slow.end(resolve))
    assert.ok(maxQueued <= 4096 + 64, `stream buffered ${maxQueued} bytes`)
    assert.equal(received.split('\n').length, 2001)
    assert.equal(sink.bytesWritten, Buffer.byteLength(received))
  })

  it('counts UTF-8 bytes, not characters', async () => {
    const chunks: Buffer[] = []
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk)
        done()
      },
    })
    const sink = new TextSink(out)
    sink.append('日本 🌡️\n')
    await sink.flush()
    assert.equal(sink.bytesWritten, Buffer.concat(chunks).length)
    assert.equal(Buffer.concat(chunks).toString('utf8'), '日本 🌡️\n')
  })

  it('rejects when the stream fails while it waits', async () => {
    const failing = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, done) {
        setTimeout(() => done(new Error('disk full')), 1)
      },
    })
    failing.on('error', () => undefined)
    const sink = new TextSink(failing, 1)
    sink.append('abc')
    await assert.rejects(sink.flush(), /disk full/)
  })
})

import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { Progress, progressLine } from './ctl-progress.js'

describe('tidemark-ctl progress', () => {
  it('shows shards, bytes, rate and ETA', () => {
    assert.equal(
      progressLine(1, 4, 2_000_000, 2),
      '[1/4 shards] 2.0 MB transferred, 1.0 MB/s, ETA 6s',
    )
    assert.equal(progressLine(4, 4, 8_000_000, 4), '[4/4 shards] 8.0 MB transferred, 2.0 MB/s')
  })

  it('draws only on a terminal', () => {
    const plain = new PassThrough()
    let text = ''
    plain.on('data', (d: Buffer) => (text += d.toString()))
    const p = new Progress(plain, 2)
    p.shardDone(10)
    p.end()
    assert.equal(text, '')
    const tty = Object.assign(new PassThrough(), { isTTY: true })
    let drawn = ''
    tty.on('data', (d: Buffer) => (drawn += d.toString()))
    const q = new Progress(tty, 2)
    q.shardDone(10)
    q.end()
    assert.match(drawn, /^\r\x1b\[K\[1\/2 shards\] 0\.0 MB transferred/)
    assert.ok(drawn.endsWith('\r\x1b[K'))
  })

  it('takes the ETA from the bytes left when the total size is known', () => {
    assert.equal(
      progressLine(0, 2, 3_000_000, 3, 9_000_000),
      '[0/2 shards] 3.0 MB of 9.0 MB transferred, 1.0 MB/s, ETA 6s',
    )
  })

  it('redraws while a shard streams, at most every 200 ms', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true })
    let drawn = ''
    tty.on('data', (d: Buffer) => (drawn += d.toString()))
    const p = new Progress(tty, 1, 4_000_000)
    p.advance(1_000_000)
    p.advance(1_000_000)
    assert.equal(drawn.split('\r\x1b[K').length - 1, 1, 'the second advance came too soon to draw')
    await new Promise((r) => setTimeout(r, 220))
    p.advance(1_000_000)
    assert.match(drawn, /3\.0 MB of 4\.0 MB transferred/)
    p.shardDone(1_000_000)
    p.end()
    assert.match(drawn, /\[1\/1 shards\] 4\.0 MB of 4\.0 MB transferred/)
  })
})

// The chunks of a byte stream one by one, as they arrived. A Readable's own async iterator reads
// whatever is buffered as one Buffer, joining the chunks that piled up (a copy of every byte when
// the consumer is slower than the socket); this one takes 'data' events and pauses the stream
// while a few chunks wait, so nothing is joined and memory stays bounded.

import type { Buffer } from 'node:buffer'
import type { Readable } from 'node:stream'

/** Chunks waiting before the stream is paused. */
const HIGH = 16

/**
 * Yields the chunks of `stream` (not in object mode) unchanged until it ends; throws its error,
 * or an error when it closes before its end (also when that happened before the first chunk was
 * asked for).
 * Breaking out of the loop leaves the stream paused (destroy it if it is not needed any more).
 */
export async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = []
  let head = 0
  let ended = false
  let failed: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  const onData = (c: Buffer): void => {
    queue.push(c)
    if (queue.length - head >= HIGH) stream.pause()
    notify()
  }
  const onEnd = (): void => {
    ended = true
    notify()
  }
  const onError = (error: unknown): void => {
    failed ??= { error }
    notify()
  }
  const onClose = (): void => {
    if (!ended) onError(new Error('the stream closed before its end'))
  }
  // A stream that ended, failed or closed before this was called emits nothing more: its state
  // says so (a request body its client cut off while the handler awaited something else).
  if (stream.readableEnded) ended = true
  else if (stream.destroyed)
    failed = { error: stream.errored ?? new Error('the stream closed before its end') }
  stream.on('data', onData)
  stream.once('end', onEnd)
  stream.once('error', onError)
  stream.once('close', onClose)
  try {
    for (;;) {
      if (head < queue.length) {
        const c = queue[head] as Buffer
        queue[head++] = undefined as unknown as Buffer
        if (head === queue.length) {
          queue.length = 0
          head = 0
        }
        if (stream.isPaused() && queue.length - head < HIGH / 2) stream.resume()
        yield c
        continue
      }
      if (failed !== undefined) throw failed.error
      if (ended) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    stream.off('data', onData)
    stream.off('end', onEnd)
    stream.off('error', onError)
    stream.off('close', onClose)
    if (!ended && failed === undefined) stream.pause()
  }
}

// Where tidemark-inspect writes: the injectable stdout/stderr pair its commands take (tests pass
// capturing streams), and TextSink, the buffered, backpressure-aware writer that the export
// streams its output through — so memory stays flat however much data is exported.

import type { Writable } from 'node:stream'

/** The output streams of a tidemark-inspect run. Default: the process's own. */
export interface InspectIO {
  readonly stdout: Writable
  readonly stderr: Writable
}

/** The process's stdout and stderr. */
export function processIO(): InspectIO {
  return { stdout: process.stdout, stderr: process.stderr }
}

/**
 * Writes `chunk` to `stream` and resolves once the stream accepts more (waits for 'drain' when
 * write() said its buffer is full). Rejects when the stream fails or closes while we wait.
 */
export async function writeWithBackpressure(
  stream: Writable,
  chunk: string | Uint8Array,
): Promise<void> {
  if (stream.destroyed) throw new Error('output stream was closed')
  if (stream.write(chunk)) return
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.off('drain', onDrain)
      stream.off('error', onError)
      stream.off('close', onClose)
      if (err === undefined) resolve()
      else reject(err)
    }
    const onDrain = (): void => done()
    const onError = (err: Error): void => done(err)
    const onClose = (): void => done(new Error('output stream was closed'))
    stream.on('drain', onDrain)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}

/** Default number of buffered characters after which TextSink hands text to its stream. */
export const DEFAULT_FLUSH_CHARS = 256 * 1024

/**
 * Collects text and hands it to a stream in chunks of about `flushChars` characters, waiting for
 * the stream to drain before it takes more. append() is synchronous and cheap (hot loops call it
 * per line); callers await maybeFlush() every so often (e.g. per block) and flush() at the end.
 * Counts the UTF-8 bytes handed on. Not safe for concurrent flushes: await each.
 */
export class TextSink {
  readonly #stream: Writable
  readonly #flushChars: number
  #buffer = ''
  #bytes = 0
  #failure: Error | undefined

  /** Wraps `stream`; an 'error' it emits at any time makes the next flush reject with it. */
  constructor(stream: Writable, flushChars = DEFAULT_FLUSH_CHARS) {
    this.#stream = stream
    this.#flushChars = flushChars
    stream.on('error', (err: Error) => {
      this.#failure ??= err
    })
  }

  /** UTF-8 bytes handed to the stream so far. */
  get bytesWritten(): number {
    return this.#bytes
  }

  /** Buffers `text`. */
  append(text: string): void {
    this.#buffer += text
  }

  /** Hands the buffer to the stream once it holds at least `flushChars` characters. */
  async maybeFlush(): Promise<void> {
    if (this.#buffer.length >= this.#flushChars) await this.flush()
  }

  /** Hands everything buffered to the stream, waiting for backpressure to clear. */
  async flush(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure
    if (this.#buffer.length === 0) return
    const chunk = Buffer.from(this.#buffer, 'utf8')
    this.#buffer = ''
    this.#bytes += chunk.length
    await writeWithBackpressure(this.#stream, chunk)
  }
}

// A one-line progress display for tidemark-ctl on a terminal: shards done, bytes, rate and ETA,
// redrawn in place on stderr. When stderr is not a terminal nothing is drawn and only the seed's
// lines (on stdout) appear.

/** The progress line for `done` of `total` shards after `bytes` bytes in `seconds`. */
export function progressLine(done: number, total: number, bytes: number, seconds: number): string {
  const rate = seconds > 0 ? bytes / seconds : 0
  const eta = done > 0 && done < total ? ((total - done) * seconds) / done : 0
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`
  return `[${done}/${total} shards] ${mb(bytes)} transferred, ${mb(rate)}/s${done < total ? `, ETA ${Math.ceil(eta)}s` : ''}`
}

/** Draws progress on a terminal stream; a no-op elsewhere. */
export class Progress {
  readonly #stream: NodeJS.WritableStream & { isTTY?: boolean }
  readonly #total: number
  readonly #t0 = performance.now()
  #done = 0
  #bytes = 0

  constructor(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number) {
    this.#stream = stream
    this.#total = total
  }

  /** Counts one finished shard of `bytes` bytes and redraws. */
  shardDone(bytes: number): void {
    this.#done++
    this.#bytes += bytes
    if (this.#stream.isTTY !== true) return
    this.#stream.write(
      `\r\x1b[K${progressLine(this.#done, this.#total, this.#bytes, (performance.now() - this.#t0) / 1000)}`,
    )
  }

  /** Clears the line. */
  end(): void {
    if (this.#stream.isTTY === true) this.#stream.write('\r\x1b[K')
  }
}

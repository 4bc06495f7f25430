// A one-line progress display for tidemark-ctl on a terminal: shards done, bytes, rate and ETA,
// redrawn in place on stderr. When stderr is not a terminal nothing is drawn and only the seed's
// lines (on stdout) appear.

/**
 * The progress line for `done` of `total` shards after `bytes` bytes in `seconds`. With
 * `totalBytes` (a restore knows every archive's size) the ETA comes from the bytes left at the
 * current rate, else from the shards left.
 */
export function progressLine(
  done: number,
  total: number,
  bytes: number,
  seconds: number,
  totalBytes?: number,
): string {
  const rate = seconds > 0 ? bytes / seconds : 0
  const eta =
    totalBytes !== undefined
      ? rate > 0
        ? Math.max(0, totalBytes - bytes) / rate
        : 0
      : done > 0 && done < total
        ? ((total - done) * seconds) / done
        : 0
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`
  const of = totalBytes !== undefined ? ` of ${mb(totalBytes)}` : ''
  return `[${done}/${total} shards] ${mb(bytes)}${of} transferred, ${mb(rate)}/s${done < total ? `, ETA ${Math.ceil(eta)}s` : ''}`
}

/** How often bytes arriving within a shard redraw the line. */
const REDRAW_MS = 200

/** Draws progress on a terminal stream; a no-op elsewhere. */
export class Progress {
  readonly #stream: NodeJS.WritableStream & { isTTY?: boolean }
  readonly #total: number
  readonly #totalBytes: number | undefined
  readonly #t0 = performance.now()
  #done = 0
  #bytes = 0
  #drawnAt = Number.NEGATIVE_INFINITY

  constructor(
    stream: NodeJS.WritableStream & { isTTY?: boolean },
    total: number,
    totalBytes?: number,
  ) {
    this.#stream = stream
    this.#total = total
    this.#totalBytes = totalBytes
  }

  /** Counts `bytes` moved within the current shards; redraws at most every 200 ms. */
  advance(bytes: number): void {
    this.#bytes += bytes
    if (performance.now() - this.#drawnAt >= REDRAW_MS) this.#draw()
  }

  /** Counts one finished shard (and `bytes` more) and redraws. */
  shardDone(bytes: number): void {
    this.#done++
    this.#bytes += bytes
    this.#draw()
  }

  /** Clears the line. */
  end(): void {
    if (this.#stream.isTTY === true) this.#stream.write('\r\x1b[K')
  }

  #draw(): void {
    if (this.#stream.isTTY !== true) return
    const now = performance.now()
    this.#drawnAt = now
    this.#stream.write(
      `\r\x1b[K${progressLine(this.#done, this.#total, this.#bytes, (now - this.#t0) / 1000, this.#totalBytes)}`,
    )
  }
}

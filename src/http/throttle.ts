// The /write throttle of InfluxDB's `max-concurrent-write-limit`, `max-enqueued-write-limit` and
// `enqueued-write-timeout`: at most N writes run at once; others wait in a queue of bounded
// length for at most the timeout. A full queue or a timeout is answered 503 (`request throttled,
// queue full` / `request throttled, exceeds timeout`). Limit 0 disables it.

/** The outcome of {@link WriteThrottle.acquire}: a release function, or why the request waits no more. */
export type ThrottleResult =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly message: string }

/** A counting semaphore with a bounded, time-limited queue. Event-loop confined. */
export class WriteThrottle {
  readonly #concurrent: number
  readonly #maxEnqueued: number
  readonly #timeoutMs: number
  #running = 0
  readonly #waiting: (() => void)[] = []

  /** `concurrent` 0 disables throttling; `maxEnqueued` 0 means an unbounded queue; `timeoutMs` 0 none. */
  constructor(concurrent: number, maxEnqueued: number, timeoutMs: number) {
    this.#concurrent = concurrent
    this.#maxEnqueued = maxEnqueued
    this.#timeoutMs = timeoutMs
  }

  /** Waits for a slot. Call `release` exactly once when the request is done. */
  async acquire(): Promise<ThrottleResult> {
    if (this.#concurrent <= 0) return { ok: true, release: () => {} }
    if (this.#running < this.#concurrent) return this.#take()
    if (this.#maxEnqueued > 0 && this.#waiting.length >= this.#maxEnqueued) {
      return { ok: false, message: 'request throttled, queue full' }
    }
    const got = await new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const wake = (): void => {
        if (timer !== undefined) clearTimeout(timer)
        resolve(true)
      }
      this.#waiting.push(wake)
      if (this.#timeoutMs > 0) {
        timer = setTimeout(() => {
          const i = this.#waiting.indexOf(wake)
          if (i >= 0) this.#waiting.splice(i, 1)
          resolve(false)
        }, this.#timeoutMs)
      }
    })
    if (!got) return { ok: false, message: 'request throttled, exceeds timeout' }
    return this.#slot() // the releasing request handed its slot over
  }

  #take(): ThrottleResult {
    this.#running++
    return this.#slot()
  }

  #slot(): ThrottleResult {
    let released = false
    return {
      ok: true,
      release: () => {
        if (released) return
        released = true
        const next = this.#waiting.shift()
        if (next !== undefined) next()
        else this.#running--
      },
    }
  }
}

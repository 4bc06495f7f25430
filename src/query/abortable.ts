// Stops waiting for a statement's next result part as soon as its query is aborted (KILL QUERY,
// query-timeout, the client leaving), even while the engine is still busy on that part: the
// executor answers at once and the engine, told through the same AbortSignal, winds down on its own.

import { StatementError } from './errors.js'

/** Resolves with `next`, or rejects with `query interrupted` when `signal` aborts first; leaves no listener behind. */
function raceAbort<T>(next: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new StatementError('query interrupted'))
  // A fresh promise per part, its listener removed once the part settles: racing every part
  // against one long-lived promise would keep a reaction (and so the part) alive per race, and
  // a long chunked query would hold all its parts in memory.
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new StatementError('query interrupted'))
    signal.addEventListener('abort', onAbort, { once: true })
    next.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err as Error)
      },
    )
  })
}

/**
 * Yields the parts of `source` until `signal` aborts; then throws StatementError(`query
 * interrupted`) (the caller maps the signal's reason to the answer) and asks `source` to return
 * without waiting for it.
 */
export async function* abortable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]()
  let done = false
  try {
    for (;;) {
      const r = await raceAbort(it.next(), signal)
      if (r.done === true) {
        done = true
        return
      }
      yield r.value
    }
  } finally {
    if (!done) {
      // The engine may be mid-part; its generator returns once that part settles.
      it.return?.()?.catch(() => undefined)
    }
  }
}

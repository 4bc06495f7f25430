// Stops waiting for a statement's next result part as soon as its query is aborted (KILL QUERY,
// query-timeout, the client leaving), even while the engine is still busy on that part: the
// executor answers at once and the engine, told through the same AbortSignal, winds down on its own.

import { StatementError } from './errors.js'

/**
 * Yields the parts of `source` until `signal` aborts; then throws StatementError(`query
 * interrupted`) (the caller maps the signal's reason to the answer) and asks `source` to return
 * without waiting for it.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new StatementError('query interrupted'))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  // The race's loser must not become an unhandled rejection.
  aborted.catch(() => undefined)
  let done = false
  try {
    for (;;) {
      const next = it.next()
      const r = await Promise.race([next, aborted])
      if (r.done === true) {
        done = true
        return
      }
      yield r.value
    }
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
    if (!done) {
      // The engine may be mid-part; its generator returns once that part settles.
      it.return?.()?.catch(() => undefined)
    }
  }
}

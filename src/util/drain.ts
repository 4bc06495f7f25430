// Waiting out backpressure: a writer whose write() returned false waits for 'drain', or for the
// end of the connection (then its next write sees it gone). The listeners go either way, so a
// long stream that waits often does not pile them up.

import type { EventEmitter } from 'node:events'

/** Resolves at `drains`' next 'drain' or `closes`' 'close' (by default the same emitter). */
export function drainOrClose(drains: EventEmitter, closes: EventEmitter = drains): Promise<void> {
  return new Promise((done) => {
    const go = (): void => {
      drains.off('drain', go)
      closes.off('close', go)
      done()
    }
    drains.on('drain', go)
    closes.on('close', go)
  })
}

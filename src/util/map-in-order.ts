// Runs an async function over a list with a few calls in flight at once, keeping the results in
// the list's order: how a query reads several series' blocks at once (their reads overlap each
// other's decoding) while combining them in series order as a sequential loop would.

/**
 * `fn` over `items`, at most `limit` calls at a time, started in order; resolves to the results in
 * `items`' order. The first rejection rejects the whole (calls already started still finish, and
 * no new call starts after it).
 */
export async function mapInOrder<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        out[i] = await fn(items[i] as T, i)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker)
  const settled = await Promise.allSettled(workers)
  for (const s of settled) if (s.status === 'rejected') throw s.reason
  return out
}

/**
 * `fn` over `items`, started in order, as many at a time as `room` allows: it is asked before
 * each start with the index of the next item and the indexes running (one always starts when
 * none runs). After a rejection no call starts; the calls running finish, and the whole rejects
 * with the failure of the earliest item (by index) — what calling them one at a time would
 * report, whichever failed first in time.
 */
export async function forEachWhileRoom<T>(
  items: readonly T[],
  room: (next: number, running: ReadonlySet<number>) => boolean,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const running = new Set<number>()
  const settling = new Set<Promise<void>>()
  let failed: { index: number; err: unknown } | undefined
  let next = 0
  for (;;) {
    while (
      failed === undefined &&
      next < items.length &&
      (running.size === 0 || room(next, running))
    ) {
      const i = next++
      running.add(i)
      const p: Promise<void> = fn(items[i] as T, i)
        .catch((err: unknown) => {
          if (failed === undefined || i < failed.index) failed = { index: i, err }
        })
        .finally(() => {
          running.delete(i)
          settling.delete(p)
        })
      settling.add(p)
    }
    if (settling.size === 0) break
    await Promise.race(settling)
  }
  if (failed !== undefined) throw failed.err
}

/**
 * A `room` for forEachWhileRoom: `atOnce` calls at a time, or up to `smallAtOnce` while the next
 * item and every one running are small (`isSmall` of their indexes).
 */
export function roomForSmall(
  isSmall: (index: number) => boolean,
  atOnce: number,
  smallAtOnce: number,
): (next: number, running: ReadonlySet<number>) => boolean {
  return (next, running) =>
    running.size < atOnce ||
    (running.size < smallAtOnce && isSmall(next) && [...running].every(isSmall))
}

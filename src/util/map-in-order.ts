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
 * none runs). The first rejection rejects the whole, as in mapInOrder.
 */
export async function forEachWhileRoom<T>(
  items: readonly T[],
  room: (next: number, running: ReadonlySet<number>) => boolean,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const running = new Set<number>()
  const settling = new Set<Promise<void>>()
  let failed: { err: unknown } | undefined
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
          failed ??= { err }
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

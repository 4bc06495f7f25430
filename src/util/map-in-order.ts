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

// The orders in which a statement may read a measurement's series, so that a remote shard can
// read ahead the series it will ask for next (remote-reads.ts). The engine reads a tag set's
// series in key order and the tag sets in the order of their GROUP BY tag values: without GROUP BY,
// with GROUP BY * or by the key's first tags that is key order; with GROUP BY a later tag (host in
// "cpu,dc=…,host=…") it is that tag's value order. OrderTracker watches the series opened one
// after another and names the order they have been moving forward in.

import type { Tag } from '../engine/index.js'

/** Tag keys whose value orders are candidates (the first ones of the measurement, by name). */
const MAX_TAG_ORDERS = 8

/** One order of a measurement's series: the keys in it and each key's place. */
export interface SeriesOrder {
  readonly keys: readonly string[]
  readonly rank: ReadonlyMap<string, number>
}

function orderOf(keys: string[]): SeriesOrder {
  return { keys, rank: new Map(keys.map((k, i) => [k, i])) }
}

/** The most series whose tag value orders are built (beyond, key order only). */
const MAX_TAG_ORDER_SERIES = 200_000

/**
 * The candidate orders of `series` (series key → tags): key order first, then with `byTags`, for
 * each of the first tag keys by name, that tag's value order (a series without it first), then
 * key order.
 */
export function seriesOrders(
  series: ReadonlyMap<string, readonly Tag[]>,
  byTags: boolean,
): SeriesOrder[] {
  const byKey = [...series.keys()].sort()
  const out = [orderOf(byKey)]
  if (!byTags) return out
  const tagKeys = new Set<string>()
  for (const tags of series.values()) for (const t of tags) tagKeys.add(t.key)
  for (const tagKey of [...tagKeys].sort().slice(0, MAX_TAG_ORDERS)) {
    const value = new Map<string, string>()
    for (const [k, tags] of series) value.set(k, tags.find((t) => t.key === tagKey)?.value ?? '')
    // byKey is sorted, and sort() is stable: equal values stay in key order.
    const keys = [...byKey].sort((a, b) => {
      const x = value.get(a) ?? ''
      const y = value.get(b) ?? ''
      return x < y ? -1 : x > y ? 1 : 0
    })
    out.push(orderOf(keys))
  }
  return out
}

/** Series remembered to score orders built later. */
const HISTORY = 8

/** Which of a measurement's orders a run of opened series follows. */
export class OrderTracker {
  /** The last series opened, oldest first. */
  readonly #recent: string[] = []
  /** Per order: steps forward in a row. */
  #scores: number[] = []
  /** Steps in key order, and those of them backward. */
  #keySteps = 0
  #keyMisses = 0

  /** Notes that `seriesKey` was opened after the previous ones; `orders` may have grown since. */
  observe(orders: readonly SeriesOrder[], seriesKey: string): void {
    const recent = this.#recent
    if (recent[recent.length - 1] === seriesKey) return
    recent.push(seriesKey)
    if (recent.length > HISTORY) recent.shift()
    if (this.#scores.length !== orders.length) {
      // New orders: score them over the series remembered.
      this.#scores = orders.map(() => 0)
      for (let i = 1; i < recent.length; i++)
        this.#step(orders, recent[i - 1] ?? '', recent[i] ?? '')
      return
    }
    this.#step(orders, recent[recent.length - 2] ?? '', seriesKey)
  }

  #step(orders: readonly SeriesOrder[], prev: string, next: string): void {
    orders.forEach((o, i) => {
      const forward = (o.rank.get(next) ?? -1) > (o.rank.get(prev) ?? -1)
      this.#scores[i] = forward ? (this.#scores[i] ?? 0) + 1 : 0
      if (i === 0) {
        this.#keySteps++
        if (!forward) this.#keyMisses++
      }
    })
  }

  /**
   * Whether the series opened do not follow key order (a step backward, and at least one in
   * eight): the tag value orders of a measurement of `series` series are then worth building.
   */
  wantsTagOrders(series: number): boolean {
    return (
      series <= MAX_TAG_ORDER_SERIES &&
      this.#keyMisses >= 1 &&
      this.#keyMisses * 8 >= this.#keySteps
    )
  }

  /** The order with the longest run forward (key order on a tie). */
  best(orders: readonly SeriesOrder[]): SeriesOrder | undefined {
    let at = 0
    for (let i = 1; i < orders.length; i++)
      if ((this.#scores[i] ?? 0) > (this.#scores[at] ?? 0)) at = i
    return orders[at]
  }
}

// How a RemoteShard fetches values (issue #6, query speed on a cluster): its key cursors' reads
// go out in batches, one streamed request naming up to MAX_BATCH keys, instead of one request per
// key. A batch carries the keys whose cursors asked for values in the same turn of the event loop,
// every cursor created and not read yet (a raw SELECT creates all of a tag set's cursors before
// reading any), and keys read ahead: once a statement has opened cursors on several series of a
// measurement in one range and order, the next series' keys of the same field, in the order the
// series have been opened in (key order, or a tag's value order for GROUP BY that tag:
// series-orders.ts), that this pass has not fetched yet, up to twice as many as the widest field
// has opened so far. A cursor opened later on a key read ahead takes its values without a
// request, and one past the middle of what was read ahead has the next ones read.
//
// Memory stays bounded while the engine reads many cursors at once (a raw merge of a tag set
// interleaves them by time): each key of a batch gets at most a page of values (the owner cuts
// the key there and says so), and a cursor that reaches the end of its page asks for the next one
// (read ahead when half of it is consumed), as a continuation item in a later batch. Pages start
// at HEAD_VALUES, grow 4x per continuation up to PAGE_MAX_VALUES and shrink so that the open
// cursors together hold at most about OPEN_BUDGET_VALUES; keys read ahead and not claimed yet hold
// at most about AHEAD_BUDGET_VALUES (the oldest are dropped beyond it). Answers are read as they
// arrive and never wait for a consumer, so no connection stays tied to a slow cursor.
//
// An owner that fails before or during a batch: the keys it has not ended are asked from the next
// owner (a key cut mid-way continues after its last value received), and a batch no owner answers
// fails its keys' cursors with ShardUnavailableError naming the shard and each owner's reason.

import { joinTSMKey, splitTSMKey, type ShardIndex } from '../engine/index.js'
import { KeyRead, PAGE_MAX_VALUES } from './key-read.js'
import type { BatchItem, BatchSink } from './shard-batch-wire.js'
import { OrderTracker, type SeriesOrder, seriesOrders } from './series-orders.js'
import { ownerFailure, type ShardOwner, ShardUnavailableError } from './shard-owners.js'

/** The most keys in one batch. */
export const MAX_BATCH = 256
/** The smallest and largest page. */
const PAGE_MIN_VALUES = 256
/** Values the open cursors of one shard may hold together (pages shrink to fit). */
const OPEN_BUDGET_VALUES = 2 << 20
/** Values of keys read ahead and not claimed yet, per shard. */
const AHEAD_BUDGET_VALUES = 1 << 20
/** A measurement's series are sorted for reading ahead once this share of them was opened. */
const SORT_SHARE = 1024

/** What a batch needs from the transport (ShardReadClient.readBatch). */
export type ReadBatch = (
  owner: ShardOwner,
  items: readonly BatchItem[],
  sink: BatchSink,
) => Promise<boolean>

/** The fields of one measurement read in one range and order. */
interface Span {
  /** The most cursors opened on one of its fields: how wide the statement reads. */
  widest: number
}

/** One field, range and order of one measurement: the reads the engine does series by series. */
export interface Shape {
  readonly measurement: string
  readonly field: string
  readonly span: Span
  /** Cursors opened. */
  opened: number
  /** Per series: how many times its key was fetched (opened or read ahead). */
  readonly fetched: Map<string, number>
  /** The order its series have been opened in. */
  readonly order: OrderTracker
  /** The order the last read ahead followed, and where it got to: the rank of the last series
   * it covered and how many series it covered. */
  lastOrder: SeriesOrder | undefined
  frontier: number
  window: number
}

/** The reads of one remote shard for one statement, batched. */
export class RemoteReads {
  readonly #shardID: number
  readonly #owners: readonly ShardOwner[]
  readonly #index: ShardIndex
  readonly #readBatch: ReadBatch
  /** The owner asked first: the one that answered last. */
  #preferred: number
  /** Reads created by a cursor and not asked yet, in creation order. */
  readonly #idle = new Set<KeyRead>()
  /** Reads to send in the next batch. */
  #wanted: KeyRead[] = []
  /** Reads whose keys the next batch should read ahead after. */
  #anchors: KeyRead[] = []
  #scheduled = false
  /** Reads ahead by key, oldest first. */
  readonly #ahead = new Map<string, KeyRead[]>()
  #aheadValues = 0
  readonly #shapes = new Map<string, Shape>()
  readonly #spans = new Map<string, Span>()
  /** Per measurement: the orders its series may be read in (once it is read widely). */
  readonly #orders = new Map<string, readonly SeriesOrder[]>()
  /** Cursors open and not at their end. */
  #open = 0
  /** Requests sent (for tests and statistics). */
  batches = 0

  constructor(
    shardID: number,
    owners: readonly ShardOwner[],
    preferred: number,
    index: ShardIndex,
    readBatch: ReadBatch,
  ) {
    this.#shardID = shardID
    this.#owners = owners
    this.#preferred = preferred
    this.#index = index
    this.#readBatch = readBatch
  }

  /** A read for a new cursor: a key read ahead when one matches, else a new idle read. */
  open(key: string, min: bigint, max: bigint, ascending: boolean, timesOnly: boolean): KeyRead {
    this.#open++
    const { seriesKey, field } = splitTSMKey(key)
    const shape = this.#shape(seriesKey, field, min, max, ascending, timesOnly)
    if (shape !== undefined) {
      shape.opened++
      if (shape.opened > shape.span.widest) shape.span.widest = shape.opened
      shape.order.observe(this.#ordersOf(shape) ?? [], seriesKey)
    }
    const list = this.#ahead.get(key)
    const i =
      list?.findIndex(
        (r) =>
          r.min === min && r.max === max && r.ascending === ascending && r.timesOnly === timesOnly,
      ) ?? -1
    const found = i >= 0 ? list?.[i] : undefined
    if (list !== undefined && found !== undefined) {
      list.splice(i, 1)
      if (list.length === 0) this.#ahead.delete(key)
      found.ahead = false
      this.#aheadValues -= found.buffered
      // Past the middle of what was read ahead: read further before it is needed.
      const at = shape?.lastOrder?.rank.get(seriesKey)
      if (shape !== undefined && at !== undefined && at >= shape.frontier - (shape.window >> 1))
        this.#anchor(found)
      return found
    }
    if (shape !== undefined) shape.fetched.set(seriesKey, (shape.fetched.get(seriesKey) ?? 0) + 1)
    const read = new KeyRead(key, min, max, ascending, timesOnly, shape)
    this.#idle.add(read)
    return read
  }

  /** Queues `read` (idle, or cut at its page) for the next batch. */
  want(read: KeyRead): void {
    if (read.state !== 'idle' && read.state !== 'more') return
    // A first read of a shape opened before is where reading ahead continues from.
    if (read.state === 'idle' && read.shape !== undefined && read.shape.span.widest > 1)
      this.#anchors.push(read)
    read.state = 'asked'
    this.#idle.delete(read)
    this.#wanted.push(read)
    this.#schedule()
  }

  /** `read`'s cursor is closed: its frames are dropped. */
  release(read: KeyRead): void {
    if (read.dropped) return
    this.#open--
    this.#idle.delete(read)
    read.drop()
  }

  /** The page limit that keeps the open cursors within OPEN_BUDGET_VALUES. */
  #pageCap(): number {
    return Math.max(
      PAGE_MIN_VALUES,
      Math.min(PAGE_MAX_VALUES, Math.floor(OPEN_BUDGET_VALUES / Math.max(1, this.#open))),
    )
  }

  #shape(
    seriesKey: string,
    field: string,
    min: bigint,
    max: bigint,
    ascending: boolean,
    timesOnly: boolean,
  ): Shape | undefined {
    const measurement = this.#index.measurementOfSeries(seriesKey)
    if (measurement === undefined) return undefined
    const spanID = `${measurement}\u0000${min}\u0000${max}\u0000${ascending}`
    const id = `${spanID}\u0000${field}\u0000${timesOnly}`
    let shape = this.#shapes.get(id)
    if (shape === undefined) {
      let span = this.#spans.get(spanID)
      if (span === undefined) this.#spans.set(spanID, (span = { widest: 0 }))
      shape = {
        measurement,
        field,
        span,
        opened: 0,
        fetched: new Map(),
        order: new OrderTracker(),
        lastOrder: undefined,
        frontier: 0,
        window: 0,
      }
      this.#shapes.set(id, shape)
    }
    return shape
  }

  #anchor(read: KeyRead): void {
    this.#anchors.push(read)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => this.#flush())
  }

  /** Sends the wanted reads (with idle ones and reads ahead) in batches of up to MAX_BATCH. */
  #flush(): void {
    this.#scheduled = false
    const wanted = this.#wanted.filter((r) => !r.dropped)
    this.#wanted = []
    const anchors = this.#anchors
    this.#anchors = []
    let from = 0
    while (from < wanted.length || anchors.length > 0) {
      const batch = wanted.slice(from, from + MAX_BATCH)
      from += batch.length
      for (const r of this.#idle) {
        if (batch.length >= MAX_BATCH) break
        this.#idle.delete(r)
        r.state = 'asked'
        batch.push(r)
      }
      if (from >= wanted.length) {
        // Read ahead after the last anchor of each shape, in the room left.
        const seen = new Set<Shape>()
        for (let i = anchors.length - 1; i >= 0 && batch.length < MAX_BATCH; i--) {
          const a = anchors[i] as KeyRead
          if (a.shape === undefined || seen.has(a.shape)) continue
          seen.add(a.shape)
          for (const r of this.#readAhead(a, MAX_BATCH - batch.length)) batch.push(r)
        }
        anchors.length = 0
      }
      if (batch.length === 0) break
      void this.#run(batch)
    }
  }

  /**
   * The orders of `shape`'s measurement, once the statement reads it widely enough that sorting
   * its series is worth it (undefined before): key order, and the tag value orders too once the
   * series opened do not follow key order. Rebuilt when its series change.
   */
  #ordersOf(shape: Shape): readonly SeriesOrder[] | undefined {
    const series = this.#index.measurements.get(shape.measurement)?.series
    if (series === undefined || shape.span.widest < Math.max(2, series.size / SORT_SHARE))
      return undefined
    let orders = this.#orders.get(shape.measurement)
    const byTags = shape.order.wantsTagOrders(series.size)
    if (
      orders === undefined ||
      orders[0]?.keys.length !== series.size ||
      (byTags && orders.length === 1)
    ) {
      orders = seriesOrders(series, byTags || (orders?.length ?? 1) > 1)
      this.#orders.set(shape.measurement, orders)
    }
    return orders
  }

  /**
   * Reads ahead of `anchor`: the next series of its measurement, in the order the statement has
   * been opening them, not fetched in this pass.
   */
  #readAhead(anchor: KeyRead, room: number): KeyRead[] {
    const shape = anchor.shape
    if (shape === undefined || this.#aheadValues >= AHEAD_BUDGET_VALUES) return []
    const series = this.#index.measurements.get(shape.measurement)?.series
    const orders = this.#ordersOf(shape)
    const order = orders === undefined ? undefined : shape.order.best(orders)
    if (series === undefined || order === undefined) return []
    // As wide as the widest field of the statement read so far, twice: a field read series after
    // series is read ahead further the longer it goes on, a second field as far as the first.
    const breadth = Math.max(shape.opened, shape.span.widest)
    const want = Math.min(2 * breadth, MAX_BATCH)
    const sorted = order.keys
    const { seriesKey } = splitTSMKey(anchor.key)
    // This pass: the times the anchor's series was fetched; a series fetched fewer times is next.
    const pass = shape.fetched.get(seriesKey) ?? 1
    const from = (order.rank.get(seriesKey) ?? sorted.length) + 1
    const out: KeyRead[] = []
    // The next `want` series after the anchor are made sure of: fetched already, or now.
    let i = from
    for (; i < sorted.length && i - from < want && out.length < room; i++) {
      const sk = sorted[i] as string
      const n = shape.fetched.get(sk) ?? 0
      if (n >= pass) continue
      shape.fetched.set(sk, n + 1)
      const key = joinTSMKey(sk, shape.field)
      const r = new KeyRead(key, anchor.min, anchor.max, anchor.ascending, anchor.timesOnly, shape)
      r.ahead = true
      r.state = 'asked'
      let list = this.#ahead.get(key)
      if (list === undefined) this.#ahead.set(key, (list = []))
      list.push(r)
      out.push(r)
    }
    shape.lastOrder = order
    shape.frontier = i - 1
    shape.window = i - from
    return out
  }

  /** Sends `reads` to the owners in turn until one answers for them all. */
  async #run(reads: readonly KeyRead[]): Promise<void> {
    this.batches++
    const reasons: string[] = []
    let left = reads
    const n = this.#owners.length
    const start = this.#preferred
    for (let i = 0; i < n && left.length > 0; i++) {
      const at = (start + i) % n
      const owner = this.#owners[at]
      if (owner === undefined) continue
      const items: BatchItem[] = []
      const asked: KeyRead[] = []
      for (const r of left) {
        const item = r.dropped && !r.ahead ? undefined : r.item(Math.min(r.page, this.#pageCap()))
        if (item === undefined) r.end(false)
        else {
          items.push(item)
          asked.push(r)
        }
      }
      if (items.length === 0) return
      const sink: BatchSink = {
        frame: (k, v) => {
          const r = asked[k]
          if (r === undefined) return
          r.frame(v)
          if (r.ahead && !r.dropped) this.#aheadValues += v.times.length
        },
        end: (k, more) => asked[k]?.end(more),
      }
      try {
        const held = await this.#readBatch(owner, items, sink)
        // A node that does not hold the shard has no values for it.
        if (!held) for (const r of asked) if (r.state === 'asked') r.end(false)
        this.#preferred = at
        this.#trimAhead()
        return
      } catch (err) {
        reasons.push(ownerFailure(owner, err))
        left = asked.filter((r) => r.state === 'asked')
      }
    }
    if (left.length === 0) return
    const err = new ShardUnavailableError(this.#shardID, reasons)
    for (const r of left) {
      r.fail(err)
      if (r.ahead) this.#dropAhead(r)
    }
  }

  /** Drops the oldest reads ahead (already answered) while they hold more than their budget. */
  #trimAhead(): void {
    if (this.#aheadValues <= AHEAD_BUDGET_VALUES) return
    for (const list of [...this.#ahead.values()]) {
      for (const r of [...list]) {
        if (this.#aheadValues <= AHEAD_BUDGET_VALUES) return
        if (r.state === 'asked') continue
        this.#dropAhead(r)
      }
    }
  }

  #dropAhead(r: KeyRead): void {
    const list = this.#ahead.get(r.key)
    const i = list?.indexOf(r) ?? -1
    if (list === undefined || i < 0) return
    list.splice(i, 1)
    if (list.length === 0) this.#ahead.delete(r.key)
    this.#aheadValues -= r.buffered
    const shape = r.shape
    if (shape !== undefined) {
      const { seriesKey } = splitTSMKey(r.key)
      shape.fetched.set(seriesKey, Math.max(0, (shape.fetched.get(seriesKey) ?? 1) - 1))
    }
    r.drop()
  }
}

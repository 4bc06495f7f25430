// One key's read from a remote shard (remote-reads.ts): its range and order, where it stands
// (not asked yet, asked in a batch, cut at a page with values left, done, failed), and the frames
// received and not taken yet, which its cursor takes a chunk at a time.

import type { Values } from '../lineprotocol/index.js'
import type { Shape } from './remote-reads.js'
import type { BatchItem } from './shard-batch-wire.js'

/** The first page of a key. */
export const HEAD_VALUES = 4096
/** The largest page. */
export const PAGE_MAX_VALUES = 65536

/** Where a key's read stands. */
export type ReadState = 'idle' | 'asked' | 'more' | 'done' | 'failed'

/** The values of one key in one range and order, as they arrive from an owner. */
export class KeyRead {
  readonly key: string
  readonly min: bigint
  readonly max: bigint
  readonly ascending: boolean
  readonly timesOnly: boolean
  readonly shape: Shape | undefined
  state: ReadState = 'idle'
  error: unknown
  /** Values received and not taken yet. */
  buffered = 0
  /** The size of the next page. */
  page = HEAD_VALUES
  /** The limit of the page asked last. */
  pageAsked = 0
  /** Read ahead, no cursor has claimed it yet. */
  ahead = false
  /** Its cursor is closed: frames arriving are dropped. */
  dropped = false
  /** The time of the last value received (a continuation starts after it). */
  #last: bigint | undefined
  /** Frames received; those before #first are taken (cleared to free them). */
  readonly #frames: (Values | undefined)[] = []
  #first = 0
  #pos = 0
  #wake: (() => void) | undefined

  constructor(
    key: string,
    min: bigint,
    max: bigint,
    ascending: boolean,
    timesOnly: boolean,
    shape: Shape | undefined,
  ) {
    this.key = key
    this.min = min
    this.max = max
    this.ascending = ascending
    this.timesOnly = timesOnly
    this.shape = shape
  }

  /** The batch item that asks for the rest of the values (after the last one received). */
  item(limit: number): BatchItem | undefined {
    let { min, max } = this
    const last = this.#last
    if (last !== undefined) {
      if (this.ascending) {
        if (last >= max) return undefined
        min = last + 1n
      } else {
        if (last <= min) return undefined
        max = last - 1n
      }
    }
    this.pageAsked = limit
    return { key: this.key, min, max, ascending: this.ascending, timesOnly: this.timesOnly, limit }
  }

  frame(v: Values): void {
    const n = v.times.length
    if (n === 0) return
    this.#last = v.times[n - 1]
    if (this.dropped) return
    this.#frames.push(v)
    this.buffered += n
    this.#notify()
  }

  end(more: boolean): void {
    this.state = more ? 'more' : 'done'
    if (more) this.page = Math.min(this.page * 4, PAGE_MAX_VALUES)
    this.#notify()
  }

  fail(err: unknown): void {
    this.state = 'failed'
    this.error = err
    this.#notify()
  }

  /** Drops the frames not taken (its cursor closed, or a read ahead dropped). */
  drop(): void {
    this.dropped = true
    this.#frames.length = 0
    this.#first = 0
    this.#pos = 0
    this.buffered = 0
  }

  /** Up to `max` values in the read's order (views of the frames), or undefined when none wait. */
  take(max: number): Values | undefined {
    const f = this.#frames[this.#first]
    if (f === undefined) return undefined
    const len = f.times.length
    const start = this.#pos
    const end = Math.min(len, start + max)
    this.buffered -= end - start
    if (end === len) {
      this.#frames[this.#first++] = undefined
      this.#pos = 0
      if (this.#first === this.#frames.length) {
        this.#frames.length = 0
        this.#first = 0
      }
    } else this.#pos = end
    if (start === 0 && end === len) return f
    return slice(f, start, end)
  }

  /** Resolves at the next frame, item end or failure. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve
    })
  }

  #notify(): void {
    const w = this.#wake
    this.#wake = undefined
    w?.()
  }
}

/** Values [start, end) of `v` as views (a times-only column stays empty). */
function slice(v: Values, start: number, end: number): Values {
  const times = v.times.subarray(start, end)
  const whole = v.values.length > 0
  switch (v.kind) {
    case 'string':
      return { kind: v.kind, times, values: whole ? v.values.slice(start, end) : v.values }
    case 'float':
      return { kind: v.kind, times, values: whole ? v.values.subarray(start, end) : v.values }
    case 'integer':
      return { kind: v.kind, times, values: whole ? v.values.subarray(start, end) : v.values }
    case 'unsigned':
      return { kind: v.kind, times, values: whole ? v.values.subarray(start, end) : v.values }
    case 'boolean':
      return { kind: v.kind, times, values: whole ? v.values.subarray(start, end) : v.values }
  }
}

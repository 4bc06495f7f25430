// The counters of the HTTP API, named as InfluxDB's httpd statistics (`req`, `writeReq`,
// `pointsWrittenOK`, …) so that tools reading /debug/vars (Telegraf's influxdb input) find them,
// plus a few of our own (`debugVarsReq`, `notFoundReq`). Durations are summed in nanoseconds.

/** The counter names, in InfluxDB's spelling. */
export const COUNTER_NAMES = [
  'req',
  'reqActive',
  'queryReq',
  'writeReq',
  'writeReqActive',
  'pingReq',
  'statusReq',
  'debugVarsReq',
  'notFoundReq',
  'writeReqBytes',
  'queryRespBytes',
  'pointsWrittenOK',
  'pointsWrittenDropped',
  'pointsWrittenFail',
  'authFail',
  'clientError',
  'serverError',
  'recoveredPanics',
  'promWriteReq',
  'promReadReq',
] as const

/** One counter name. */
export type CounterName = (typeof COUNTER_NAMES)[number]

/** The duration sums, in nanoseconds. */
export type DurationName = 'reqDurationNs' | 'queryReqDurationNs' | 'writeReqDurationNs'

/** The HTTP API's counters. Single-threaded (the event loop), so plain numbers suffice. */
export class HTTPStatistics {
  readonly #counters = new Map<CounterName, number>(COUNTER_NAMES.map((n) => [n, 0]))
  readonly #durations = new Map<DurationName, bigint>([
    ['reqDurationNs', 0n],
    ['queryReqDurationNs', 0n],
    ['writeReqDurationNs', 0n],
  ])

  /** Adds `n` (default 1; may be negative for the `…Active` gauges) to a counter. */
  add(name: CounterName, n = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + n)
  }

  /** Adds a duration in nanoseconds. */
  addDuration(name: DurationName, ns: bigint): void {
    this.#durations.set(name, (this.#durations.get(name) ?? 0n) + ns)
  }

  /** A counter's value. */
  get(name: CounterName): number {
    return this.#counters.get(name) ?? 0
  }

  /** Counts a response status as a client (4xx) or server (5xx) error. */
  countStatus(status: number): void {
    if (status >= 400 && status < 500) this.add('clientError')
    else if (status >= 500 && status < 600) this.add('serverError')
  }

  /** Every counter and duration, keys sorted (as Go's JSON encoder sorts map keys). */
  snapshot(): Record<string, number | bigint> {
    const out: Record<string, number | bigint> = {}
    const entries: [string, number | bigint][] = [...this.#counters, ...this.#durations]
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    for (const [k, v] of entries) out[k] = v
    return out
  }
}

// The data the "influxd reads our shards" test writes with our engine, and an independent model
// of what must survive. Each shard gets every value type influxd 1.6 holds (float with -0 and the
// extremes, int64 min/max, booleans, strings with quotes, backslashes, unicode and newlines, and
// unsigned values written through Shard.writeValues because 1.6's line protocol refuses `u`),
// escaped and unicode keys, series of more than 1000 points (several blocks), and two batches
// with range deletes and whole-series deletes between them. The model applies the same steps to
// plain maps; the test renders influxd's expected answers from it.

import type { FieldType, Tag, Values } from '../../src/lineprotocol/index.js'
import { TOMBSTONE_MAX_TIME, TOMBSTONE_MIN_TIME } from '../../src/tsm/index.js'
import { floatCell, integerCell, type Cell, type SelectAnswerBuilder } from './influx-answers.js'
import type { SchemaModel } from './schema-answers.js'

const SECOND = 1_000_000_000n

/** One field value of the dataset. */
export type DatasetValue =
  | { readonly type: 'float'; readonly v: number }
  | { readonly type: 'integer'; readonly v: bigint }
  | { readonly type: 'unsigned'; readonly v: bigint }
  | { readonly type: 'boolean'; readonly v: boolean }
  | { readonly type: 'string'; readonly v: string }

/** One point of the dataset: the measurement and tags un-escaped, the series key as written. */
export interface DatasetPoint {
  readonly measurement: string
  readonly seriesKey: string
  readonly tags: readonly Tag[]
  readonly fields: ReadonlyMap<string, DatasetValue>
  readonly time: bigint
}

/** One step applied to a shard, in order. */
export type DatasetStep =
  | { readonly kind: 'write-points'; readonly points: readonly DatasetPoint[] }
  | { readonly kind: 'write-unsigned'; readonly points: readonly DatasetPoint[] }
  | {
      readonly kind: 'delete'
      readonly seriesKeys: readonly string[]
      readonly min: bigint
      readonly max: bigint
    }
  | { readonly kind: 'snapshot' }
  | { readonly kind: 'compact-full' }

const FLOAT_EDGES = [
  0,
  -0,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  5e-324,
  -5e-324,
  1e-300,
  2.2250738585072014e-308,
  0.1,
  1e21,
  1e20,
  1.2345678901234568e20,
  Math.PI,
  -1.5,
  9007199254740992,
]
const INT_EDGES = [
  0n,
  1n,
  -1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  2n ** 53n,
  42n,
]
const UNSIGNED_EDGES = [0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 63n - 1n, 2n ** 53n + 1n]
const STRING_EDGES = [
  '',
  'plain',
  'with "quotes"',
  'back\\slash',
  'trailing backslash\\',
  '\\"both\\"',
  'uni ✓ Zürich 東京 🌡️',
  'new\nline',
  'tab\there',
  'comma, space = equals',
  'x'.repeat(3000),
]

/** `key=value` pairs, escaped for line protocol keys (`,`, space, `=`). */
function escKey(s: string): string {
  return s.replace(/[, =]/g, '\\$&')
}

function seriesKeyOf(measurement: string, tags: readonly Tag[]): string {
  const sorted = [...tags].sort((a, b) =>
    Buffer.compare(Buffer.from(escKey(a.key)), Buffer.from(escKey(b.key))),
  )
  return (
    measurement.replace(/[, ]/g, '\\$&') +
    sorted.map((t) => `,${escKey(t.key)}=${escKey(t.value)}`).join('')
  )
}

function point(
  measurement: string,
  tags: readonly Tag[],
  time: bigint,
  fields: [string, DatasetValue][],
): DatasetPoint {
  return {
    measurement,
    seriesKey: seriesKeyOf(measurement, tags),
    tags,
    fields: new Map(fields),
    time,
  }
}

const f = (v: number): DatasetValue => ({ type: 'float', v })
const i = (v: bigint): DatasetValue => ({ type: 'integer', v })
const u = (v: bigint): DatasetValue => ({ type: 'unsigned', v })
const b = (v: boolean): DatasetValue => ({ type: 'boolean', v })
const s = (v: string): DatasetValue => ({ type: 'string', v })

function allTypes(
  start: bigint,
  from: number,
  to: number,
  salt: number,
): { lp: DatasetPoint[]; unsigned: DatasetPoint[] } {
  const tags = [{ key: 'host', value: 'a' }]
  const lp: DatasetPoint[] = []
  const unsigned: DatasetPoint[] = []
  for (let k = from; k < to; k++) {
    const t = start + BigInt(k) * 10n * SECOND
    const e = k - from
    lp.push(
      point('all_types', tags, t, [
        ['f', f(FLOAT_EDGES[e] ?? Math.sin(k + salt) * 1000)],
        ['i', i(INT_EDGES[e] ?? BigInt(k * k) - 7n * BigInt(k) + BigInt(salt))],
        ['b', b((k + salt) % 3 === 0)],
        ['s', s(STRING_EDGES[e] ?? `s${(k + salt) % 7}`)],
      ]),
    )
    unsigned.push(
      point('all_types', tags, t, [
        ['u', u(UNSIGNED_EDGES[e] ?? BigInt(k) * 1_000_003n + BigInt(salt))],
      ]),
    )
  }
  return { lp, unsigned }
}

function cpu(start: bigint, count: number, salt: number): DatasetPoint[] {
  const out: DatasetPoint[] = []
  const hosts = [
    [
      { key: 'host', value: 'server01' },
      { key: 'region', value: 'us-west' },
    ],
    [
      { key: 'host', value: 'server02' },
      { key: 'region', value: 'us-west' },
    ],
    [
      { key: 'host', value: 'server03' },
      { key: 'region', value: 'us-east' },
    ],
    [{ key: 'host', value: 'solo' }],
  ]
  for (let k = 0; k < count; k++) {
    hosts.forEach((tags, h) => {
      const t = start + BigInt(k) * 60n * SECOND
      out.push(
        point('cpu', tags, t, [
          ['usage', f(((k * 37 + h * 11 + salt) % 1000) / 10)],
          ['procs', i(BigInt((k + h + salt) % 300))],
        ]),
      )
    })
  }
  return out
}

function oddKeys(start: bigint): DatasetPoint[] {
  const out: DatasetPoint[] = []
  for (let k = 0; k < 3; k++) {
    const t = start + 3600n * SECOND + BigInt(k) * 60n * SECOND
    out.push(
      point('my meas,x', [{ key: 't k=1', value: 'v,a l=ue' }], t, [
        ['f k=,"q', i(1n)],
        ['esc"f', f(2.5)],
      ]),
    )
    out.push(point('eq=meas', [{ key: 'tag"key', value: 'val"ue' }], t, [['f"ield', i(3n)]]))
    out.push(point('quo"te', [{ key: 'k', value: 'v' }], t, [['v', f(4)]]))
    out.push(point('température', [{ key: 'ville', value: 'Zürich' }], t, [['valeur', f(21.5)]]))
    out.push(
      point('🌡️', [{ key: '📍', value: '🏠' }], t, [
        ['🔥', i(6n)],
        ['✨', s('✓')],
      ]),
    )
    out.push(point('日本', [{ key: '都市', value: '東京' }], t, [['気温', f(5.5)]]))
  }
  return out
}

function counter(start: bigint): DatasetPoint[] {
  const out: DatasetPoint[] = []
  for (let k = 0; k < 1200; k++)
    out.push(
      point('counter', [], start + 86400n * SECOND + BigInt(k) * 10n * SECOND, [
        ['n', i(BigInt(k) * 10n)],
      ]),
    )
  return out
}

/**
 * The steps for the shard of the shard group starting at `start` (ns). `compacted`: after the
 * deletes the shard is fully compacted (tombstones applied, one generation); otherwise a second
 * batch lands in a new generation after the deletes, rewriting part of the deleted range, and the
 * first generation keeps its tombstone file.
 */
export function shardSteps(start: bigint, compacted: boolean): DatasetStep[] {
  const salt = compacted ? 1 : 2
  const first = allTypes(start, 0, 1500, salt)
  const rangeMin = start + 100n * 10n * SECOND
  const rangeMax = start + 199n * 10n * SECOND
  const steps: DatasetStep[] = [
    {
      kind: 'write-points',
      points: [...first.lp, ...cpu(start, 300, salt), ...oddKeys(start), ...counter(start)],
    },
    { kind: 'write-unsigned', points: first.unsigned },
    { kind: 'snapshot' },
  ]
  if (compacted) {
    // A second generation before the deletes: more points of the same keys, and overwrites.
    const more = allTypes(start, 1500, 2100, salt)
    steps.push(
      { kind: 'write-points', points: [...more.lp, ...cpu(start, 5, salt + 500)] },
      { kind: 'write-unsigned', points: more.unsigned },
      { kind: 'snapshot' },
      { kind: 'delete', seriesKeys: ['all_types,host=a'], min: rangeMin, max: rangeMax },
      {
        kind: 'delete',
        seriesKeys: ['cpu,host=server03,region=us-east', '日本,都市=東京'],
        min: TOMBSTONE_MIN_TIME,
        max: TOMBSTONE_MAX_TIME,
      },
      { kind: 'compact-full' },
    )
  } else {
    const again = allTypes(start, 150, 170, salt + 1000)
    steps.push(
      { kind: 'delete', seriesKeys: ['all_types,host=a'], min: rangeMin, max: rangeMax },
      {
        kind: 'delete',
        seriesKeys: ['cpu,host=server03,region=us-east'],
        min: TOMBSTONE_MIN_TIME,
        max: TOMBSTONE_MAX_TIME,
      },
      {
        kind: 'write-points',
        points: [
          ...again.lp,
          ...cpu(start + 30n * SECOND, 1, salt).filter((p) => p.seriesKey.includes('server03')),
        ],
      },
      { kind: 'write-unsigned', points: again.unsigned },
      { kind: 'snapshot' },
    )
  }
  return steps
}

function escFieldKey(k: string): string {
  return k.replace(/[, ="]/g, '\\$&')
}

function formatValue(v: DatasetValue): string {
  switch (v.type) {
    case 'float':
      return Object.is(v.v, -0) ? '-0.0' : String(v.v)
    case 'integer':
      return `${v.v}i`
    case 'unsigned':
      return `${v.v}u`
    case 'boolean':
      return v.v ? 'true' : 'false'
    case 'string':
      return `"${v.v.replace(/["\\]/g, '\\$&')}"`
    default: {
      const never: never = v
      throw new Error(`unknown value ${String(never)}`)
    }
  }
}

/** The points as one line protocol body (nanosecond timestamps). */
export function toLineProtocol(points: readonly DatasetPoint[]): string {
  return points
    .map(
      (p) =>
        `${p.seriesKey} ${[...p.fields].map(([k, v]) => `${escFieldKey(k)}=${formatValue(v)}`).join(',')} ${p.time}`,
    )
    .join('\n')
}

/** The unsigned fields of `points` grouped by TSM key, sorted by time, for Shard.writeValues. */
export function toUnsignedValues(points: readonly DatasetPoint[]): Map<string, Values> {
  const byKey = new Map<string, { t: bigint; v: bigint }[]>()
  for (const p of points) {
    for (const [field, v] of p.fields) {
      if (v.type !== 'unsigned') continue
      const key = `${p.seriesKey}#!~#${field}`
      let list = byKey.get(key)
      if (list === undefined) byKey.set(key, (list = []))
      list.push({ t: p.time, v: v.v })
    }
  }
  const out = new Map<string, Values>()
  for (const [key, list] of byKey) {
    list.sort((a, c) => (a.t < c.t ? -1 : a.t > c.t ? 1 : 0))
    out.set(key, {
      kind: 'unsigned',
      times: BigInt64Array.from(list, (x) => x.t),
      values: BigUint64Array.from(list, (x) => x.v),
    })
  }
  return out
}

function cellOfValue(v: DatasetValue): Cell {
  switch (v.type) {
    case 'float':
      return floatCell(v.v)
    case 'integer':
    case 'unsigned':
      return integerCell(v.v)
    case 'boolean':
    case 'string':
      return v.v
    default: {
      const never: never = v
      throw new Error(`unknown value ${String(never)}`)
    }
  }
}

interface ModelSeries {
  readonly measurement: string
  readonly tags: readonly Tag[]
  /** field → time → (type, cell). */
  readonly fields: Map<string, Map<bigint, { type: FieldType; cell: Cell }>>
}

/** What one shard must hold after its steps: plain maps, no engine code involved. */
export class ShardModel {
  readonly #series = new Map<string, ModelSeries>()
  /** Field types written per measurement (a shard keeps a field while its measurement lives). */
  readonly #fieldTypes = new Map<string, Map<string, FieldType>>()

  /** Applies one step (snapshots and compactions change nothing visible). */
  apply(step: DatasetStep): void {
    if (step.kind === 'snapshot' || step.kind === 'compact-full') return
    if (step.kind === 'delete') {
      for (const key of step.seriesKeys) {
        for (const times of this.#series.get(key)?.fields.values() ?? []) {
          for (const t of [...times.keys()]) if (t >= step.min && t <= step.max) times.delete(t)
        }
      }
      return
    }
    for (const p of step.points) {
      let series = this.#series.get(p.seriesKey)
      if (series === undefined)
        this.#series.set(
          p.seriesKey,
          (series = { measurement: p.measurement, tags: p.tags, fields: new Map() }),
        )
      let types = this.#fieldTypes.get(p.measurement)
      if (types === undefined) this.#fieldTypes.set(p.measurement, (types = new Map()))
      for (const [field, v] of p.fields) {
        types.set(field, v.type)
        let times = series.fields.get(field)
        if (times === undefined) series.fields.set(field, (times = new Map()))
        times.set(p.time, { type: v.type, cell: cellOfValue(v) })
      }
    }
  }

  #live(): [string, ModelSeries][] {
    return [...this.#series].filter(([, s]) => [...s.fields.values()].some((t) => t.size > 0))
  }

  /** Adds every surviving value to `builder`. */
  addValues(builder: SelectAnswerBuilder): void {
    for (const [key, s] of this.#live()) {
      for (const [field, times] of s.fields) {
        for (const [t, { type, cell }] of times)
          builder.addValue(s.measurement, key, s.tags, field, type, t, cell)
      }
    }
  }

  /** Adds the surviving series, and the field types of measurements that still have series. */
  addSchema(schema: SchemaModel): void {
    const live = this.#live()
    for (const [key, s] of live) schema.addSeries(s.measurement, key, s.tags)
    for (const m of new Set(live.map(([, s]) => s.measurement))) {
      for (const [field, type] of this.#fieldTypes.get(m) ?? []) schema.addField(m, field, type)
    }
  }
}

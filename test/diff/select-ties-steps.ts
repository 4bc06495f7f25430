// Differential steps for issue #4, on a database of their own (`i4`): selectors and aggregates
// over several series merged into one tag set whose points share timestamps (InfluxDB feeds them
// through a Go heap, which is not stable: which tied point percentile(), first(), last() … pick
// depends on its exact order), and integral() with ORDER BY time DESC and with SLIMIT/SOFFSET.
// Part of the data is written before the Tidemark snapshot (TSM files), part after (cache); it
// spans three shard groups. Queries name `i4..m` so they run on the suite's default database.

import { q, w, type Step } from './diff-runner.js'
import { rng } from './select-engine-data.js'

const DB = 'i4'

/** 2020-03-02T00:00:00Z in seconds. */
const T0 = 1_583_107_200
const H = 3600

/**
 * Measurement `tie`: five series (h = a … e; g = x for a-c, y for d-e) with points every 8 hours
 * at the same times, small values (many ties), an integer and a string field for aux columns.
 */
function tieLines(fromStep: number, toStep: number): string[] {
  const lines: string[] = []
  for (let k = 0; k < 5; k++) {
    const r = rng(11 + k * 7)
    for (let j = 0; j < toStep; j++) {
      const skip = r() < 0.15
      const v = Math.floor(r() * 3)
      const n = Math.floor(r() * 4)
      const s = Math.floor(r() * 3)
      if (j < fromStep || skip) continue
      const h = 'abcde'[k] ?? ''
      const g = k < 3 ? 'x' : 'y'
      lines.push(`tie,h=${h},g=${g} v=${v / 2},n=${n}i,s="s${s}" ${T0 + j * 8 * H}`)
    }
  }
  return lines
}

/** Measurement `fl`: series with one point each at the same time (the first()/last() cases). */
const FL = [
  ['p', [0, 1, 2]],
  ['q', [5, 1, 2]],
  ['r', [1, 1, 1, 1]],
  ['s', [3, 0, 2, 7, 7]],
] as const

function flLines(): string[] {
  return FL.flatMap(([m, values]) =>
    values.map((v, k) => `fl,m=${m},h=${'abcde'[k] ?? ''} v=${v},n=${v}i ${T0 + 100}`),
  )
}

/**
 * Measurement `rev`: four series created in reverse key order (h = d, c, b, a; g = y for c and d)
 * with points at the same times, so the order of creation (the index's) and the key order differ
 * for the points that tie. `from` and `to` are steps of 8 hours.
 */
function revLines(from: number, to: number): string[] {
  const lines: string[] = []
  for (let j = from; j < to; j++)
    for (const [k, h] of ['d', 'c', 'b', 'a'].entries())
      lines.push(`rev,h=${h},g=${k < 2 ? 'y' : 'x'} v=${(j + k) % 3},n=${j}i ${T0 + j * 8 * H}`)
  return lines
}

/** Written before the snapshot: the database and the first half of `tie` and `rev`, and `fl`. */
export function tieWrites(): Step[] {
  return [
    q(`CREATE DATABASE ${DB}`),
    w(DB, [...tieLines(0, 20), ...flLines(), ...revLines(0, 20)].join('\n'), { precision: 's' }),
  ]
}

/** Written after the snapshot: the second half of `tie` and `rev`. */
export function tieLaterWrites(): Step[] {
  return [w(DB, [...tieLines(20, 39), ...revLines(20, 39)].join('\n'), { precision: 's' })]
}

/** The whole of `tie`: 2020-03-02 to 2020-03-15, in three shard groups. */
const R = "time >= '2020-03-02T00:00:00Z' AND time < '2020-03-15T00:00:00Z'"
const TIE = `${DB}..tie`
const FLM = `${DB}..fl`
const REV = `${DB}..rev`

/** Selectors and aggregates over tied points of several series (issue #4, item 2). */
export const tieQueries: readonly string[] = [
  ...[5, 20, 35, 50, 65, 80, 95].flatMap((p) => [
    `SELECT percentile(v, ${p}) FROM ${TIE} WHERE ${R}`,
    `SELECT percentile(v, ${p}), n FROM ${TIE} WHERE ${R}`,
    `SELECT percentile(v, ${p}), s FROM ${TIE} WHERE ${R}`,
  ]),
  `SELECT percentile(v, 50), h FROM ${TIE} WHERE ${R}`,
  `SELECT percentile(v, 50), n, s FROM ${TIE} WHERE ${R}`,
  `SELECT percentile(v, 40), n FROM ${TIE} WHERE ${R} GROUP BY g`,
  `SELECT percentile(v, 30), n FROM ${TIE} WHERE ${R} GROUP BY time(1d)`,
  `SELECT percentile(v, 70), n FROM ${TIE} WHERE ${R} ORDER BY time DESC`,
  `SELECT percentile(v, 60), n FROM ${TIE} WHERE ${R} GROUP BY time(2d), g ORDER BY time DESC`,
  `SELECT percentile(n, 50), v FROM ${TIE} WHERE ${R}`,
  `SELECT mode(v), stddev(v), median(v), spread(v) FROM ${TIE} WHERE ${R}`,
  `SELECT mode(n), stddev(v) FROM ${TIE} WHERE ${R} GROUP BY time(2d), g`,
  `SELECT stddev(v) FROM ${TIE} WHERE ${R} ORDER BY time DESC`,
  `SELECT top(v, 4), n FROM ${TIE} WHERE ${R}`,
  `SELECT bottom(v, 3), s FROM ${TIE} WHERE ${R} GROUP BY g`,
  `SELECT top(n, 2) FROM ${TIE} WHERE ${R} GROUP BY time(2d)`,
  `SELECT difference(v) FROM ${TIE} WHERE ${R} AND time < '2020-03-05T00:00:00Z'`,
  `SELECT cumulative_sum(v) FROM ${TIE} WHERE ${R} AND time < '2020-03-05T00:00:00Z' ORDER BY time DESC`,
  `SELECT distinct(v) FROM ${TIE} WHERE ${R} GROUP BY time(3d)`,
  `SELECT first(v), n FROM ${TIE} WHERE ${R}`,
  `SELECT last(v), s FROM ${TIE} WHERE ${R}`,
  `SELECT first(v), h FROM ${TIE} WHERE ${R} GROUP BY g`,
  `SELECT last(n), h FROM ${TIE} WHERE ${R} ORDER BY time DESC`,
  `SELECT first(v), last(v) FROM ${TIE} WHERE ${R}`,
  `SELECT min(v), n FROM ${TIE} WHERE ${R}`,
  `SELECT max(v), h FROM ${TIE} WHERE ${R} GROUP BY g`,
  ...['p', 'q', 'r', 's'].flatMap((m) => [
    `SELECT first(v), h FROM ${FLM} WHERE m = '${m}'`,
    `SELECT last(v), h FROM ${FLM} WHERE m = '${m}'`,
    `SELECT first(v) FROM ${FLM} WHERE m = '${m}'`,
    `SELECT last(n), h FROM ${FLM} WHERE m = '${m}'`,
  ]),
  `SELECT first(v), h FROM ${FLM} GROUP BY m`,
  // Raw points that tie across series created out of key order: influxd puts them in key order.
  `SELECT * FROM ${REV} WHERE ${R}`,
  `SELECT v, h FROM ${REV} WHERE ${R} ORDER BY time DESC`,
  `SELECT v, h FROM ${REV} WHERE ${R} GROUP BY g`,
  `SELECT * FROM ${REV} WHERE ${R} LIMIT 7 OFFSET 2`,
  `SELECT v, h FROM ${REV} WHERE ${R} AND v > 0`,
  `SELECT * FROM (SELECT v, h FROM ${REV} WHERE ${R})`,
  // Left out: with an expression over fields (`v * 2, n`) influxd merges the series through its
  // Go heap, which is not stable, and ties come out in neither key nor creation order.
]

/**
 * integral() over `tie` with ORDER BY time DESC (one tag set) and SLIMIT/SOFFSET (issue #4,
 * item 3). With several tag sets in one answer influxd's order is not repeatable: each tag set's
 * last window comes when its stream closes, in Go map order. Those are left out.
 */
export const tieIntegralQueries: readonly string[] = [
  `SELECT integral(v) FROM ${TIE} WHERE ${R} ORDER BY time DESC`,
  `SELECT integral(n) FROM ${TIE} WHERE ${R} ORDER BY time DESC`,
  `SELECT integral(v, 1h) FROM ${TIE} WHERE ${R} GROUP BY time(1d) ORDER BY time DESC`,
  `SELECT integral(n, 1h) FROM ${TIE} WHERE ${R} GROUP BY time(2d) ORDER BY time DESC`,
  `SELECT integral(v, 1h) FROM ${TIE} WHERE ${R} GROUP BY time(1d)`,
  `SELECT integral(v) FROM ${TIE} WHERE ${R} AND h = 'a' GROUP BY time(12h) ORDER BY time DESC`,
  `SELECT integral(v) FROM ${TIE} WHERE ${R} GROUP BY g SLIMIT 1`,
  `SELECT integral(v) FROM ${TIE} WHERE ${R} GROUP BY g SLIMIT 1 SOFFSET 1`,
  `SELECT integral(v) FROM ${TIE} WHERE ${R} GROUP BY g ORDER BY time DESC SLIMIT 1`,
  `SELECT integral(n, 1h) FROM ${TIE} WHERE ${R} GROUP BY time(1d), h ORDER BY time DESC SLIMIT 1 SOFFSET 3`,
  `SELECT integral(v, 1h) FROM ${TIE} WHERE ${R} GROUP BY time(1d), h SLIMIT 1 SOFFSET 2`,
  `SELECT mean(v) FROM ${TIE} WHERE ${R} GROUP BY h ORDER BY time DESC SLIMIT 2 SOFFSET 1`,
  `SELECT v FROM ${TIE} WHERE ${R} GROUP BY h ORDER BY time DESC SLIMIT 1 SOFFSET 1`,
]

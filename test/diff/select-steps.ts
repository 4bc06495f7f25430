// Differential steps for the first slice of SELECT: raw selects (field and tag lists, wildcards,
// time and tag conditions, GROUP BY tags, ORDER BY time DESC, LIMIT/OFFSET, SLIMIT/SOFFSET,
// several measurements, regex sources, db.rp.m) and aggregates/selectors without GROUP BY time.
// Data spans several shard groups; part of it is snapshotted to TSM files before the rest is
// written, so Tidemark reads cache and TSM together. Times are distinct across series here;
// select-ties-steps.ts (database i4) has equal times across series, which InfluxDB orders by its
// merge heap.

import { q, w, type Step } from './diff-runner.js'
import { tieLaterWrites, tieQueries, tieWrites } from './select-ties-steps.js'
import { unsignedWrites } from './select-unsigned-steps.js'

export const DB = 'sel'

const DAY_S = 86_400
const T0_S = 1_577_836_800 // 2020-01-01T00:00:00Z

function at(day: number, sec: number): number {
  return T0_S + day * DAY_S + sec
}

/** Points before the TSM snapshot: three shard groups (autogen groups are 7 days). */
export function firstWrites(): Step[] {
  const lines: string[] = []
  for (let d = 0; d < 21; d += 3) {
    lines.push(`cpu,host=a,region=east usage=${d + 0.5},idle=${100 - d}i,ok=true ${at(d, 1)}`)
    lines.push(`cpu,host=b,region=west usage=${d * 2 + 0.25},idle=${90 - d}i ${at(d, 2)}`)
    lines.push(`cpu,host=c usage=${d / 4},note="n${d}" ${at(d, 3)}`)
    lines.push(`mem,host=a free=${1000 + d}i,used=${d * 1.5} ${at(d, 4)}`)
  }
  return [
    q(`CREATE DATABASE ${DB}`),
    q(`CREATE RETENTION POLICY other ON ${DB} DURATION INF REPLICATION 1`),
    w(DB, lines.join('\n'), { precision: 's' }),
    ...tieWrites(),
    ...unsignedWrites(),
  ]
}

/** Points after the snapshot: more of the same series and new ones, another policy, recent data. */
export function laterWrites(nowNs: bigint): Step[] {
  const lines: string[] = []
  for (let d = 1; d < 22; d += 5) {
    lines.push(`cpu,host=a,region=east usage=${d + 0.75} ${at(d, 5)}`)
    lines.push(`cpu,host=d,region=east usage=${d * 3},idle=7i ${at(d, 6)}`)
    lines.push(`disk,host=a,path=/ total=${d * 10}i ${at(d, 7)}`)
  }
  const s = nowNs / 1_000_000_000n
  return [
    w(DB, lines.join('\n'), { precision: 's' }),
    w(
      DB,
      [
        `recent,host=a v=1 ${s - 7200n}`,
        `recent,host=a v=2 ${s - 1800n}`,
        `recent,host=b v=3 ${s - 60n}`,
      ].join('\n'),
      { precision: 's' },
    ),
    w(DB, [`cpu,host=z usage=42 ${at(2, 9)}`, `elsewhere v=1i ${at(2, 10)}`].join('\n'), {
      precision: 's',
      rp: 'other',
    }),
    ...tieLaterWrites(),
  ]
}

/**
 * One shard group, Monday to Monday (InfluxDB 1.6 applies SLIMIT per shard, so limits are compared within one).
 * Aggregates over now()-relative ranges are not compared: the two servers' now() differ.
 */
const WEEK3 = "time >= '2020-01-06T00:00:00Z' AND time < '2020-01-13T00:00:00Z'"

const EPOCH = { epoch: 'ns' }

/** Each query, once with RFC3339 times and once with epoch=ns. */
function both(text: string): Step[] {
  return [q(text, DB), q(text, DB, { params: EPOCH })]
}

/** Raw selects. */
export const rawQueries: readonly string[] = [
  'SELECT usage FROM cpu',
  'SELECT usage, idle FROM cpu',
  'SELECT * FROM cpu',
  'SELECT *::field FROM cpu',
  'SELECT usage, host, region FROM cpu',
  'SELECT usage AS u, usage FROM cpu',
  'SELECT nothing FROM cpu',
  'SELECT usage, nothing FROM cpu',
  'SELECT note FROM cpu',
  "SELECT usage FROM cpu WHERE time >= '2020-01-07T00:00:00Z' AND time < '2020-01-13T00:00:00Z'",
  `SELECT usage FROM cpu WHERE time > ${at(5, 0)}000000000`,
  "SELECT usage FROM cpu WHERE host = 'a'",
  "SELECT usage FROM cpu WHERE host != 'a'",
  'SELECT usage FROM cpu WHERE host =~ /^[ab]$/',
  'SELECT usage FROM cpu WHERE host !~ /a/',
  "SELECT usage FROM cpu WHERE host = 'a' OR region = 'west'",
  "SELECT usage FROM cpu WHERE region = 'east' AND host = 'd'",
  "SELECT usage FROM cpu WHERE region = ''",
  "SELECT usage FROM cpu WHERE host = 'nobody'",
  'SELECT usage FROM cpu GROUP BY host',
  'SELECT usage FROM cpu GROUP BY region',
  'SELECT * FROM cpu GROUP BY *',
  'SELECT * FROM cpu GROUP BY host, region',
  'SELECT usage FROM cpu ORDER BY time DESC',
  'SELECT usage FROM cpu LIMIT 3',
  'SELECT usage FROM cpu LIMIT 2 OFFSET 3',
  'SELECT usage FROM cpu GROUP BY host LIMIT 1',
  'SELECT usage FROM cpu GROUP BY host ORDER BY time DESC LIMIT 2 OFFSET 1',
  `SELECT usage FROM cpu WHERE ${WEEK3} GROUP BY host SLIMIT 2`,
  `SELECT usage FROM cpu WHERE ${WEEK3} GROUP BY host SLIMIT 2 SOFFSET 1`,
  `SELECT usage FROM cpu WHERE ${WEEK3} GROUP BY host ORDER BY time DESC SLIMIT 2 SOFFSET 1`,
  'SELECT * FROM cpu, mem',
  'SELECT free, usage FROM mem, cpu',
  'SELECT * FROM /^(mem|disk)$/',
  'SELECT * FROM /nomatch/',
  'SELECT * FROM sel.other.cpu',
  'SELECT * FROM sel..cpu',
  'SELECT * FROM sel.other./.*/',
  'SELECT v FROM recent WHERE time > now() - 1h',
  'SELECT v FROM recent WHERE time > now() - 3h AND time < now() - 10m',
  'SELECT * FROM nosuch',
]

/** Aggregates and selectors without GROUP BY time. */
export const aggregateQueries: readonly string[] = [
  'SELECT count(usage) FROM cpu',
  'SELECT sum(usage), mean(usage), spread(usage) FROM cpu',
  'SELECT sum(idle), mean(idle), spread(idle), count(idle) FROM cpu',
  'SELECT min(usage) FROM cpu',
  'SELECT max(idle) FROM cpu',
  'SELECT first(usage) FROM cpu',
  'SELECT last(usage) FROM cpu',
  'SELECT first(note), last(note), count(note) FROM cpu',
  'SELECT min(usage), max(usage) FROM cpu',
  'SELECT max(usage) AS top FROM cpu GROUP BY host',
  'SELECT count(usage), mean(usage) FROM cpu GROUP BY region',
  'SELECT count(usage) FROM cpu GROUP BY *',
  "SELECT count(usage) FROM cpu WHERE time >= '2020-01-05T00:00:00Z'",
  "SELECT last(usage) FROM cpu WHERE host = 'b' AND time < '2020-01-10T00:00:00Z'",
  'SELECT mean(usage) FROM cpu, mem',
  'SELECT count(free) FROM /./',
  `SELECT count(usage) FROM cpu WHERE ${WEEK3} GROUP BY host SLIMIT 2 SOFFSET 1`,
  'SELECT last(v) FROM recent WHERE time > now() - 1h',
  'SELECT count(usage), usage FROM cpu',
  'SELECT time FROM cpu',
  // Issue #4: tied points of several series (select-ties-steps.ts).
  ...tieQueries,
]

/** Every query step, each with and without epoch=ns. */
export function selectSteps(queries: readonly string[]): Step[] {
  return queries.flatMap(both)
}

// Differential steps for the corners: inclusive and exclusive DELETE time bounds, escaped names,
// dropped retention policies and measurements seen by the index statements, the request's `rp`,
// GROUP BY in cardinalities, statement numbering after rewrite errors, bound parameters, and the
// shapes (not the values) of SHOW DIAGNOSTICS and SHOW STATS.

import { q, runningQuery, w, type Step } from './diff-runner.js'

const DB = 'edge'

interface Row {
  name?: string
  tags?: Record<string, string>
  columns?: string[]
}

/** Keeps only the named sections' names, tag keys and columns (values are per process). */
export function shapesOf(names: readonly string[]): (body: string) => string {
  return (body) => {
    try {
      const doc = JSON.parse(body) as { results?: { series?: Row[] }[] }
      const out: string[] = []
      for (const r of doc.results ?? []) {
        for (const s of r.series ?? []) {
          if (!names.includes(s.name ?? '')) continue
          const entry = `${s.name ?? ''}[${Object.keys(s.tags ?? {}).join(',')}](${(s.columns ?? []).join(',')})`
          if (!out.includes(entry)) out.push(entry)
        }
      }
      return out.join('\n')
    } catch {
      return body
    }
  }
}

/** The steps, in order, on a fresh database. */
export function edgeSteps(nowNs: bigint): Step[] {
  return [
    q(`CREATE DATABASE ${DB}`),
    q(`CREATE RETENTION POLICY other ON ${DB} DURATION 2d REPLICATION 1`),
    w(
      DB,
      [
        'bounds,k=a v=1 10',
        'bounds,k=a v=2 20',
        'bounds,k=a v=3 30',
        'bounds,k=b v=1 10',
        'bounds,k=c v=1 20',
        'bounds,k=d v=1 15',
        'bounds,k=f v=1 5',
      ].join('\n'),
    ),
    w(
      DB,
      ['odd\\,meas,tag\\ key=tag\\,value field\\ key=1 5', 'spaced\\ m,t=1 f\\ k=2i 5'].join('\n'),
    ),
    w(DB, [`only_other,t=x v=1 ${nowNs}`, `bounds,k=e v=1 ${nowNs}`].join('\n'), { rp: 'other' }),
    q('DELETE FROM bounds WHERE time > 10 AND time < 20', DB),
    q('SHOW SERIES FROM bounds', DB),
    q('DELETE FROM bounds WHERE time >= 20 AND time < 30', DB),
    q('SHOW SERIES FROM bounds', DB),
    q("DELETE FROM bounds WHERE time = 10 AND k = 'b'", DB),
    q('SHOW SERIES FROM bounds', DB),
    q('DELETE FROM bounds WHERE time <= 5 AND k =~ /f|z/', DB),
    q('SHOW SERIES FROM bounds', DB),
    q('SHOW SERIES EXACT CARDINALITY FROM bounds', DB),
    q('SHOW MEASUREMENTS', DB),
    q('SHOW TAG KEYS', DB),
    q('SHOW TAG VALUES WITH KEY =~ /.*/', DB),
    q('SHOW FIELD KEYS', DB),
    q('SHOW FIELD KEYS FROM /.*/', DB),
    q('SHOW SERIES', DB),
    q('SHOW SERIES', DB, { params: { rp: 'other' } }),
    q('SHOW FIELD KEYS', DB, { params: { rp: 'other' } }),
    q('SHOW SERIES EXACT CARDINALITY', DB, { params: { rp: 'other' } }),
    q(`SHOW SERIES WHERE time > ${nowNs - 3_600_000_000_000n}`, DB),
    q(`SHOW SERIES FROM other.bounds WHERE time > ${nowNs - 3_600_000_000_000n}`, DB),
    q('SHOW SERIES EXACT CARDINALITY GROUP BY k', DB),
    q('SHOW TAG KEY CARDINALITY GROUP BY k', DB),
    q('SHOW DATABASES; SHOW MEASUREMENTS WHERE time > 0; SHOW DATABASES', DB),
    q('SHOW DATABASES; SHOW RETENTION POLICIES ON nodb; SHOW DATABASES; SHOW DATABASES', DB, {
      params: { chunked: 'true' },
    }),
    q('SHOW DATABASES; DELETE FROM bounds WHERE v > 0; SHOW DATABASES', DB),
    q('SHOW MEASUREMENTS WITH MEASUREMENT =~ $re', DB, {
      params: { params: '{"re":{"regex":"^sp"}}' },
    }),
    q('SHOW TAG VALUES FROM $m WITH KEY = "t"', DB, {
      params: { params: '{"m":{"identifier":"spaced m"}}' },
    }),
    q('SHOW MEASUREMENTS LIMIT $n OFFSET $o', DB, {
      params: { params: '{"n":{"integer":1},"o":1}' },
    }),
    q('SHOW MEASUREMENTS LIMIT $n', DB, { params: { params: '{"n":{"integer":"x"}}' } }),
    q('SHOW SERIES WHERE k = $v', DB, { params: { params: '{"v":{"string":"a"}}' } }),
    q(
      'CREATE CONTINUOUS QUERY "my cq" ON edge BEGIN SELECT sum(v) INTO "odd target" FROM bounds GROUP BY time(1d) END',
      'other_db',
    ),
    q('CREATE DATABASE other_db'),
    q(
      'CREATE CONTINUOUS QUERY "my cq" ON edge BEGIN SELECT sum(v) INTO "odd target" FROM bounds GROUP BY time(1d) END',
      'other_db',
    ),
    q(
      'CREATE CONTINUOUS QUERY cq2 ON edge BEGIN SELECT sum(v) INTO x FROM bounds, other.only_other GROUP BY time(1d) END',
      undefined,
      { params: { rp: 'other' } },
    ),
    q('SHOW CONTINUOUS QUERIES'),
    q('SHOW QUERIES', DB, { normalize: runningQuery }),
    q('SHOW SHARDS', undefined, { params: { epoch: 'ms' } }),
    q('DROP MEASUREMENT "odd,meas"', DB),
    q('SHOW MEASUREMENT CARDINALITY', DB),
    q('SHOW MEASUREMENT EXACT CARDINALITY', DB),
    // InfluxDB 1.6's inmem index keeps a dropped policy's measurements until restart; we do not
    // copy that, so only the shard-based answers are compared after the drop.
    q('DROP RETENTION POLICY other ON edge'),
    q('SHOW SERIES CARDINALITY', DB),
    q('SHOW DIAGNOSTICS', undefined, {
      normalize: shapesOf(['build', 'network', 'runtime', 'system']),
    }),
    q("SHOW DIAGNOSTICS FOR 'build'", undefined, { normalize: shapesOf(['build']) }),
    q("SHOW DIAGNOSTICS FOR 'nothing'"),
    q('SHOW STATS', undefined, { normalize: shapesOf(['runtime', 'queryExecutor', 'database']) }),
    q("SHOW STATS FOR 'queryExecutor'", undefined, { normalize: shapesOf(['queryExecutor']) }),
    q("SHOW STATS FOR 'indexes'", undefined, { normalize: shapesOf(['indexes']) }),
    q("SHOW STATS FOR 'nothing'"),
    q('DROP DATABASE edge; DROP DATABASE other_db; SHOW DATABASES'),
  ]
}

// Differential steps over written data: the schema exploration statements (measurements, series,
// tag keys and values, field keys, the cardinalities), writes that fail, shards, continuous
// queries, subscriptions, deletes and drops. `nowNs` dates the points of the short policy.

import { q, runningQuery, w, type Step } from './diff-runner.js'

const DB = 'data'

/** InfluxDB walks shards concurrently and reports the first to fail: which shard is a race. */
function anyShard(body: string): string {
  return body.replace(/shard \d+:/, 'shard N:')
}

function lines(nowNs: bigint): { base: string; recent: string } {
  const base = [
    'cpu,host=a,region=us v=1 1000000000',
    'cpu,host=b v=2 2000000000',
    'cpu,host=c,region=eu v=3,w=1i 3000000000',
    'mem,host=a free=3i 1000000000',
    'disk,dev=sda used=5 1000000000',
    'notag v=1,s="x" 1000000000',
    'h2o,location=coyote_creek water_level=8.1 2000000000',
    'weird\\ name,tag\\,k=va\\=l v=1 1000000000',
  ].join('\n')
  const recent = [`net,iface=eth0 rx=1 ${nowNs}`, `cpu,host=z v=9 ${nowNs}`].join('\n')
  return { base, recent }
}

/** The data every later step reads: one database, its default policy and a 2-day policy. */
export function setupSteps(nowNs: bigint): Step[] {
  const { base, recent } = lines(nowNs)
  return [
    q(`CREATE DATABASE ${DB}`),
    q(`CREATE RETENTION POLICY recent ON ${DB} DURATION 2d REPLICATION 1`),
    w(DB, base),
    w(DB, recent, { rp: 'recent' }),
  ]
}

/** SHOW MEASUREMENTS, SERIES, TAG KEYS, TAG VALUES, FIELD KEYS. */
export const exploreSteps: readonly Step[] = [
  q('SHOW MEASUREMENTS', DB),
  q(`SHOW MEASUREMENTS ON ${DB}`),
  q('SHOW MEASUREMENTS WITH MEASUREMENT = cpu', DB),
  q('SHOW MEASUREMENTS WITH MEASUREMENT =~ /c.*|d.*/', DB),
  q('SHOW MEASUREMENTS LIMIT 2', DB),
  q('SHOW MEASUREMENTS OFFSET 2', DB),
  q('SHOW MEASUREMENTS LIMIT 1 OFFSET 1', DB),
  q("SHOW MEASUREMENTS WHERE host = 'a'", DB),
  q("SHOW MEASUREMENTS WHERE host != 'a'", DB),
  q("SHOW MEASUREMENTS WHERE host =~ /a|b/ AND region = 'us'", DB),
  q("SHOW MEASUREMENTS WHERE host = 'a' OR dev = 'sda'", DB),
  q('SHOW MEASUREMENTS WHERE v = 1', DB),
  q('SHOW MEASUREMENTS WHERE time > 0', DB),
  q('SHOW MEASUREMENTS WITH MEASUREMENT =~ /nothing/', DB),
  q('SHOW MEASUREMENTS ON nodb'),
  q('SHOW MEASUREMENTS'),
  q('SHOW SERIES', DB),
  q(`SHOW SERIES ON ${DB} FROM cpu`),
  q('SHOW SERIES FROM /c.*/', DB),
  q("SHOW SERIES WHERE host = 'a'", DB),
  q("SHOW SERIES WHERE host = ''", DB),
  q('SHOW SERIES WHERE region !~ /u.*/', DB),
  q("SHOW SERIES WHERE host <> 'a'", DB),
  q('SHOW SERIES LIMIT 2 OFFSET 1', DB),
  q('SHOW SERIES FROM recent.net', DB),
  q('SHOW SERIES WHERE time > 0', DB),
  q("SHOW SERIES WHERE time > 0 AND host = 'a'", DB),
  q('SHOW SERIES WHERE v = 1', DB),
  q("SHOW SERIES WHERE host > 'a'", DB),
  q('SHOW SERIES FROM nope.cpu', DB),
  q('SHOW SERIES ON nodb'),
  q('SHOW SERIES'),
  q('SHOW SERIES WHERE host = $h', DB, { params: { params: '{"h":"b"}' } }),
  q('SHOW TAG KEYS', DB),
  q('SHOW TAG KEYS FROM cpu', DB),
  q('SHOW TAG KEYS FROM cpu LIMIT 1 OFFSET 1', DB),
  q("SHOW TAG KEYS WHERE host = 'a'", DB),
  q("SHOW TAG KEYS WHERE host = 'a' OR dev = 'sda'", DB),
  q('SHOW TAG KEYS FROM /c.*/, mem', DB),
  q('SHOW TAG KEYS SLIMIT 1', DB),
  q('SHOW TAG KEYS WHERE time > now() - 1h', DB),
  q('SHOW TAG KEYS WHERE time < 0', DB),
  q('SHOW TAG KEYS ON nodb'),
  q('SHOW TAG VALUES WITH KEY = host', DB),
  q('SHOW TAG VALUES WITH KEY IN (host, region)', DB),
  q('SHOW TAG VALUES WITH KEY =~ /.*/', DB),
  q('SHOW TAG VALUES WITH KEY != host', DB),
  q('SHOW TAG VALUES WITH KEY !~ /h.*/', DB),
  q("SHOW TAG VALUES WITH KEY = host WHERE region = 'us'", DB),
  q('SHOW TAG VALUES FROM cpu WITH KEY = host LIMIT 1 OFFSET 1', DB),
  q('SHOW TAG VALUES WITH KEY = nokey', DB),
  q("SHOW TAG VALUES WITH KEY =~ /.*/ WHERE host = 'a'", DB),
  q('SHOW TAG VALUES ON nodb WITH KEY = host'),
  q('SHOW TAG VALUES WITH KEY = host'),
  q('SHOW FIELD KEYS', DB),
  q('SHOW FIELD KEYS FROM cpu', DB),
  q('SHOW FIELD KEYS FROM recent.net', DB),
  q('SHOW FIELD KEYS FROM recent.cpu', DB),
  q('SHOW FIELD KEYS LIMIT 1 OFFSET 1', DB),
  q('SHOW FIELD KEYS ON nodb'),
  q('SHOW FIELD KEYS FROM nope.cpu', DB),
  q('SHOW FIELD KEYS', DB, { params: { chunked: 'true' } }),
  q('SHOW SERIES', DB, { params: { chunked: 'true', chunk_size: '2' } }),
  q('SHOW SERIES', DB, { params: { chunk_size: '2' } }),
  q('SHOW TAG KEYS; SHOW SERIES EXACT CARDINALITY', DB, { params: { chunked: 'true' } }),
  q('SHOW MEASUREMENTS; SHOW TAG VALUES WITH KEY = host', DB, {
    params: { chunked: 'true', chunk_size: '1' },
  }),
]

/** The cardinality statements, estimated and exact. */
export const cardinalitySteps: readonly Step[] = [
  q('SHOW SERIES CARDINALITY', DB),
  q('SHOW SERIES EXACT CARDINALITY', DB),
  q(`SHOW SERIES EXACT CARDINALITY ON ${DB} FROM cpu`),
  q("SHOW SERIES EXACT CARDINALITY WHERE host = 'a'", DB),
  q('SHOW SERIES CARDINALITY FROM cpu', DB),
  q('SHOW SERIES EXACT CARDINALITY LIMIT 1', DB),
  q('SHOW SERIES EXACT CARDINALITY OFFSET 1', DB),
  q('SHOW SERIES EXACT CARDINALITY WHERE time > 0', DB),
  q('SHOW MEASUREMENT CARDINALITY', DB),
  q('SHOW MEASUREMENT EXACT CARDINALITY', DB),
  q("SHOW MEASUREMENT EXACT CARDINALITY WHERE host = 'a'", DB),
  q('SHOW MEASUREMENT EXACT CARDINALITY FROM recent.net', DB),
  q('SHOW TAG KEY CARDINALITY', DB),
  q('SHOW TAG KEY EXACT CARDINALITY FROM cpu', DB),
  q('SHOW TAG KEY CARDINALITY WHERE time > 0', DB),
  q('SHOW TAG VALUES CARDINALITY WITH KEY = host', DB),
  q('SHOW TAG VALUES EXACT CARDINALITY WITH KEY =~ /.*/', DB),
  q("SHOW TAG VALUES CARDINALITY WITH KEY = host WHERE region = 'us'", DB),
  q('SHOW FIELD KEY CARDINALITY', DB),
  q('SHOW FIELD KEY EXACT CARDINALITY FROM /c.*/', DB),
  q('SHOW FIELD KEY CARDINALITY WHERE time > 0', DB),
  q('SHOW SERIES CARDINALITY ON nodb'),
  q('SHOW MEASUREMENT CARDINALITY ON nodb'),
  q('SHOW SERIES EXACT CARDINALITY ON nodb'),
  q('SHOW TAG KEY CARDINALITY ON nodb'),
  q('SHOW SERIES CARDINALITY'),
]

/** Writes that fail, shards, continuous queries and subscriptions. */
export const metaSteps: readonly Step[] = [
  w(DB, 'cpu,host=a,region=us v="str" 5000000000'),
  w(DB, 'cpu,host=a,region=us v=1i 5000000000\ncpu,host=b v=4 5000000000'),
  w(DB, 'cpu v=1 1', { precision: 'xx' }),
  w('nodb', 'cpu v=1 1'),
  w(DB, 'cpu v=1 1', { rp: 'nope' }),
  q('SHOW FIELD KEYS FROM cpu', DB),
  q('SHOW SHARDS'),
  q('SHOW SHARD GROUPS'),
  q(
    'CREATE CONTINUOUS QUERY cq1 ON data BEGIN SELECT mean(v) INTO cpu_1h FROM cpu GROUP BY time(1h) END',
  ),
  q(
    'CREATE CONTINUOUS QUERY cq1 ON data BEGIN SELECT mean(v) INTO cpu_1h FROM cpu GROUP BY time(1h) END',
  ),
  q(
    'CREATE CONTINUOUS QUERY cq1 ON data BEGIN SELECT max(v) INTO cpu_1h FROM cpu GROUP BY time(1h) END',
  ),
  q(
    'CREATE CONTINUOUS QUERY cq2 ON nodb BEGIN SELECT mean(v) INTO x FROM cpu GROUP BY time(1h) END',
  ),
  q(
    'CREATE CONTINUOUS QUERY cq3 ON data RESAMPLE EVERY 2m FOR 1h BEGIN SELECT count(v) INTO recent.x FROM cpu GROUP BY time(30m), host END',
  ),
  q(
    'CREATE CONTINUOUS QUERY cq4 ON data BEGIN SELECT mean(v) INTO nope.x FROM cpu GROUP BY time(1h) END',
  ),
  q(
    'CREATE CONTINUOUS QUERY cq5 ON data BEGIN SELECT mean(v) INTO "other db"..x FROM cpu GROUP BY time(1h) END',
  ),
  q('CREATE CONTINUOUS QUERY cq6 ON data BEGIN SELECT mean(v) FROM cpu GROUP BY time(1h) END'),
  q('SHOW CONTINUOUS QUERIES'),
  q('DROP CONTINUOUS QUERY cq1 ON data'),
  q('DROP CONTINUOUS QUERY nope ON data'),
  q('DROP CONTINUOUS QUERY cq1 ON nodb'),
  q('SHOW CONTINUOUS QUERIES'),
  q("CREATE SUBSCRIPTION s1 ON data.autogen DESTINATIONS ALL 'http://h:1'"),
  q("CREATE SUBSCRIPTION s1 ON data.autogen DESTINATIONS ALL 'http://h:1'"),
  q("CREATE SUBSCRIPTION s0 ON data.recent DESTINATIONS ANY 'udp://h:1', 'http://h:2'"),
  q('SHOW SUBSCRIPTIONS'),
  q("CREATE SUBSCRIPTION s2 ON data.autogen DESTINATIONS ANY 'ftp://h:1'"),
  q("CREATE SUBSCRIPTION s3 ON data.autogen DESTINATIONS ANY 'http://noport'"),
  q("CREATE SUBSCRIPTION s4 ON nodb.autogen DESTINATIONS ALL 'http://h:1'"),
  q("CREATE SUBSCRIPTION s5 ON data.nope DESTINATIONS ALL 'http://h:1'"),
  q('DROP SUBSCRIPTION s1 ON data.autogen'),
  q('DROP SUBSCRIPTION s1 ON data.autogen'),
  q('DROP SUBSCRIPTION s1 ON nodb.autogen'),
  q('SHOW SUBSCRIPTIONS'),
  q('DROP SUBSCRIPTION s0 ON data.recent'),
  q('SHOW SUBSCRIPTIONS'),
  q('KILL QUERY 9999'),
  q('SHOW QUERIES', undefined, { normalize: runningQuery }),
]

/** DELETE, DROP SERIES, DROP MEASUREMENT, DROP SHARD and what they leave. */
export const deleteSteps: readonly Step[] = [
  q('DELETE FROM cpu WHERE time > 1000000000 AND time < 3000000000', DB),
  q('SHOW SERIES FROM cpu', DB),
  q('SHOW TAG VALUES FROM cpu WITH KEY = host', DB),
  q('DELETE FROM cpu WHERE v > 1', DB, { normalize: anyShard }),
  q('DELETE FROM cpu WHERE time > 0 OR x', DB),
  q("DELETE FROM cpu WHERE time > 'bad'", DB),
  q("DELETE FROM cpu WHERE time > '2020-13-01'", DB),
  q('DELETE FROM nomeas', DB),
  q('DELETE WHERE time > now()', DB),
  q('DELETE FROM cpu'),
  q('DELETE FROM cpu', 'nodb'),
  q("DELETE WHERE host = 'c'", DB),
  q('SHOW SERIES', DB),
  q("DROP SERIES FROM cpu WHERE host = 'a'", DB),
  q('DROP SERIES WHERE time > 1', DB),
  q('DROP SERIES FROM notag WHERE a = 1', DB, { normalize: anyShard }),
  q('DROP SERIES FROM nomeas', DB),
  q('DROP SERIES FROM cpu', 'nodb'),
  q('SHOW SERIES', DB),
  q('DROP MEASUREMENT mem', DB),
  q('DROP MEASUREMENT nosuch', DB),
  q('DROP MEASUREMENT mem'),
  q('SHOW MEASUREMENTS', DB),
  q('SHOW FIELD KEYS', DB),
  q('SHOW SERIES CARDINALITY', DB),
  q('SHOW SERIES EXACT CARDINALITY', DB),
  q('SHOW TAG KEYS', DB),
  q('DROP SHARD 2'),
  q('DROP SHARD 99'),
  q('SHOW SHARDS'),
  q('SHOW SERIES FROM recent.net', DB),
  q('DROP RETENTION POLICY recent ON data'),
  q('SHOW SHARD GROUPS'),
  q('DROP DATABASE data'),
  q('SHOW MEASUREMENTS', DB),
  q('SHOW SHARDS'),
]

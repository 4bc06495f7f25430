// Differential steps for fields whose type differs between shard groups (and between the
// measurements of one statement), on a database of their own (`types`), and for schema wildcards
// that match no field (databases `nofields` and `gone`). InfluxDB 1.6 types each field once per
// statement, the highest of its types over the mapped shards (float, integer, unsigned, string,
// boolean); a shard holding it as another numeric type converts its values, one holding it as a
// string or boolean reads nothing. Wildcards are expanded after the select list is checked, so
// ones that match no field answer nothing rather than an error.

import { q, w, type Step } from './diff-runner.js'

const DB = 'types'

/** 2020-01-01T00:00:00Z in ns; the days below are far enough apart for 7-day shard groups. */
const T0 = 1_577_836_800_000_000_000n
const DAY = 86_400_000_000_000n
const at = (days: number): string => String(T0 + BigInt(days) * DAY)

/** Before the Tidemark snapshot: the first shard group of each measurement, and unsigned fields. */
export function fieldTypeWrites(): Step[] {
  const wr = (lines: string): Step => w(DB, lines)
  return [
    q(`CREATE DATABASE ${DB}`),
    wr(`c f=1.5 ${at(0)}\nh h=5i,v=1 ${at(0)}\ng g=2.7 ${at(0)}`),
    wr(`c f=2i ${at(14)}\nh h="x",v=2 ${at(14)}\ng g=-3i ${at(14)}`),
    // uint64 values come from a cast written back by SELECT … INTO (influxd's /write refuses `1u`).
    wr(`src i=-9223372036854775803i ${at(0)}\nsrc i=5i ${at(1)}`),
    q('SELECT i::unsigned AS u INTO u FROM src', DB),
    q('SELECT i::unsigned AS uf INTO uf FROM src', DB),
    wr(`ma f=1.5 ${at(0)}\nmb f="z" ${at(0)}\nmc f=3i ${at(0)}`),
  ]
}

/** After the snapshot: the other shard groups (cache), then the queries. */
export function fieldTypeSteps(): Step[] {
  const wr = (lines: string): Step => w(DB, lines)
  const u = (text: string): Step => q(text, DB)
  return [
    wr(`c f="s" ${at(28)}\ng g=-2.7 ${at(28)}`),
    wr(`c f=true ${at(42)}\ng g=1e19 ${at(43)}`),
    wr(`u u=7i ${at(14)}\nu u=-2i ${at(15)}\nuf uf=0.5 ${at(14)}`),
    u('SHOW FIELD KEYS'),
    // float, integer, string and boolean shards: f is a float.
    u('SELECT * FROM c'),
    u('SELECT f FROM c ORDER BY time DESC'),
    u('SELECT f FROM c LIMIT 1 OFFSET 1'),
    u('SELECT count(f) FROM c'),
    u('SELECT count(*) FROM c'),
    u('SELECT mean(*) FROM c'),
    u('SELECT sum(f), mean(f), min(f), max(f), first(f), last(f) FROM c'),
    u('SELECT median(f), spread(f), mode(f), distinct(f) FROM c'),
    u('SELECT top(f, 3) FROM c'),
    u('SELECT count(f) FROM c GROUP BY time(14d) fill(none)'),
    u('SELECT f::float, f::integer FROM c'),
    u('SELECT f::string FROM c'),
    u('SELECT f::boolean FROM c'),
    u('SELECT f::string, f::boolean, f FROM c'),
    u('SELECT f::field FROM c'),
    u('SELECT count(f::string), first(f::string), count(f::boolean), sum(f::integer) FROM c'),
    u('SELECT last(f::string), f FROM c'),
    u('SELECT f + 1 FROM c'),
    u('SELECT f FROM c WHERE f > 1'),
    u("SELECT f FROM c WHERE f = 's'"),
    u("SELECT f::string FROM c WHERE f::string = 's'"),
    u('SELECT f FROM c WHERE f = true'),
    u('SELECT count(f) FROM c WHERE f > 1'),
    u('SELECT count(f) FROM (SELECT f FROM c)'),
    // Only the string and boolean shards are mapped: f is a string.
    u("SELECT * FROM c WHERE time > '2020-01-20'"),
    u("SELECT count(f) FROM c WHERE time > '2020-01-20'"),
    u("SELECT mean(*) FROM c WHERE time > '2020-01-20'"),
    // integer and string shards beside a float field.
    u('SELECT * FROM h'),
    u('SELECT h::float, h::string FROM h'),
    u("SELECT v FROM h WHERE h = 'x'"),
    u("SELECT v FROM h WHERE h::string = 'x'"),
    u('SELECT count(v) FROM h WHERE h = 5'),
    u('SELECT max(v), h FROM h'),
    u('SELECT count(*), mean(*) FROM h'),
    u("SELECT h + 'a' FROM h"),
    // float and integer shards read as integer and unsigned.
    u('SELECT g, g::integer, g::unsigned FROM g'),
    u('SELECT sum(g::integer), sum(g) FROM g'),
    u('SELECT count(g::integer) FROM g GROUP BY time(14d) fill(none)'),
    // unsigned and integer shards: u is an integer; unsigned and float shards: uf is a float.
    u('SELECT * FROM u'),
    u('SELECT u::unsigned, u::float FROM u'),
    u('SELECT sum(u), max(u), min(u), first(u) FROM u'),
    u('SELECT sum(u::unsigned), max(u::unsigned) FROM u'),
    u('SELECT u + 1, u * 2 FROM u'),
    u('SELECT u FROM u WHERE u < 0'),
    u('SELECT uf, uf::unsigned FROM uf'),
    u('SELECT sum(uf) FROM uf'),
    // One type for the whole statement, over its measurements and subqueries.
    u('SELECT f FROM ma, mb, mc'),
    u('SELECT * FROM /^m[abc]$/'),
    u('SELECT count(f) FROM ma, mb'),
    u('SELECT f::string FROM ma, mb'),
    u("SELECT f FROM ma, mb WHERE f = 'z'"),
    u("SELECT f + 'a' FROM mb, ma"),
    u('SELECT f FROM mb, (SELECT f FROM ma)'),
    u('SELECT f FROM ma, (SELECT f FROM mb)'),
    u('EXPLAIN SELECT f FROM mb, mc'),
  ]
}

/** Wildcards over databases whose measurements have no field left. */
export function noFieldSteps(): Step[] {
  const queries = (db: string): Step[] =>
    [
      'SELECT count(*) FROM /.*/',
      'SELECT count(*) FROM m',
      'SELECT * FROM m',
      'SELECT * FROM /.*/',
      'SELECT mean(*) FROM m',
      'SELECT max(/v/) FROM m',
      'SELECT /v/ FROM m',
      'SELECT time, count(*) FROM m',
      'SELECT count(*) FROM m WHERE time > 0 GROUP BY time(1d)',
      'SELECT derivative(mean(*)) FROM m WHERE time > 0 GROUP BY time(1d)',
      'SELECT count(*) FROM m; SELECT count(*) FROM /.*/',
      'SELECT count(*) INTO x FROM m',
      'EXPLAIN SELECT count(*) FROM m',
      'SELECT *, count(*) FROM m',
      'SELECT /v/ FROM m fill(none)',
    ].map((text) => q(text, db))
  return [
    q('CREATE DATABASE nofields'),
    ...queries('nofields'),
    q('CREATE DATABASE gone'),
    w('gone', 'm,t=a v=1 1000000000\nm,t=b s="x" 2000000000\nk v=1 3000000000'),
    q('DELETE FROM m', 'gone'),
    ...queries('gone'),
    q('DROP MEASUREMENT k', 'gone'),
    ...queries('gone'),
  ]
}

// Differential steps for unsigned integers in SELECT expressions (issue #4, item 1), on a
// database of their own (`u64`). InfluxDB 1.6.7's /write refuses `1u` ("invalid number"), but a
// cast makes uint64 values (`i::unsigned` reads an int64 field's bits as uint64) and SELECT … INTO
// stores them as an unsigned field; that is how both servers get the same unsigned data. Then:
// arithmetic that wraps around, division, comparisons of values from 2^63 on, unsigned with
// integer and float operands, WHERE conditions (integer division there), aggregates, type errors.

import { q, w, type Step } from './diff-runner.js'

const DB = 'u64'

/** int64 values around the edges, a float and a string field, two tag values. */
const SOURCE = [
  'm,t=a i=5i,f=1.5,s="a" 1',
  'm,t=a i=-1i,f=2.5,s="b" 2',
  'm,t=b i=21i,f=-3.5 3',
  'm,t=b i=0i,f=0 4',
  'm,t=b i=9223372036854775807i,f=1e19 5',
  'm,t=a i=-9223372036854775808i,f=-1e19 6',
  'm,t=a i=-2i,f=7 7',
  'm,t=b i=3i 8',
]

/**
 * Before the Tidemark snapshot: the source data, and `y` (u = i::unsigned) and `y2` (u2 =
 * f::unsigned, i) written by SELECT … INTO, so their unsigned values end up in TSM files.
 */
export function unsignedWrites(): Step[] {
  return [
    q(`CREATE DATABASE ${DB}`),
    w(DB, SOURCE.join('\n'), { precision: 's' }),
    q('SELECT u::unsigned INTO y FROM (SELECT i AS u FROM m) GROUP BY *', DB),
    q('SELECT v::unsigned AS u2, i INTO y2 FROM (SELECT f AS v, i FROM m)', DB),
  ]
}

/** After the snapshot: more unsigned points (cache), then the queries. */
export function unsignedSteps(): Step[] {
  const u = (text: string): Step => q(text, DB)
  return [
    w(DB, ['m,t=c i=-7i 9', 'm,t=c i=12i 10'].join('\n'), { precision: 's' }),
    u("SELECT u::unsigned INTO y FROM (SELECT i AS u FROM m WHERE t = 'c') GROUP BY *"),
    u('SHOW FIELD KEYS'),
    u('SELECT * FROM y GROUP BY *'),
    u('SELECT * FROM y2'),
    u('SELECT u, u + 1, u - 6, u * 3, u / 2, u % 4, u / 0, u % 0, u & 3, u | 8, u ^ 5 FROM y'),
    u('SELECT u + 1.5, u / 2.5, u % 2.5, u * -1, u - 5, 5 - u, 2 * u FROM y'),
    u('SELECT u + (18446744073709551615 + 2), u - 18446744073709551615 FROM y'),
    u('SELECT u + (18446744073709551615 & 2) FROM y'),
    u('SELECT abs(u), floor(u), round(u), sqrt(u), pow(u, 2), log(u, 2) FROM y WHERE u > 0'),
    u('SELECT u2 + i::unsigned, u2 * 2 FROM y2'),
    u('SELECT u FROM y WHERE u > 10'),
    u('SELECT u FROM y WHERE u < 0'),
    u('SELECT u FROM y WHERE u > -1'),
    u('SELECT u FROM y WHERE u = -1'),
    u('SELECT u FROM y WHERE u >= 9223372036854775808'),
    u('SELECT u FROM y WHERE u / 2 = 2'),
    u('SELECT u FROM y WHERE u + 1 = 0'),
    u('SELECT u FROM y WHERE u - 6 > 100'),
    u('SELECT u FROM y WHERE u::integer < 0'),
    u('SELECT u FROM y WHERE u::float > 1e19'),
    u('SELECT sum(u), max(u), min(u), mean(u), count(u), first(u), last(u), spread(u) FROM y'),
    u('SELECT median(u), mode(u), stddev(u), percentile(u, 50), integral(u) FROM y'),
    u('SELECT sum(u), max(u) FROM y GROUP BY t'),
    u('SELECT sum(u) FROM y WHERE time >= 0 AND time < 12s GROUP BY time(3s)'),
    u('SELECT max(u) + 1, sum(u) * 2, count(u) + 1 FROM y'),
    u('SELECT top(u, 3) FROM y'),
    u('SELECT bottom(u, 3), t FROM y'),
    u('SELECT derivative(u), difference(u), cumulative_sum(u), non_negative_difference(u) FROM y'),
    u('SELECT moving_average(u, 2), elapsed(u) FROM y'),
    u('SELECT u::integer, u::float, u::string, u::boolean FROM y'),
    u('SELECT max(u::integer), sum(u::float) FROM y'),
    u('SELECT u FROM (SELECT u FROM y) WHERE u > 10'),
    u('SELECT u + 1 FROM (SELECT u FROM y)'),
    u('SELECT max(x) FROM (SELECT max(u) AS x FROM y GROUP BY t)'),
    u('SELECT sum(u) INTO z FROM y GROUP BY t'),
    u('SELECT * FROM z GROUP BY *'),
    u('SELECT u * 2 INTO z2 FROM y'),
    u('SELECT * FROM z2'),
    u('SHOW FIELD KEYS FROM z'),
    // Type errors: integer and unsigned need a cast unless the integer is a literal.
    u('SELECT u + i FROM y, m'),
    u('SELECT u2 - i FROM y2'),
    u('SELECT u + 3, 3 + u FROM y'),
    u('SELECT i + 18446744073709551615 FROM m'),
    u('SELECT 18446744073709551615 & i FROM m'),
    u('SELECT i - i::unsigned FROM m'),
    u('SELECT (i / 2) + s FROM m'),
    // uint64 literals and casts against the int64 and float source fields.
    u('SELECT i::unsigned * 2, f::unsigned, f::integer FROM m'),
    u('SELECT f + 18446744073709551615 FROM m'),
    u('SELECT i FROM m WHERE i > 9223372036854775808'),
    u('SELECT i FROM m WHERE i = 18446744073709551615'),
    u('SELECT i FROM m WHERE i + 18446744073709551615 < 100'),
    u('SELECT i FROM m WHERE i < 18446744073709551615'),
    // WHERE divides integers as integers (no IntegerFloatDivision there).
    u('SELECT i FROM m WHERE i / 2 = 2'),
    u('SELECT i FROM m WHERE i / 0 = 0'),
    u('SELECT i FROM m WHERE i / 2 = 2.5'),
  ]
}

// Differential steps for GROUP BY time(interval[, offset]) with fill(): windows aligned to the
// epoch plus offset, selectors answering the window start, every fill option, tags, ORDER BY time
// DESC and LIMIT/OFFSET per series. Uses the data of select-steps.ts (2020-01-01 to 2020-01-22).

import { tieIntegralQueries } from './select-ties-steps.js'

/** Days 0-21 of the data; windows of 1d and 2d, some starting mid-window. */
const R = "time >= '2020-01-01T00:00:00Z' AND time < '2020-01-22T00:00:00Z'"
const MID = "time >= '2020-01-02T12:00:00Z' AND time <= '2020-01-12T00:00:00Z'"

/** Aggregates with GROUP BY time. */
export const windowQueries: readonly string[] = [
  `SELECT count(usage) FROM cpu WHERE ${R} GROUP BY time(1d)`,
  `SELECT mean(usage), sum(usage), spread(usage) FROM cpu WHERE ${R} GROUP BY time(2d)`,
  `SELECT min(usage), max(usage), first(usage), last(usage) FROM cpu WHERE ${R} GROUP BY time(2d)`,
  `SELECT max(usage) FROM cpu WHERE ${MID} GROUP BY time(1d)`,
  `SELECT first(note), last(note) FROM cpu WHERE ${MID} GROUP BY time(1d)`,
  `SELECT count(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(none)`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(previous)`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(linear)`,
  `SELECT sum(idle) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(linear)`,
  `SELECT sum(idle) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(2.7)`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(-1)`,
  `SELECT count(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(7)`,
  `SELECT last(note) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(3)`,
  `SELECT last(ok) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(previous)`,
  `SELECT mean(usage) FROM cpu WHERE ${R} GROUP BY time(2d, 6h)`,
  `SELECT mean(usage) FROM cpu WHERE ${R} GROUP BY time(2d, -6h)`,
  `SELECT count(usage) FROM cpu WHERE ${R} GROUP BY time(1w)`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d), host`,
  `SELECT mean(usage), mean(idle) FROM cpu WHERE ${MID} GROUP BY time(1d), host fill(0)`,
  `SELECT count(usage) FROM cpu WHERE ${MID} GROUP BY time(1d), * fill(none)`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) ORDER BY time DESC`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) fill(previous) ORDER BY time DESC`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d), host ORDER BY time DESC LIMIT 2`,
  `SELECT mean(usage) FROM cpu WHERE ${MID} GROUP BY time(1d) LIMIT 3 OFFSET 2`,
  `SELECT count(usage) FROM cpu WHERE ${MID} GROUP BY time(1d), host fill(none) LIMIT 1 OFFSET 1`,
  `SELECT mean(usage) FROM cpu, mem WHERE ${MID} GROUP BY time(3d)`,
  `SELECT count(usage) FROM cpu WHERE time < '2020-01-10T00:00:00Z' GROUP BY time(1d)`,
  `SELECT count(usage) FROM cpu WHERE time < '2020-01-10T00:00:00Z' GROUP BY time(1d) ORDER BY time DESC`,
  `SELECT count(usage) FROM cpu WHERE time >= '2020-01-01T00:00:00Z' GROUP BY time(1000d)`,
  'SELECT count(usage) FROM cpu GROUP BY time(1d) fill(none)',
  `SELECT usage FROM cpu WHERE ${R} GROUP BY time(1d)`,
  `SELECT usage FROM cpu WHERE ${R} fill(none)`,
  // Issue #4: integral() with ORDER BY time DESC, SLIMIT/SOFFSET (select-ties-steps.ts).
  ...tieIntegralQueries,
]

// Differential steps for SELECT … INTO: into db.rp.m and a bare measurement, raw and aggregate
// sources (GROUP BY time rows whose calls are all null are not written), `SELECT *` without
// GROUP BY * (tags become fields), and the backup documentation's merge workflow
// `SELECT * INTO telegraf..:MEASUREMENT FROM /.*/ GROUP BY *` run on `restored_telegraf`.
// Each write is followed by reads of what it wrote. Runs after select-steps.ts's writes. Then the
// unsigned steps of select-unsigned-steps.ts (issue #4).

import { q, w, type Step } from './diff-runner.js'
import { DB } from './select-steps.js'
import { unsignedSteps } from './select-unsigned-steps.js'

const MID = "time >= '2020-01-02T12:00:00Z' AND time <= '2020-01-12T00:00:00Z'"

/** INTO steps on the SELECT data, then the merge workflow on two new databases. */
export function intoSteps(): Step[] {
  const merge = [
    'cpu,host=a,region=east usage_idle=91.5,usage_user=3i 1577836800000000000',
    'cpu,host=b usage_idle=80.25,usage_user=9i 1577836860000000000',
    'disk,host=a,path=/ free=1200i,used_percent=41.5 1577836800000000000',
    'net,host=a,interface=eth0 bytes_recv=99i,up=true,name="eth0" 1577836920000000000',
    'net,host=b,interface=eth1 bytes_recv=7i,up=false,name="eth1" 1577836980000000000',
  ]
  return [
    q(`SELECT usage INTO ${DB}.other.copied FROM cpu WHERE ${MID}`, DB),
    q(`SELECT * FROM ${DB}.other.copied`, DB),
    q(`SELECT mean(usage), max(idle) INTO agg FROM cpu WHERE ${MID} GROUP BY time(1d), host`, DB),
    q('SELECT * FROM agg GROUP BY *', DB),
    q(`SELECT count(usage) INTO counted FROM cpu WHERE ${MID} GROUP BY time(2d)`, DB),
    q('SELECT * FROM counted', DB),
    q('SELECT * INTO flat FROM mem', DB),
    q('SELECT * FROM flat', DB),
    q('SHOW FIELD KEYS FROM flat', DB),
    q('SHOW TAG KEYS FROM flat', DB),
    q('SELECT * INTO nosuchdb..x FROM mem', DB),
    q('CREATE DATABASE restored_telegraf'),
    q('CREATE DATABASE telegraf'),
    w('restored_telegraf', merge.join('\n')),
    q('SELECT * INTO telegraf..:MEASUREMENT FROM /.*/ GROUP BY *', 'restored_telegraf'),
    q('SHOW MEASUREMENTS ON telegraf'),
    q('SHOW SERIES ON telegraf'),
    q('SHOW FIELD KEYS ON telegraf'),
    q('SELECT * FROM /.*/ GROUP BY *', 'telegraf'),
    q('SELECT * FROM /.*/', 'telegraf'),
    // Issue #4: unsigned fields made by INTO from casts, and arithmetic on them.
    ...unsignedSteps(),
  ]
}

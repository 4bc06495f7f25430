// Differential steps for databases, retention policies, users and privileges (auth disabled):
// creation, idempotency, conflicts, drops of missing things, parse errors, GET warnings and the
// numbering of results after a failing statement.

import { q, type Step } from './diff-runner.js'

/** Sorts the value rows of every series (SHOW GRANTS: InfluxDB iterates a Go map). */
export function sortRows(body: string): string {
  try {
    const doc = JSON.parse(body) as { results?: { series?: { values?: unknown[][] }[] }[] }
    for (const r of doc.results ?? [])
      for (const s of r.series ?? [])
        s.values?.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
    return JSON.stringify(doc)
  } catch {
    return body
  }
}

/** Databases and retention policies. */
export const databaseSteps: readonly Step[] = [
  q('SHOW DATABASES'),
  q('CREATE DATABASE db1'),
  q('CREATE DATABASE db1'),
  q('CREATE DATABASE "with space"'),
  q('CREATE DATABASE "bad/name"'),
  q('CREATE DATABASE db2 WITH DURATION 2d REPLICATION 1 SHARD DURATION 1h NAME rp_a'),
  q('CREATE DATABASE db2 WITH DURATION 2d REPLICATION 1 SHARD DURATION 1h NAME rp_a'),
  q('CREATE DATABASE db2 WITH DURATION 3d'),
  q('CREATE DATABASE db3 WITH DURATION 30m'),
  q('CREATE DATABASE db4 WITH DURATION 1h SHARD DURATION 2h'),
  q('CREATE DATABASE db5 WITH NAME "bad/rp"'),
  q('CREATE DATABASE db6 WITH DURATION 3d NAME short'),
  q('SHOW DATABASES'),
  q('SHOW RETENTION POLICIES ON db1'),
  q('SHOW RETENTION POLICIES ON db2'),
  q('SHOW RETENTION POLICIES ON db6'),
  q('SHOW RETENTION POLICIES ON nodb'),
  q('SHOW RETENTION POLICIES'),
  q('SHOW RETENTION POLICIES', 'db2'),
  q('CREATE RETENTION POLICY rp1 ON db1 DURATION 1d REPLICATION 1'),
  q('CREATE RETENTION POLICY rp1 ON db1 DURATION 1d REPLICATION 1'),
  q('CREATE RETENTION POLICY rp1 ON db1 DURATION 2d REPLICATION 1'),
  q('CREATE RETENTION POLICY rp1 ON db1 DURATION 1d REPLICATION 1 DEFAULT'),
  q('CREATE RETENTION POLICY rp2 ON db1 DURATION 1d REPLICATION 1 SHARD DURATION 30m DEFAULT'),
  q('CREATE RETENTION POLICY rp3 ON nodb DURATION 1d REPLICATION 1'),
  q('CREATE RETENTION POLICY rp4 ON db1 DURATION 10m REPLICATION 1'),
  q('CREATE RETENTION POLICY rp5 ON db1 DURATION 1h REPLICATION 1 SHARD DURATION 2h'),
  q('CREATE RETENTION POLICY "a/b" ON db1 DURATION 1d REPLICATION 1'),
  q('CREATE RETENTION POLICY rp6 ON db1 DURATION INF REPLICATION 3'),
  q('ALTER RETENTION POLICY rp1 ON db1 DURATION 3d'),
  q('ALTER RETENTION POLICY rp1 ON db1 SHARD DURATION 2h DEFAULT'),
  q('ALTER RETENTION POLICY nope ON db1 DURATION 3d'),
  q('ALTER RETENTION POLICY rp1 ON db1 DURATION 1h'),
  q('ALTER RETENTION POLICY rp1 ON db1 DURATION 30m'),
  q('ALTER RETENTION POLICY rp1 ON nodb DURATION 3d'),
  q('SHOW RETENTION POLICIES ON db1'),
  q('DROP RETENTION POLICY rp2 ON db1'),
  q('DROP RETENTION POLICY nope ON db1'),
  q('DROP RETENTION POLICY x ON nodb'),
  q('SHOW RETENTION POLICIES ON db1'),
  q('DROP DATABASE "with space"'),
  q('DROP DATABASE nodb'),
  q('CREATE DATABSE x'),
  q('SHOW RETENTION POLICIES ON'),
  q('DROP'),
  q('CREATE RETENTION POLICY x ON db1 DURATION 1d'),
  q('CREATE RETENTION POLICY x ON db1 DURATION 1d REPLICATION 0'),
  q('CREATE DATABASE m1; DROP DATABASE m1; SHOW DATABASES'),
  q('SHOW RETENTION POLICIES ON nodb; SHOW DATABASES; SHOW DATABASES'),
  q('SHOW DATABASES; SHOW RETENTION POLICIES ON nodb; SHOW DATABASES; SHOW DATABASES'),
  q('SHOW DATABASES; SHOW RETENTION POLICIES ON nodb'),
  q('CREATE DATABASE viaget', undefined, { method: 'GET' }),
  q('SHOW DATABASES', undefined, { method: 'GET' }),
  q('DROP DATABASE viaget; SHOW DATABASES', undefined, { method: 'GET' }),
  q('SHOW DATABASES; SHOW DATABASES', undefined, { params: { chunked: 'true' } }),
]

/** Users, passwords and privileges. */
export const userSteps: readonly Step[] = [
  q('SHOW USERS'),
  q("CREATE USER alice WITH PASSWORD 'pw1'"),
  q("CREATE USER alice WITH PASSWORD 'pw1'"),
  q("CREATE USER alice WITH PASSWORD 'other'"),
  q("CREATE USER alice WITH PASSWORD 'pw1' WITH ALL PRIVILEGES"),
  q("CREATE USER root WITH PASSWORD 'secret' WITH ALL PRIVILEGES"),
  q('SHOW USERS'),
  q('GRANT READ ON db1 TO alice'),
  q('GRANT WRITE ON db2 TO alice'),
  q('GRANT ALL ON nodb TO alice'),
  q('GRANT READ ON db1 TO nobody'),
  q('SHOW GRANTS FOR alice', undefined, { normalize: sortRows }),
  q('SHOW GRANTS FOR root'),
  q('SHOW GRANTS FOR nobody'),
  q('REVOKE READ ON db1 FROM alice'),
  q('SHOW GRANTS FOR alice', undefined, { normalize: sortRows }),
  q('GRANT ALL ON db1 TO alice'),
  q('REVOKE WRITE ON db1 FROM alice'),
  q('SHOW GRANTS FOR alice', undefined, { normalize: sortRows }),
  q('REVOKE ALL ON db2 FROM alice'),
  q('REVOKE READ ON db1 FROM nobody'),
  q('REVOKE READ ON nodb FROM alice'),
  q('SHOW GRANTS FOR alice', undefined, { normalize: sortRows }),
  q('GRANT ALL PRIVILEGES TO alice'),
  q('SHOW USERS'),
  q('REVOKE ALL PRIVILEGES FROM alice'),
  q('SHOW USERS'),
  q('GRANT ALL TO nobody'),
  q('REVOKE ALL PRIVILEGES FROM nobody'),
  q("SET PASSWORD FOR alice = 'new'"),
  q("SET PASSWORD FOR nobody = 'x'"),
  q("CREATE USER alice WITH PASSWORD 'new'"),
  q("CREATE USER carol WITH PASSWORD 'c'", undefined, { method: 'GET' }),
  q("SET PASSWORD FOR carol = 'd'", undefined, { method: 'GET' }),
  q('DROP USER alice'),
  q('DROP USER alice'),
  q('DROP USER carol; SHOW USERS'),
  q('DROP DATABASE db1; SHOW GRANTS FOR root'),
  q('GRANT'),
  q('CREATE USER'),
]

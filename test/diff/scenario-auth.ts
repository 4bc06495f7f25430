// Differential steps with authentication enabled: the bootstrap rule (only an admin may be created
// first), missing and wrong credentials, per-statement privilege failures with InfluxDB's texts,
// SHOW DATABASES filtered by privilege, and "no user provided" once no admin is left.

import { q, w, type Credentials, type Step } from './diff-runner.js'
import { sortRows } from './scenario-ddl.js'

const ADMIN: Credentials = { user: 'root', password: 'rootpw' }
const BOB: Credentials = { user: 'bob', password: 'bobpw' }
const WRONG: Credentials = { user: 'bob', password: 'nope' }

/** The whole auth scenario, in order. */
export const authSteps: readonly Step[] = [
  q('SHOW DATABASES'),
  q("CREATE USER bob WITH PASSWORD 'bobpw'"),
  q("SHOW DATABASES; CREATE USER root WITH PASSWORD 'rootpw' WITH ALL PRIVILEGES"),
  q("CREATE USER root WITH PASSWORD 'rootpw' WITH ALL PRIVILEGES"),
  q('SHOW DATABASES'),
  q('SHOW DATABASES', undefined, { auth: WRONG }),
  q('CREATE DATABASE a1; CREATE DATABASE a2; CREATE DATABASE a3', undefined, { auth: ADMIN }),
  q("CREATE USER bob WITH PASSWORD 'bobpw'", undefined, { auth: ADMIN }),
  q('GRANT READ ON a1 TO bob; GRANT WRITE ON a3 TO bob', undefined, { auth: ADMIN }),
  w('a1', 'cpu,host=a v=1 1000000000', undefined),
  { ...w('a1', 'cpu,host=a v=1 1000000000'), auth: ADMIN },
  { ...w('a1', 'cpu,host=b v=1 1000000000'), auth: BOB },
  { ...w('a3', 'cpu,host=b v=1 1000000000'), auth: BOB },
  q('SHOW DATABASES', undefined, { auth: BOB }),
  q('SHOW MEASUREMENTS ON a1', undefined, { auth: BOB }),
  q('SHOW MEASUREMENTS ON a2', undefined, { auth: BOB }),
  q('SHOW SERIES', 'a1', { auth: BOB }),
  q('SHOW SERIES ON a2', undefined, { auth: BOB }),
  q('SHOW TAG KEYS ON a1', undefined, { auth: BOB }),
  q('SHOW FIELD KEYS ON a2', undefined, { auth: BOB }),
  q('SHOW RETENTION POLICIES ON a1', undefined, { auth: BOB }),
  q('CREATE DATABASE x', undefined, { auth: BOB }),
  q('DROP SERIES FROM cpu', 'a1', { auth: BOB }),
  q('DELETE FROM cpu', 'a3', { auth: BOB }),
  q('DROP MEASUREMENT cpu', 'a3', { auth: BOB }),
  q('SHOW USERS', undefined, { auth: BOB }),
  q('SHOW GRANTS FOR bob', undefined, { auth: BOB }),
  q('SHOW SHARDS', undefined, { auth: BOB }),
  q('SHOW CONTINUOUS QUERIES', undefined, { auth: BOB }),
  q('SHOW CONTINUOUS QUERIES', 'a1', { auth: BOB }),
  q('SHOW DATABASES; SHOW MEASUREMENTS ON a2', undefined, { auth: BOB }),
  q('DROP RETENTION POLICY autogen ON a1', undefined, { auth: BOB }),
  q('DROP CONTINUOUS QUERY c ON a3', undefined, { auth: BOB }),
  q('KILL QUERY 1', undefined, { auth: BOB }),
  q("SET PASSWORD FOR bob = 'x'", undefined, { auth: BOB }),
  q('SHOW MEASUREMENT EXACT CARDINALITY FROM a2..cpu', undefined, { auth: BOB }),
  q('SHOW TAG KEY CARDINALITY', 'a2', { auth: BOB }),
  q('SHOW USERS', undefined, { auth: ADMIN }),
  q('SHOW GRANTS FOR bob', undefined, { auth: ADMIN, normalize: sortRows }),
  q('REVOKE ALL PRIVILEGES FROM root', undefined, { auth: ADMIN }),
  q('SHOW DATABASES'),
  q('SHOW USERS', undefined, { auth: BOB }),
]

// Reference metadata shared by the meta tests (not exported from index.ts): the real `.meta` file
// that spec/backup-formats.md §2.6 walks through byte by byte, rebuilt from that walk-through, and
// a `meta.db` written by a real influxd 1.6.7 with users, grants, a subscription, a continuous
// query, a finite policy, a dropped shard and a pre-1970 shard group.

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
}

function text(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'utf8'))
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts))
}

/** The continuous query text of the §2.6 reference backup (149 bytes). */
export const REFERENCE_CQ =
  'CREATE CONTINUOUS QUERY cq1 ON telegraf BEGIN SELECT mean(usage_idle) INTO telegraf.autogen.cpu_1h FROM telegraf.autogen.cpu GROUP BY time(1h), * END'

/** The admin's bcrypt hash in the §2.6 reference backup (60 bytes). */
export const REFERENCE_ADMIN_HASH = '$2a$10$sPL9A6UunEnORfqm3UZEw.XeyJc4IBeHPdWwTPIWw9zczdX8NmBLa'

/** The 421-byte reference `.meta` file of §2.6, line by line as the walk-through lists it. */
export const REFERENCE_META_FILE: Uint8Array = concat([
  hex('0a a003'), // PortableData.Data, len 416
  hex('08 00'), // Term = 0
  hex('10 08'), // Index = 8
  hex('18 f095c6aae19dbbc03a'), // ClusterID = 4215629758522821360
  hex('2a c002'), // Databases, len 320
  hex('0a 08'),
  text('telegraf'),
  hex('12 07'),
  text('autogen'),
  hex('1a 52'), // RetentionPolicies, len 82
  hex('0a 07'),
  text('autogen'),
  hex('10 00'), // Duration = 0
  hex('18 8080a4c9ffc18901'), // ShardGroupDuration = 7 d
  hex('20 01'), // ReplicaN = 1
  hex('2a 1c 08 01 10 8080acfbafae97f418 18 8080d0c4aff0a0f518 20 00 2a 02 08 01'), // group 1, shard 1
  hex('2a 1c 08 02 10 8080d0c4aff0a0f518 18 8080f48dafb2aaf618 20 00 2a 02 08 02'), // group 2, shard 2
  hex('1a 37'), // RetentionPolicies, len 55
  hex('0a 06'),
  text('oneday'),
  hex('10 8080bc8ac9d213'), // Duration = 24 h
  hex('18 80c0e285e368'), // ShardGroupDuration = 1 h
  hex('20 01'),
  hex('2a 1c 08 03 10 80c097c79bdcd7f518 18 8080faccfec4d8f518 20 00 2a 02 08 03'), // group 3, shard 3
  hex('22 9d01'), // ContinuousQueries, len 157
  hex('0a 03'),
  text('cq1'),
  hex('12 9501'),
  text(REFERENCE_CQ),
  hex('32 47'), // Users, len 71
  hex('0a 05'),
  text('admin'),
  hex('12 3c'),
  text(REFERENCE_ADMIN_HASH),
  hex('18 01'), // Admin = true
  hex('38 00 40 03 48 03'), // MaxNodeID 0, MaxShardGroupID 3, MaxShardID 3
  hex('10 00'), // PortableData.MaxNodeID = 0
])

/**
 * `meta/meta.db` (708 bytes) of a real influxd 1.6.7 (retention, subscriber, CQ and precreation
 * services off) after, over HTTP:
 * `CREATE USER admin WITH PASSWORD 'pw' WITH ALL PRIVILEGES`; `CREATE DATABASE authdb`;
 * `CREATE USER bob WITH PASSWORD 'bobpw'`; `GRANT ALL ON authdb TO bob`;
 * `CREATE DATABASE other WITH DURATION 3d REPLICATION 1 SHARD DURATION 2h NAME short`;
 * `CREATE USER carol WITH PASSWORD 'c'`; `GRANT WRITE ON authdb TO carol`;
 * `GRANT READ ON other TO carol`; `REVOKE READ ON other FROM carol`;
 * `CREATE RETENTION POLICY rp2 ON authdb DURATION 52w REPLICATION 2`;
 * `CREATE SUBSCRIPTION sub1 ON authdb.autogen DESTINATIONS ANY 'http://127.0.0.1:9999', 'udp://127.0.0.1:9998'`;
 * `CREATE CONTINUOUS QUERY cq1 ON authdb BEGIN SELECT mean(v) INTO m_1h FROM m GROUP BY time(1h) END`;
 * writes to authdb at 2020-01-01 and 1960-01-01 (shard groups 1 and 2), to other.short and
 * authdb.rp2 at "now" (2026-11-25, groups 3 and 4); `DROP SHARD 2`.
 */
export const INFLUXD_META_DB: Uint8Array = hex(`
0800101218cadaa4f29a89e7d0792ae8020a0661757468646212076175746f67656e1a92010a076175746f67656e1000
188080a4c9ffc1890120012a220802108080e4f383f6ddcefb0118808088bd83b8e7cffb0120a8cca18fb9e5d8f5182a
1c0801108080b0b7c9a1bff215188080d480c9e3c8f31520002a02080132380a04737562311203414e591a1568747470
3a2f2f3132372e302e302e313a393939391a147564703a2f2f3132372e302e302e313a393939381a370a037270321080
80d0e2e9e7ee37188080a4c9ffc1890120022a1c0804108080d0c4aff0a0f518188080f48dafb2aaf61820002a020804
2286010a03637131127f43524541544520434f4e54494e554f555320515545525920637131204f4e2061757468646220
424547494e2053454c454354206d65616e28762920494e544f206175746864622e6175746f67656e2e6d5f3168204652
4f4d206175746864622e6175746f67656e2e6d2047524f55502042592074696d652831682920454e442a470a056f7468
6572120573686f72741a370a0573686f7274108080b49fdbf73a188080c58bc6d10120012a1c0803108080faccfec4d8
f518188080bfd8c496daf51820002a02080332470a0561646d696e123c24326124313024386f6267694a6c356e554f36
71347630613459544b4f73336a6d30654a71554e397a6868477a6b515a66567244714267592e366b36180132510a0362
6f62123c2432612431302453335734595347767476787876773347777a5037414f446649717a61417152304e4859634b
4449494f72754841542e32536f424d471800220a0a066175746864621003325e0a056361726f6c123c24326124313024
33424349592f794a4a492f535643675675737744444f7a466d6f347444424848596441756a58365a2f6e6a767348304f
6777572e611800220a0a06617574686462100222090a056f746865721000380040044804`)

/** The bcrypt hashes of INFLUXD_META_DB's users, whose passwords are `pw`, `bobpw` and `c`. */
export const INFLUXD_USER_HASHES = {
  admin: '$2a$10$8obgiJl5nUO6q4v0a4YTKOs3jm0eJqUN9zhhGzkQZfVrDqBgY.6k6',
  bob: '$2a$10$S3W4YSGvtvxxvw3GwzP7AODfIqzaAqR0NHYcKDIIOruHAT.2SoBMG',
  carol: '$2a$10$3BCIY/yJJI/SVCgVuswDDOzFmo4tDBHHYdAujX6Z/njvsH0OgwW.a',
} as const

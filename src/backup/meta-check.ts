// What a restore takes from a backup's metadata must be safe to act on: database and retention
// policy names become directory names under the data and WAL directories (a name such as `..` or
// `a/b` would place shards outside them, and a later DROP DATABASE would remove what is there),
// and a shard ID listed twice would put one archive's data into another database. A .meta that
// decodes is therefore also checked here, for verify and restore alike, before anything uses it.
// InfluxDB never writes such metadata; these are damaged or crafted sets.

import { Buffer } from 'node:buffer'
import { isValidName, type MetaDataFields } from '../meta/index.js'
import { BackupMetaError } from './errors.js'

/** The longest file name the data directory's file systems take, in bytes. */
const MAX_NAME_BYTES = 255

/** Why `name` cannot name a database or retention policy directory, or undefined. */
export function badDirectoryName(name: string): string | undefined {
  if (!isValidName(name))
    return 'is not a valid name (empty, "." or "..", a "/" or "\\", or an unprintable character)'
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`
  return undefined
}

/**
 * Throws BackupMetaError (naming `path`, the database and retention policy) for metadata a restore
 * must not act on: a database or retention policy name that is not a valid directory name, a name
 * used twice, a shard ID in two places, a negative duration, a replication factor below 1, or a
 * user without a name or listed twice.
 */
export function checkBackupMetaData(data: MetaDataFields, path: string): void {
  const databases = new Set<string>()
  const shards = new Map<bigint, string>()
  for (const db of data.databases) {
    const bad = badDirectoryName(db.name)
    if (bad !== undefined)
      throw new BackupMetaError(path, `database ${JSON.stringify(db.name)} ${bad}`, {
        database: db.name,
      })
    if (databases.has(db.name))
      throw new BackupMetaError(path, `database ${JSON.stringify(db.name)} is listed twice`, {
        database: db.name,
      })
    databases.add(db.name)
    const policies = new Set<string>()
    for (const rp of db.retentionPolicies) {
      const where = `retention policy ${JSON.stringify(rp.name)} of database ${JSON.stringify(db.name)}`
      const fields = { database: db.name, retentionPolicy: rp.name }
      const badRP = badDirectoryName(rp.name)
      if (badRP !== undefined) throw new BackupMetaError(path, `${where} ${badRP}`, fields)
      if (policies.has(rp.name)) throw new BackupMetaError(path, `${where} is listed twice`, fields)
      policies.add(rp.name)
      if (rp.durationNs < 0n || rp.shardGroupDurationNs < 0n)
        throw new BackupMetaError(path, `${where} has a negative duration`, fields)
      if (rp.replicaN < 1)
        throw new BackupMetaError(path, `${where} has replication factor ${rp.replicaN}`, fields)
      for (const g of rp.shardGroups)
        for (const s of g.shards) {
          const other = shards.get(s.id)
          if (other !== undefined)
            throw new BackupMetaError(
              path,
              `shard ${s.id} is in ${other} and in ${db.name}.${rp.name} (shard group ${g.id})`,
              { ...fields, shardID: s.id },
            )
          shards.set(s.id, `${db.name}.${rp.name} (shard group ${g.id})`)
        }
    }
  }
  const users = new Set<string>()
  for (const u of data.users) {
    if (u.name === '') throw new BackupMetaError(path, 'a user has an empty name')
    if (users.has(u.name))
      throw new BackupMetaError(path, `user ${JSON.stringify(u.name)} is listed twice`)
    users.add(u.name)
  }
}

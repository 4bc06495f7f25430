// Errors of the write coordinator.
import { TidemarkError } from '../util/index.js'

/** A write named a database that does not exist (HTTP 404 `database not found: "x"`). */
export class WriteDatabaseNotFoundError extends TidemarkError {
  constructor(database: string) {
    super('ERR_CLUSTER_DATABASE_NOT_FOUND', `database not found: "${database}"`, { database })
  }
}

/** A write named a retention policy that does not exist (HTTP 500, as InfluxDB answers). */
export class WriteRetentionPolicyNotFoundError extends TidemarkError {
  constructor(retentionPolicy: string) {
    super(
      'ERR_CLUSTER_RETENTION_POLICY_NOT_FOUND',
      `retention policy not found: ${retentionPolicy}`,
      { retentionPolicy },
    )
  }
}

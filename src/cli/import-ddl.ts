// Runs the statements of an export's `# DDL` section. Exports from InfluxDB 1.5–1.9 describe a
// database with several retention policies as several `CREATE DATABASE <db> WITH NAME <rp>`
// lines; a server refuses the second one ("retention policy conflicts with an existing policy")
// and influx then loses every write to that policy. When that happens this importer creates the
// policy with `CREATE RETENTION POLICY <rp> ON <db> DURATION 0s REPLICATION 1` instead — which is
// exactly what InfluxDB 1.10+ exports write — so both export forms import completely.

import type { InfluxClient } from './shell-client.js'
import { ShellConnectError } from './shell-errors.js'
import { responseError } from './shell-response.js'

const IDENT = String.raw`(?:"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*)`
const CREATE_DB_WITH_NAME = new RegExp(
  String.raw`^\s*CREATE\s+DATABASE\s+(${IDENT})\s+WITH\s+NAME\s+(${IDENT})\s*;?\s*$`,
  'i',
)
const CONFLICT = 'retention policy conflicts with an existing policy'

/**
 * Executes one DDL statement (sent as influx sends it: `db` = the current context database,
 * `epoch` = the precision). Resolves to the error text influx would print after `error: `, or
 * undefined on success.
 */
export async function executeDDL(
  client: InfluxClient,
  statement: string,
  database: string,
  epoch: string,
): Promise<string | undefined> {
  const err = await run(client, statement, database, epoch)
  if (err !== CONFLICT) return err
  const m = CREATE_DB_WITH_NAME.exec(statement)
  if (m === null) return err
  const [, db, rp] = m
  const fallback = `CREATE RETENTION POLICY ${rp ?? ''} ON ${db ?? ''} DURATION 0s REPLICATION 1`
  return run(client, fallback, database, epoch)
}

async function run(
  client: InfluxClient,
  q: string,
  database: string,
  epoch: string,
): Promise<string | undefined> {
  try {
    const outcome = await client.query({
      command: q,
      database,
      retentionPolicy: '',
      chunked: false,
      chunkSize: 0,
      nodeID: 0,
      epoch,
    })
    if (outcome.kind === 'error') return outcome.message
    return responseError(outcome.response)
  } catch (err) {
    if (err instanceof ShellConnectError) return err.message
    throw err
  }
}

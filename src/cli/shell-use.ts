// The shell's `use <db>[.<rp>]` command: it checks with SHOW DATABASES (and SHOW RETENTION
// POLICIES) that the target exists before switching, printing influx's exact messages. Without
// permission to list databases, an authenticated user gets a warning and the switch anyway.

import type { InfluxClient } from './shell-client.js'
import { ShellConnectError } from './shell-errors.js'
import { parseDatabaseAndRetentionPolicy } from './shell-insert.js'
import { responseError } from './shell-response.js'
import type { QueryResponse } from './shell-response.js'
import type { ShellSettings } from './shell-settings.js'
import { goQuoteString } from './shell-format.js'

/** Runs `use …` (`line` is the whole command as typed). */
export async function useDatabase(
  client: InfluxClient,
  s: ShellSettings,
  line: string,
  write: (t: string) => void,
): Promise<void> {
  const trimmed = line.trim().replace(/;$/, '')
  const space = trimmed.indexOf(' ')
  if (space < 0) {
    write(`Could not parse database name from ${goQuoteString(line)}.\n`)
    return
  }
  const stmt = trimmed.slice(space + 1)
  const parsed = parseDatabaseAndRetentionPolicy(stmt)
  if (parsed === undefined) {
    write(`Unable to parse database or retention policy from ${stmt}`)
    return
  }
  const [db, rp] = parsed
  const dbs = await check(client, s, 'SHOW DATABASES', write)
  const exists =
    dbs === true || (dbs !== false && anyValue(dbs, db, (name) => name === 'databases', false))
  if (!exists) {
    if (dbs !== false) {
      write(
        `ERR: Database ${db} doesn't exist. Run SHOW DATABASES for a list of existing databases.\n`,
      )
    }
    write('DB does not exist!\n')
    return
  }
  s.database = db
  write(`Using database ${db}\n`)
  if (rp === '') return
  const rps = await check(client, s, `SHOW RETENTION POLICIES ON ${goQuoteString(db)}`, write)
  if (rps === false) return
  if (rps !== true && !anyValue(rps, rp, () => true, true)) {
    const show = `SHOW RETENTION POLICIES ON ${goQuoteString(db)}`
    write(
      `ERR: RETENTION POLICY ${rp} doesn't exist. Run ${show} for a list of existing retention polices.\n`,
    )
    return
  }
  s.retentionPolicy = rp
  write(`Using retention policy ${rp}\n`)
}

/**
 * Runs a check query. Resolves to the answer; `false` when it failed (error printed); `true` when
 * it failed for a logged-in user, who is let through with a warning.
 */
async function check(
  client: InfluxClient,
  s: ShellSettings,
  q: string,
  write: (t: string) => void,
): Promise<QueryResponse | boolean> {
  let err: string | undefined
  let response: QueryResponse | undefined
  try {
    const outcome = await client.query({
      command: q,
      database: '',
      retentionPolicy: '',
      chunked: false,
      chunkSize: 0,
      nodeID: 0,
      epoch: s.precision,
    })
    if (outcome.kind === 'error') {
      write(`ERR: ${outcome.message}\n`)
      return false
    }
    response = outcome.response
    err = responseError(response)
  } catch (e) {
    if (!(e instanceof ShellConnectError)) throw e
    write(`ERR: ${e.message}\n`)
    return false
  }
  if (err === undefined) return response
  if (s.username === '') {
    write(`ERR: ${err}\n`)
    return false
  }
  write(`WARN: ${err}\n`)
  return true
}

/** Whether `want` is a value (in the first column only, when `firstOnly`) of a matching series. */
function anyValue(
  r: QueryResponse,
  want: string,
  series: (name: string) => boolean,
  firstOnly: boolean,
): boolean {
  for (const result of r.results) {
    for (const row of result.series) {
      if (!series(row.name)) continue
      for (const values of row.values) {
        const cells = firstOnly ? values.slice(0, 1) : values
        if (cells.some((v) => v === want)) return true
      }
    }
  }
  return false
}

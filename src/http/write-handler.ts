// POST /write: line protocol in, 204 or InfluxDB 1.6.7's exact error out. Parameters come from
// the URL only (db, rp, precision, consistency). The checks run in InfluxDB's order (spec
// storage-formats.md §1.9): db given → db exists → write privilege → body (413, gzip) → parse →
// "no line parsed" → consistency → the writer's outcome → "some lines did not parse" → 204.

import { KeyCache, parsePoints } from '../lineprotocol/index.js'

/** One key cache for every /write: series and field keys are decoded once, not once per line. */
const keyCache = new KeyCache()
import { canWrite } from './authenticate.js'
import type { Exchange } from './exchange.js'
import { firstValue } from './go-query.js'
import { goQuote } from './go-text.js'
import type {
  ConsistencyLevel,
  DatabaseCatalog,
  HTTPLogger,
  PointsWriter,
  WriteOutcome,
} from './interfaces.js'
import type { HTTPStatistics } from './statistics.js'
import { readWriteBody } from './write-body.js'

/** What the /write handler needs. */
export interface WriteHandlerDeps {
  readonly pointsWriter: PointsWriter
  readonly databases: DatabaseCatalog
  readonly stats: HTTPStatistics
  readonly logger: HTTPLogger
  readonly authEnabled: boolean
  readonly maxBodySizeBytes: number
  readonly writeTracing: boolean
}

/** Parses a `consistency` value (case-insensitive); undefined when invalid. */
export function parseConsistency(level: string): ConsistencyLevel | undefined {
  switch (level.toLowerCase()) {
    case 'any':
      return 'any'
    case 'one':
      return 'one'
    case 'quorum':
      return 'quorum'
    case 'all':
      return 'all'
    default:
      return undefined
  }
}

/** Serves one /write request (after authentication). */
export async function serveWrite(ex: Exchange, deps: WriteHandlerDeps): Promise<void> {
  const { stats } = deps
  const database = firstValue(ex.query, 'db')
  if (database === '') return ex.sendError(400, 'database is required')
  if (!deps.databases.databaseExists(database)) {
    return ex.sendError(404, `database not found: ${goQuote(database)}`)
  }
  if (deps.authEnabled) {
    if (ex.user === undefined) {
      return ex.sendError(403, `user is required to write to database ${goQuote(database)}`)
    }
    if (!canWrite(ex.user, database)) {
      return ex.sendError(
        403,
        `${goQuote(ex.user.name)} user is not authorized to write to database ${goQuote(database)}`,
      )
    }
  }

  const read = await readWriteBody(ex, deps.maxBodySizeBytes)
  if (read.kind === 'too-large') return ex.sendError(413, 'Request Entity Too Large')
  if (read.kind === 'bad') return ex.sendError(400, read.message)
  const body = read.body
  stats.add('writeReqBytes', body.length)
  if (deps.writeTracing) {
    deps.logger.info(
      { requestID: ex.requestID, bodyBytes: body.length, body: body.toString('utf8') },
      'write body received by handler',
    )
  }

  const { points, errors } = parsePoints(body, {
    precision: firstValue(ex.query, 'precision'),
    keyCache,
  })
  const parseError = errors.length > 0 ? errors.map((e) => e.message).join('\n') : undefined
  if (parseError !== undefined && points.length === 0) return ex.sendError(400, parseError)

  const level = firstValue(ex.query, 'consistency')
  const consistency = level === '' ? 'one' : parseConsistency(level)
  if (consistency === undefined) return ex.sendError(400, 'invalid consistency level')

  let outcome: WriteOutcome
  try {
    outcome = await deps.pointsWriter.writePoints({
      database,
      retentionPolicy: firstValue(ex.query, 'rp'),
      consistency,
      points,
      user: ex.user,
    })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    deps.logger.error({ requestID: ex.requestID, database, err: message }, 'points writer failed')
    outcome = { kind: 'failed', message }
  }

  switch (outcome.kind) {
    case 'ok':
      stats.add('pointsWrittenOK', points.length)
      if (parseError !== undefined)
        return ex.sendError(400, `partial write: ${parseError} dropped=0`)
      return ex.send(204)
    case 'type-conflict':
      stats.add('pointsWrittenFail', points.length)
      return ex.sendError(400, outcome.message)
    case 'forbidden':
      stats.add('pointsWrittenFail', points.length)
      return ex.sendError(403, outcome.message)
    case 'partial':
      stats.add('pointsWrittenOK', points.length - outcome.dropped)
      stats.add('pointsWrittenDropped', outcome.dropped)
      return ex.sendError(400, `partial write: ${outcome.reason} dropped=${outcome.dropped}`)
    case 'failed':
      stats.add('pointsWrittenFail', points.length)
      return ex.sendError(500, outcome.message)
    default: {
      const never: never = outcome
      return never
    }
  }
}

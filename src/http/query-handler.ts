// GET/POST /query: InfluxDB 1.6.7's parameter handling (q, db, rp, epoch, params, chunked,
// chunk_size, async, node_id; from the URL or a form body), the 400/403 answers for a missing
// `q`, bad `params`, a parse error or a refused query, then the results: one JSON document, or
// with `chunked=true` one document per line as results arrive. Statement errors are results
// (status 200). The executor is told to stop when the client disconnects or the server closes.

import type { Exchange } from './exchange.js'
import { QueryAuthorizationError, QueryParseError } from './errors.js'
import { firstValue } from './go-query.js'
import { decodeQueryParams } from './go-json.js'
import type { HTTPLogger, QueryExecutor, QueryRequest, StatementResult } from './interfaces.js'
import { readQueryForm } from './query-form.js'
import { ResultAccumulator } from './query-results.js'
import { responseFormatter } from './response-format.js'
import { ResponseStream } from './response-stream.js'
import { sanitizeQuery } from './sanitize.js'
import type { HTTPStatistics } from './statistics.js'
import { epochDivisor } from './time-format.js'

/** InfluxDB's default and the value used when `chunk_size` is absent or not positive. */
export const DEFAULT_CHUNK_SIZE = 10000

/** What the /query handler needs. */
export interface QueryHandlerDeps {
  readonly executor: QueryExecutor
  readonly stats: HTTPStatistics
  readonly logger: HTTPLogger
  readonly authEnabled: boolean
  readonly maxRowLimit: number
  /** Aborted when the server closes. */
  readonly serverSignal: AbortSignal
  /** Keeps an `async=true` query's background work alive until the server closes. */
  readonly track: (work: Promise<void>) => void
}

/** Serves one /query request (after authentication). */
export async function serveQuery(ex: Exchange, deps: QueryHandlerDeps): Promise<void> {
  deps.stats.add('queryReq')
  const form = await readQueryForm(ex)
  const get = (k: string): string => firstValue(form.values, k)

  let query = get('q').trim()
  let hasQuery = query !== ''
  if (!hasQuery) {
    const file = form.files.get('q')?.[0]
    if (file !== undefined) {
      query = file.toString('utf8')
      hasQuery = true
    }
  }
  if (!hasQuery) return ex.sendError(400, 'missing required parameter "q"')

  const epoch = get('epoch').trim()
  let params: Readonly<Record<string, unknown>> | undefined
  const rawParams = get('params')
  if (rawParams !== '') {
    const decoded = decodeQueryParams(rawParams)
    if (decoded.kind === 'syntax')
      return ex.sendError(400, `error parsing query parameters: ${decoded.message}`)
    if (decoded.kind === 'number')
      return ex.sendError(400, `error parsing json value: ${decoded.message}`)
    params = decoded.params
  }
  const chunked = get('chunked') === 'true'
  const chunkSize = chunked ? parseChunkSize(get('chunk_size')) : DEFAULT_CHUNK_SIZE
  const isAsync = get('async') === 'true'

  const controller = new AbortController()
  const abort = (): void => controller.abort()
  deps.serverSignal.addEventListener('abort', abort, { once: true })
  ex.res.once('close', () => {
    if (!isAsync && !ex.res.writableFinished) abort()
  })
  const request: QueryRequest = {
    query,
    database: get('db'),
    retentionPolicy: get('rp'),
    params,
    epoch,
    chunked,
    chunkSize,
    readOnly: ex.req.method === 'GET',
    nodeID: parseUint64(get('node_id')),
    authEnabled: deps.authEnabled,
    user: ex.user,
    signal: controller.signal,
  }
  deps.logger.debug(
    {
      requestID: ex.requestID,
      query: sanitizeQuery(query),
      database: request.database,
      user: ex.user?.name,
    },
    'executing query',
  )

  let iterator: AsyncIterator<StatementResult>
  let first: IteratorResult<StatementResult>
  try {
    const iterable = await deps.executor.execute(request)
    iterator = iterable[Symbol.asyncIterator]()
    first = await iterator.next()
  } catch (err) {
    deps.serverSignal.removeEventListener('abort', abort)
    return rejectQuery(ex, err, request, deps.logger)
  }

  if (isAsync) {
    await ex.send(204)
    deps.track(
      drainAsync(iterator, first, request, deps).finally(() =>
        deps.serverSignal.removeEventListener('abort', abort),
      ),
    )
    return
  }
  try {
    await streamResults(ex, iterator, first, request, deps)
  } finally {
    deps.serverSignal.removeEventListener('abort', abort)
  }
}

/** Answers a query the executor refused before producing results. */
async function rejectQuery(
  ex: Exchange,
  err: unknown,
  req: QueryRequest,
  logger: HTTPLogger,
): Promise<void> {
  const message = err instanceof Error ? err.message : String(err)
  if (err instanceof QueryParseError || hasCode(err, 'ERR_INFLUXQL_PARSE')) {
    return ex.sendError(400, `error parsing query: ${message}`)
  }
  if (err instanceof QueryAuthorizationError) {
    logger.info(
      { requestID: ex.requestID, user: req.user?.name, database: req.database },
      'unauthorized request',
    )
    return ex.sendError(403, `error authorizing query: ${message}`)
  }
  logger.error({ requestID: ex.requestID, err: message }, 'query executor failed')
  return ex.sendError(500, message)
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code
}

/** Writes the results with status 200: merged into one document, or one line per chunk. */
async function streamResults(
  ex: Exchange,
  iterator: AsyncIterator<StatementResult>,
  first: IteratorResult<StatementResult>,
  req: QueryRequest,
  deps: QueryHandlerDeps,
): Promise<void> {
  const formatter = responseFormatter(
    ex.header('accept'),
    firstValue(ex.query, 'pretty') === 'true',
    epochDivisor(req.epoch),
  )
  ex.formatter = formatter
  await ex.settleBody()
  ex.status = 200
  const out = new ResponseStream(ex.res, (ex.header('accept-encoding') ?? '').includes('gzip'))
  const acc = new ResultAccumulator(deps.maxRowLimit)
  let next = first
  let failure: string | undefined
  try {
    while (next.done !== true) {
      if (req.signal.aborted) break
      if (req.chunked) {
        await out.write(formatter.format({ results: [next.value] }), true)
      } else if (!acc.add(next.value)) {
        break
      }
      next = await iterator.next()
    }
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err)
    deps.logger.error(
      { requestID: ex.requestID, err: failure },
      'query failed while streaming results',
    )
  }
  if (next.done !== true && failure === undefined) await closeIterator(iterator)
  if (req.chunked) {
    if (failure !== undefined) await out.write(formatter.format({ error: failure }), true)
  } else {
    const body =
      failure === undefined
        ? { results: acc.results() }
        : { results: acc.results(), error: failure }
    await out.write(formatter.format(body), false)
  }
  deps.stats.add('queryRespBytes', out.bytes)
  ex.bytesSent += out.bytes
  await out.end()
}

/** Runs an `async=true` query to its end, logging statement errors (except "not executed"). */
async function drainAsync(
  iterator: AsyncIterator<StatementResult>,
  first: IteratorResult<StatementResult>,
  req: QueryRequest,
  deps: QueryHandlerDeps,
): Promise<void> {
  try {
    for (let next = first; next.done !== true; next = await iterator.next()) {
      const error = next.value.error
      if (error !== undefined && error !== '' && error !== 'not executed') {
        deps.logger.info(
          { query: sanitizeQuery(req.query), err: error },
          'error while running async query',
        )
      }
    }
  } catch (err) {
    deps.logger.error(
      { query: sanitizeQuery(req.query), err: err instanceof Error ? err.message : String(err) },
      'async query failed',
    )
  }
}

async function closeIterator(iterator: AsyncIterator<StatementResult>): Promise<void> {
  try {
    await iterator.return?.()
  } catch {
    // The query was stopped on purpose; an error while stopping it changes nothing for the client.
  }
}

/** `chunk_size` as InfluxDB reads it: a base-10 int64 > 0, else the default. */
function parseChunkSize(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return DEFAULT_CHUNK_SIZE
  const n = BigInt(s)
  if (n <= 0n || n > (1n << 63n) - 1n) return DEFAULT_CHUNK_SIZE
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n)
}

/** `node_id` as strconv.ParseUint(s, 10, 64) with the error ignored: 0, or the maximum on overflow. */
function parseUint64(s: string): bigint {
  if (!/^\d+$/.test(s)) return 0n
  const max = (1n << 64n) - 1n
  const n = BigInt(s)
  return n > max ? max : n
}

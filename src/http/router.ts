// Dispatches one request the way InfluxDB 1.6.7's handler chain does. Every response carries
// X-Influxdb-Version and X-Influxdb-Build. /debug/vars is served before routing. Other paths must
// match a route exactly (`404 page not found` otherwise, `405 Method Not Allowed` with `Allow`
// for a known path); a routed request then gets Request-Id/X-Request-Id (an incoming one is
// echoed), CORS headers when it has an Origin, an empty 200 for OPTIONS, the Content-Type of its
// response format, the write throttle, authentication, and finally its handler. Unexpected
// errors become InfluxDB's recovery answer (500 `Internal Server Error`).

import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticateRequest } from './authenticate.js'
import { renderDebugVars } from './debug-vars.js'
import { Exchange } from './exchange.js'
import { firstValue } from './go-query.js'
import type {
  Authenticator,
  DatabaseCatalog,
  HTTPLogger,
  PointsWriter,
  QueryExecutor,
  StatisticsSource,
} from './interfaces.js'
import type { ResolvedHTTPOptions } from './options.js'
import { serveQuery } from './query-handler.js'
import { newRequestID } from './request-id.js'
import { responseFormatter } from './response-format.js'
import { loggableParams } from './sanitize.js'
import type { HTTPStatistics } from './statistics.js'
import type { WriteThrottle } from './throttle.js'
import { serveWrite } from './write-handler.js'

/** Everything the request handler needs; built once per server. */
export interface RouterContext {
  readonly options: ResolvedHTTPOptions
  readonly pointsWriter: PointsWriter
  readonly queryExecutor: QueryExecutor
  readonly databases: DatabaseCatalog
  readonly authenticator: Authenticator | undefined
  readonly logger: HTTPLogger
  readonly statistics: StatisticsSource | undefined
  readonly stats: HTTPStatistics
  readonly throttle: WriteThrottle
  /** Aborted when the server closes. */
  readonly serverSignal: AbortSignal
  /** Keeps background work (async queries) alive until close. */
  readonly track: (work: Promise<void>) => void
  /** The bound `host:port`, for /debug/vars. */
  readonly bindAddress: () => string
  readonly startedMs: () => number
  /** Whether the server is closing (responses then close their connection). */
  readonly closing: () => boolean
}

type Handler = (ex: Exchange, ctx: RouterContext) => Promise<void>

interface Route {
  readonly name: string
  /** Method → handler; OPTIONS is answered by the CORS step. */
  readonly methods: ReadonlyMap<string, Handler>
  readonly authenticate: boolean
}

const OPTIONS: Handler = (ex) => ex.send(200)

const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [
    '/query',
    {
      name: 'query',
      methods: new Map([
        ['OPTIONS', OPTIONS],
        ['GET', queryHandler],
        ['POST', queryHandler],
      ]),
      authenticate: true,
    },
  ],
  [
    '/write',
    {
      name: 'write',
      methods: new Map([
        ['OPTIONS', OPTIONS],
        ['POST', writeHandler],
      ]),
      authenticate: true,
    },
  ],
  [
    '/ping',
    {
      name: 'ping',
      methods: new Map([
        ['GET', pingHandler],
        ['HEAD', pingHandler],
      ]),
      authenticate: false,
    },
  ],
  [
    '/status',
    {
      name: 'status',
      methods: new Map([
        ['GET', statusHandler],
        ['HEAD', statusHandler],
      ]),
      authenticate: false,
    },
  ],
])

/** Serves one request; never rejects. `expectContinue`: the client sent `Expect: 100-continue`. */
export async function handleRequest(
  ctx: RouterContext,
  req: IncomingMessage,
  res: ServerResponse,
  expectContinue: boolean,
): Promise<void> {
  const started = process.hrtime.bigint()
  const { stats, options } = ctx
  stats.add('req')
  stats.add('reqActive')
  const ex = new Exchange(req, res, { realm: options.realm }, expectContinue)
  try {
    res.setHeader('X-Influxdb-Build', options.build)
    res.setHeader('X-Influxdb-Version', options.version)
    if (ctx.closing()) res.setHeader('Connection', 'close')
    if (ex.path.startsWith('/debug/vars')) await serveDebugVars(ex, ctx)
    else await route(ex, ctx)
  } catch (err) {
    stats.add('recoveredPanics')
    ctx.logger.error(
      {
        requestID: ex.requestID,
        path: ex.path,
        err: err instanceof Error ? err.stack : String(err),
      },
      'request handler failed',
    )
    if (!res.headersSent) {
      res.removeHeader('Content-Encoding')
      await ex.sendPlain(500, 'Internal Server Error').catch(() => undefined)
    } else {
      res.destroy()
    }
  } finally {
    const durationNs = process.hrtime.bigint() - started
    stats.add('reqActive', -1)
    stats.addDuration('reqDurationNs', durationNs)
    stats.countStatus(ex.status)
    logRequest(ctx, ex, durationNs)
  }
}

async function route(ex: Exchange, ctx: RouterContext): Promise<void> {
  const r = ROUTES.get(ex.path)
  if (r === undefined) {
    ctx.stats.add('notFoundReq')
    return ex.sendPlain(404, '404 page not found')
  }
  const method = ex.req.method ?? 'GET'
  const handler = r.methods.get(method)
  if (handler === undefined) {
    ex.setHeader('Allow', [...r.methods.keys()].join(', '))
    return ex.sendPlain(405, 'Method Not Allowed')
  }
  ex.route = r.name
  ex.requestID = ex.header('x-request-id') || ex.header('request-id') || newRequestID()
  ex.setHeader('Request-Id', ex.requestID)
  ex.setHeader('X-Request-Id', ex.requestID)
  const origin = ex.header('origin')
  if (origin !== undefined && origin !== '') setCORSHeaders(ex, origin)
  if (method === 'OPTIONS') return handler(ex, ctx)

  ex.formatter = responseFormatter(
    ex.header('accept'),
    firstValue(ex.query, 'pretty') === 'true',
    undefined,
  )
  ex.setHeader('Content-Type', ex.formatter.contentType)
  let release = (): void => {}
  if (r.name === 'write') {
    const slot = await ctx.throttle.acquire()
    if (!slot.ok) return ex.sendPlain(503, slot.message)
    release = slot.release
  }
  try {
    if (r.authenticate && ctx.options.authEnabled && ctx.authenticator !== undefined) {
      const auth = await authenticateRequest(ex.query, ex.header('authorization'), {
        authenticator: ctx.authenticator,
        sharedSecret: ctx.options.sharedSecret,
        nowSeconds: Math.floor(Date.now() / 1000),
      })
      if (!auth.ok) {
        if (auth.countsAsFailure) ctx.stats.add('authFail')
        return await ex.sendError(401, auth.message)
      }
      ex.user = auth.user
    }
    await handler(ex, ctx)
  } finally {
    release()
  }
}

function setCORSHeaders(ex: Exchange, origin: string): void {
  ex.setHeader('Access-Control-Allow-Origin', origin)
  ex.setHeader('Access-Control-Allow-Methods', 'DELETE, GET, OPTIONS, POST, PUT')
  ex.setHeader(
    'Access-Control-Allow-Headers',
    'Accept, Accept-Encoding, Authorization, Content-Length, Content-Type, X-CSRF-Token, X-HTTP-Method-Override',
  )
  ex.setHeader('Access-Control-Expose-Headers', 'Date, X-InfluxDB-Version, X-InfluxDB-Build')
}

async function queryHandler(ex: Exchange, ctx: RouterContext): Promise<void> {
  const started = process.hrtime.bigint()
  try {
    await serveQuery(ex, {
      executor: ctx.queryExecutor,
      stats: ctx.stats,
      logger: ctx.logger,
      authEnabled: ctx.options.authEnabled,
      maxRowLimit: ctx.options.maxRowLimit,
      serverSignal: ctx.serverSignal,
      track: ctx.track,
    })
  } finally {
    ctx.stats.addDuration('queryReqDurationNs', process.hrtime.bigint() - started)
  }
}

async function writeHandler(ex: Exchange, ctx: RouterContext): Promise<void> {
  const started = process.hrtime.bigint()
  ctx.stats.add('writeReq')
  ctx.stats.add('writeReqActive')
  try {
    await serveWrite(ex, {
      pointsWriter: ctx.pointsWriter,
      databases: ctx.databases,
      stats: ctx.stats,
      logger: ctx.logger,
      authEnabled: ctx.options.authEnabled,
      maxBodySizeBytes: ctx.options.maxBodySizeBytes,
      writeTracing: ctx.options.writeTracing,
    })
  } finally {
    ctx.stats.add('writeReqActive', -1)
    ctx.stats.addDuration('writeReqDurationNs', process.hrtime.bigint() - started)
  }
}

/** /ping: 204 (1.6.7 ignores `verbose`). */
async function pingHandler(ex: Exchange, ctx: RouterContext): Promise<void> {
  ctx.stats.add('pingReq')
  await ex.send(204)
}

/** /status: the deprecated alias of /ping. */
async function statusHandler(ex: Exchange, ctx: RouterContext): Promise<void> {
  ctx.logger.info({ requestID: ex.requestID }, '/status has been deprecated, use /ping instead')
  ctx.stats.add('statusReq')
  await ex.send(204)
}

/**
 * /debug/vars (any method, any path below it, as InfluxDB): the statistics page. Unlike InfluxDB,
 * it requires credentials when authentication is on — it reveals the command line.
 */
async function serveDebugVars(ex: Exchange, ctx: RouterContext): Promise<void> {
  ex.route = 'debug-vars'
  ctx.stats.add('debugVarsReq')
  if (ctx.options.authEnabled && ctx.authenticator !== undefined) {
    const auth = await authenticateRequest(ex.query, ex.header('authorization'), {
      authenticator: ctx.authenticator,
      sharedSecret: ctx.options.sharedSecret,
      nowSeconds: Math.floor(Date.now() / 1000),
    })
    if (!auth.ok) {
      if (auth.countsAsFailure) ctx.stats.add('authFail')
      ex.setHeader('Content-Type', 'application/json')
      return ex.sendError(401, auth.message)
    }
    ex.user = auth.user
  }
  const body = renderDebugVars(
    {
      stats: ctx.stats,
      bindAddress: ctx.bindAddress(),
      startedMs: ctx.startedMs(),
      extra: ctx.statistics,
    },
    Date.now(),
  )
  ex.setHeader('Content-Type', 'application/json; charset=utf-8')
  await ex.send(200, Buffer.from(body, 'utf8'))
}

/** The access log line: never the password, the Authorization header or the write body. */
function logRequest(ctx: RouterContext, ex: Exchange, durationNs: bigint): void {
  const { options, logger } = ctx
  if (ex.status >= 500) {
    logger.error(
      { requestID: ex.requestID, status: ex.status, err: ex.errorMessage },
      'server error',
    )
  }
  if (!options.logEnabled || (ex.route === 'write' && options.suppressWriteLog)) return
  logger.info(
    {
      requestID: ex.requestID,
      method: ex.req.method,
      path: ex.path,
      params: loggableParams(ex.query),
      status: ex.status,
      durationMs: Number(durationNs) / 1e6,
      bytesRead: ex.bytesRead,
      bytesSent: ex.bytesSent,
      user: ex.user?.name,
      remoteAddress: ex.req.socket.remoteAddress,
      userAgent: ex.header('user-agent'),
    },
    'http request',
  )
}

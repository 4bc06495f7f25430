// Continuous queries and subscriptions: CREATE/DROP/SHOW CONTINUOUS QUERY and CREATE/DROP/SHOW
// SUBSCRIPTION. A CQ is stored as InfluxDB stores it: the whole CREATE statement printed after its
// SELECT's measurements got their database and retention policy (`INTO db.autogen.m FROM
// db.autogen.cpu`), once every retention policy it names is known to exist.

import type {
  CreateContinuousQueryStatement,
  CreateSubscriptionStatement,
  DropContinuousQueryStatement,
  DropSubscriptionStatement,
  ShowContinuousQueriesStatement,
  ShowSubscriptionsStatement,
} from '../influxql/index.js'
import { formatStatement } from '../influxql/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import { StatementError } from './errors.js'
import { measurementsOf, normalizeSelect } from './normalize.js'
import type { QueryCell, QueryRow } from './result.js'

/** CREATE CONTINUOUS QUERY: normalise, check the retention policies, store the printed text. */
export async function* createContinuousQuery(
  stmt: CreateContinuousQueryStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const data = ctx.meta.data
  const source = normalizeSelect(stmt.source, data, {
    database: ctx.defaultDatabase,
    retentionPolicy: ctx.request.retentionPolicy,
  })
  for (const m of measurementsOf(source)) {
    if (data.retentionPolicy(m.database, m.retentionPolicy) === undefined) {
      throw new StatementError(`retention policy not found: ${m.database}.${m.retentionPolicy}`, {
        database: m.database,
        retentionPolicy: m.retentionPolicy,
      })
    }
  }
  const text = formatStatement({ ...stmt, source })
  await ctx.meta.update((d) => d.createContinuousQuery(stmt.database, stmt.name, text))
}

/** DROP CONTINUOUS QUERY (silent when the database or the query does not exist). */
export async function* dropContinuousQuery(
  stmt: DropContinuousQueryStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => d.dropContinuousQuery(stmt.database, stmt.name))
}

/** SHOW CONTINUOUS QUERIES: one row per database, named after it. */
export async function* showContinuousQueries(
  _stmt: ShowContinuousQueriesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const series: QueryRow[] = ctx.meta.data.databases.map((db) => {
    const values: QueryCell[][] = db.continuousQueries.map((cq) => [cq.name, cq.query])
    return { name: db.name, columns: ['name', 'query'], ...(values.length > 0 && { values }) }
  })
  yield { series }
}

/** CREATE SUBSCRIPTION name ON db.rp DESTINATIONS ALL|ANY 'url', …. */
export async function* createSubscription(
  stmt: CreateSubscriptionStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) =>
    d.createSubscription(
      stmt.database,
      stmt.retentionPolicy,
      stmt.name,
      stmt.mode,
      stmt.destinations,
    ),
  )
}

/** DROP SUBSCRIPTION name ON db.rp. */
export async function* dropSubscription(
  stmt: DropSubscriptionStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  await ctx.meta.update((d) => d.dropSubscription(stmt.database, stmt.retentionPolicy, stmt.name))
}

/** SHOW SUBSCRIPTIONS: one row per database that has any. */
export async function* showSubscriptions(
  _stmt: ShowSubscriptionsStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const series: QueryRow[] = []
  for (const db of ctx.meta.data.databases) {
    const values: QueryCell[][] = []
    for (const rp of db.retentionPolicies) {
      for (const s of rp.subscriptions) values.push([rp.name, s.name, s.mode, [...s.destinations]])
    }
    if (values.length > 0)
      series.push({
        name: db.name,
        columns: ['retention_policy', 'name', 'mode', 'destinations'],
        values,
      })
  }
  yield { series }
}

// Runs the same HTTP steps (writes and queries) against the real InfluxDB 1.6 and Tidemark and
// compares status and body byte for byte. A step may normalise both bodies first, for the few
// values that must differ (a running query's duration, process statistics).

import type { InfluxdResponse } from '../helpers/influxd-process.js'

/** Anything that answers raw HTTP requests: an influxd handle or a Tidemark handle. */
export interface Peer {
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Readonly<Record<string, string>>,
  ): Promise<InfluxdResponse>
}

/** Credentials sent with HTTP Basic auth. */
export interface Credentials {
  readonly user: string
  readonly password: string
}

/** One query step: `q` with optional `db`/`rp`/other parameters, by POST unless `method` says GET. */
export interface QueryStep {
  readonly q: string
  readonly params?: Readonly<Record<string, string>>
  readonly method?: 'GET' | 'POST'
  readonly auth?: Credentials
  /** Applied to both bodies before comparing. */
  readonly normalize?: (body: string) => string
}

/** One write step: line protocol to `db` (plus `rp`, `precision` …). */
export interface WriteStep {
  readonly write: string
  readonly db: string
  readonly params?: Readonly<Record<string, string>>
  readonly auth?: Credentials
}

/** A step of a differential scenario. */
export type Step = QueryStep | WriteStep

/** What both peers answered to one step. */
export interface Comparison {
  readonly step: string
  readonly influxd: string
  readonly tidemark: string
}

function authHeader(auth: Credentials | undefined): Record<string, string> {
  if (auth === undefined) return {}
  return {
    Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`,
  }
}

async function send(peer: Peer, step: Step): Promise<string> {
  let res: InfluxdResponse
  if ('write' in step) {
    const qs = new URLSearchParams({ db: step.db, ...step.params }).toString()
    res = await peer.request('POST', `/write?${qs}`, step.write, authHeader(step.auth))
  } else {
    const form = new URLSearchParams({ ...step.params, q: step.q }).toString()
    if (step.method === 'GET') {
      res = await peer.request('GET', `/query?${form}`, undefined, authHeader(step.auth))
    } else {
      res = await peer.request('POST', '/query', form, {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...authHeader(step.auth),
      })
    }
  }
  const body = 'q' in step && step.normalize !== undefined ? step.normalize(res.body) : res.body
  return `${res.status} ${body.trimEnd()}`
}

function describe(step: Step): string {
  if ('write' in step)
    return `write db=${step.db} ${JSON.stringify(step.params ?? {})}: ${step.write.slice(0, 80)}`
  return `${step.method ?? 'POST'} ${JSON.stringify(step.params ?? {})}${step.auth ? ` as ${step.auth.user}` : ''}: ${step.q}`
}

/**
 * Sends every step to both peers in order (influxd first, then Tidemark) and returns the steps
 * whose answers differ. Counts each step in `counter`.
 */
export async function runSteps(
  influxd: Peer,
  tidemark: Peer,
  steps: readonly Step[],
  counter?: { n: number },
): Promise<Comparison[]> {
  const diffs: Comparison[] = []
  for (const step of steps) {
    const a = await send(influxd, step)
    const b = await send(tidemark, step)
    if (counter !== undefined) counter.n++
    if (a !== b) diffs.push({ step: describe(step), influxd: a, tidemark: b })
  }
  return diffs
}

/** A query step (POST) on `db`. */
export function q(text: string, db?: string, extra: Partial<Omit<QueryStep, 'q'>> = {}): QueryStep {
  const params = { ...(db !== undefined && { db }), ...extra.params }
  return { ...extra, q: text, params }
}

/** A write step. */
export function w(
  db: string,
  lineProtocol: string,
  params?: Readonly<Record<string, string>>,
): WriteStep {
  return { write: lineProtocol, db, ...(params !== undefined && { params }) }
}

/**
 * SHOW QUERIES differs only in what must: the duration, and the query ID, which influxd's
 * continuous query service also draws from when a CQ exists.
 */
export function runningQuery(body: string): string {
  return body
    .replace(/\[\d+,"SHOW QUERIES"/g, '[N,"SHOW QUERIES"')
    .replace(/"[0-9.]+(ns|µs|ms|s)"/g, '"D"')
}

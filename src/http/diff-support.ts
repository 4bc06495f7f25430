// Support for the differential tests that send the same requests to Tidemark's HTTP API (over the
// fakes of test-support.ts) and to a real influxd 1.6.7, and compare what matters: status,
// reason phrase, body bytes (decompressed when gzipped) and the headers clients look at. Not used
// by production code.

import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { rawRequest } from './test-support.js'
import type { RawResponse } from './test-support.js'

/** A v1 UUID as InfluxDB makes request IDs (node part zero). */
export const UUID_V1 = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-000000000000$/

/** Headers compared exactly (absent on one side must be absent on the other). */
const EXACT_HEADERS = [
  'content-type',
  'content-encoding',
  'x-influxdb-error',
  'x-influxdb-version',
  'x-influxdb-build',
  'www-authenticate',
  'x-content-type-options',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
] as const

/** One request to send to both servers. */
export interface DiffRequest {
  readonly method: string
  readonly path: string
  readonly body?: string | Uint8Array
  readonly headers?: Readonly<Record<string, string>>
}

/** Sends `req` to both bases and asserts that the answers match; returns both answers. */
export async function assertSameAnswer(
  oursBase: string,
  theirsBase: string,
  req: DiffRequest,
  label = `${req.method} ${req.path}`,
): Promise<{ ours: RawResponse; theirs: RawResponse }> {
  const send = (base: string) => rawRequest(base, req.method, req.path, req.body, req.headers)
  const theirs = await send(theirsBase)
  const ours = await send(oursBase)
  assert.equal(ours.status, theirs.status, `${label}: status`)
  assert.equal(ours.statusMessage, theirs.statusMessage, `${label}: reason phrase`)
  assert.equal(bodyText(ours), bodyText(theirs), `${label}: body`)
  for (const h of EXACT_HEADERS)
    assert.equal(ours.headers[h], theirs.headers[h], `${label}: header ${h}`)
  assert.deepEqual(
    headerSet(ours.headers['allow']),
    headerSet(theirs.headers['allow']),
    `${label}: header allow`,
  )
  assert.equal(closes(ours), closes(theirs), `${label}: Connection: close`)
  assert.equal(requestIDKind(ours), requestIDKind(theirs), `${label}: request id`)
  return { ours, theirs }
}

/** The body as text, gunzipped when the answer says gzip. */
function bodyText(r: RawResponse): string {
  return (r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8')
}

/** A comma-separated header as a sorted list (Go sends `Allow` in map order). */
function headerSet(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined
  return String(v)
    .split(',')
    .map((s) => s.trim())
    .sort()
}

/** Whether the server closes the connection (Go omits `Connection: keep-alive`; Node sends it). */
function closes(r: RawResponse): boolean {
  return r.headers['connection'] === 'close'
}

/** 'none', 'uuid' or the echoed value, with both request-id headers equal. */
function requestIDKind(r: RawResponse): string {
  const a = r.headers['request-id']
  const b = r.headers['x-request-id']
  assert.equal(a, b, 'Request-Id and X-Request-Id differ')
  if (a === undefined) return 'none'
  return UUID_V1.test(String(a)) ? 'uuid' : String(a)
}

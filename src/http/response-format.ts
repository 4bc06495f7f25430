// Chooses how a response body is written, as InfluxDB's responseWriter does for every routed
// request: by the exact `Accept` header value — `application/csv` or `text/csv` → CSV,
// `application/x-msgpack` → MessagePack, anything else → JSON (`pretty=true` in the URL indents
// it). The choice also applies to error bodies (`{"error":"…"}`, `error\n…` in CSV) and sets the
// Content-Type header, even of a 204.

import { CSVFormatter } from './result-csv.js'
import { encodeJSONResponse } from './result-json.js'
import type { ResponseBody } from './result-json.js'
import { encodeMsgpackResponse } from './result-msgpack.js'

/** Formats the responses of one request. Stateful for CSV; not shared between requests. */
export interface ResponseFormatter {
  readonly contentType: string
  /** The body bytes of `body` (for chunked answers: of one chunk). */
  format(body: ResponseBody): Buffer
}

/** The formatter for a request's `Accept` header, `pretty` flag and epoch divisor. */
export function responseFormatter(
  accept: string | undefined,
  pretty: boolean,
  epochDivisor: bigint | undefined,
): ResponseFormatter {
  switch (accept) {
    case 'application/csv':
    case 'text/csv': {
      const csv = new CSVFormatter(epochDivisor)
      return { contentType: 'text/csv', format: (b) => Buffer.from(csv.format(b), 'utf8') }
    }
    case 'application/x-msgpack':
      return {
        contentType: 'application/x-msgpack',
        format: (b) => encodeMsgpackResponse(b, epochDivisor),
      }
    default:
      return {
        contentType: 'application/json',
        format: (b) => Buffer.from(encodeJSONResponse(b, { pretty, epochDivisor }), 'utf8'),
      }
  }
}

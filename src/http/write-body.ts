// Reads the body of a /write request: the size limit (`max-body-size`, 413 `Request Entity Too
// Large`, checked against Content-Length before reading and against the bytes read), and
// `Content-Encoding: gzip` with Go's error texts for bad gzip data (`EOF` for an empty body,
// `unexpected EOF` for a truncated one, `gzip: invalid header`, `gzip: invalid checksum`).
// Unlike InfluxDB 1.6 (whose gzip path ignores the limit), the limit also applies to the
// decompressed size, as in InfluxDB 1.8: a small gzip body cannot expand without bound.

import { gunzip } from 'node:zlib'
import type { Exchange } from './exchange.js'

/** The outcome of {@link readWriteBody}. */
export type WriteBodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  /** Unreadable body: answered 400 with `message`. */
  | { readonly kind: 'bad'; readonly message: string }

/** Reads and, if gzipped, decompresses the request body; `maxBodySizeBytes` 0 means no limit. */
export async function readWriteBody(
  ex: Exchange,
  maxBodySizeBytes: number,
): Promise<WriteBodyResult> {
  const contentLength = Number(ex.header('content-length') ?? Number.NaN)
  if (maxBodySizeBytes > 0 && Number.isFinite(contentLength) && contentLength > maxBodySizeBytes) {
    return { kind: 'too-large' }
  }
  const raw = await ex.readBody(maxBodySizeBytes)
  if (raw.kind === 'too-large') return raw
  if (raw.kind === 'error') return { kind: 'bad', message: raw.message }
  if (ex.header('content-encoding') !== 'gzip') return raw
  return gunzipBody(raw.body, maxBodySizeBytes)
}

/** Decompresses a gzip body, mapping failures to Go's compress/gzip texts. */
export async function gunzipBody(raw: Buffer, maxBytes: number): Promise<WriteBodyResult> {
  if (raw.length === 0) return { kind: 'bad', message: 'EOF' }
  if (raw.length < 10) return { kind: 'bad', message: 'unexpected EOF' }
  if (raw[0] !== 0x1f || raw[1] !== 0x8b || raw[2] !== 8)
    return { kind: 'bad', message: 'gzip: invalid header' }
  try {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const opts = maxBytes > 0 ? { maxOutputLength: maxBytes } : {}
      gunzip(raw, opts, (err, out) => (err === null ? resolve(out) : reject(err)))
    })
    return { kind: 'ok', body }
  } catch (err) {
    return gunzipFailure(err, raw.length)
  }
}

function gunzipFailure(err: unknown, rawLength: number): WriteBodyResult {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
  const message = err instanceof Error ? err.message : String(err)
  if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return { kind: 'too-large' }
  if (code === 'Z_BUF_ERROR') return { kind: 'bad', message: 'unexpected EOF' }
  if (/incorrect (data|length) check/.test(message))
    return { kind: 'bad', message: 'gzip: invalid checksum' }
  if (/header/.test(message)) return { kind: 'bad', message: 'gzip: invalid header' }
  // Go names the input offset where inflate failed; zlib does not say, so the body length stands in.
  return { kind: 'bad', message: `flate: corrupt input before offset ${rawLength}` }
}

// The parameters of a /query request, found where Go's Request.FormValue finds them: for a POST
// with an `application/x-www-form-urlencoded` body, the body's values come first, then the URL's;
// for `multipart/form-data`, the URL's come first, then the parts' (file parts are kept apart, for
// `q` sent as a file); any other body is ignored. Go's size limits apply: a urlencoded body over
// 10 MiB is ignored (`http: POST too large`), and we cap multipart bodies at 32 MiB.

import type { Exchange } from './exchange.js'
import { mergeValues, parseGoQuery } from './go-query.js'
import type { FormValues } from './go-query.js'
import { parseMediaParams, parseMultipart } from './multipart.js'

/** Go's maxFormSize for urlencoded bodies. */
const MAX_FORM_BYTES = 10 * 1024 * 1024
/** Our cap on multipart bodies (Go spills big parts to temp files; we do not). */
const MAX_MULTIPART_BYTES = 32 * 1024 * 1024

/** The merged form values and the file parts of a request. */
export interface QueryForm {
  readonly values: FormValues
  readonly files: Map<string, Buffer[]>
}

/** Reads the request's form as FormValue sees it (reads the body of a POST form). */
export async function readQueryForm(ex: Exchange): Promise<QueryForm> {
  const files = new Map<string, Buffer[]>()
  if (ex.req.method !== 'POST') return { values: ex.query, files }
  const media = parseMediaParams(ex.header('content-type') ?? 'application/octet-stream')
  if (media?.type === 'application/x-www-form-urlencoded') {
    const read = await ex.readBody(MAX_FORM_BYTES)
    if (read.kind !== 'ok') return { values: ex.query, files }
    const values = parseGoQuery(read.body.toString('utf8'))
    mergeValues(values, ex.query)
    return { values, files }
  }
  if (media?.type === 'multipart/form-data') {
    const boundary = media.params.get('boundary') ?? ''
    if (boundary === '') return { values: ex.query, files }
    const read = await ex.readBody(MAX_MULTIPART_BYTES)
    if (read.kind !== 'ok') return { values: ex.query, files }
    const form = parseMultipart(read.body, boundary)
    if (form === undefined) return { values: ex.query, files }
    const values: FormValues = new Map()
    mergeValues(values, ex.query)
    mergeValues(values, form.values)
    return { values, files: form.files }
  }
  return { values: ex.query, files }
}

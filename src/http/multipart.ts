// A multipart/form-data reader for /query bodies (`curl -F q=@file.iql`), following Go's
// mime/multipart as InfluxDB uses it: parts are separated by `--boundary` lines (CRLF or LF line
// ends), each part has headers, a blank line and its content; a part whose Content-Disposition
// has a `filename` is a file, otherwise a form value. Malformed input yields undefined.

/** The values and files of a multipart body (field name → contents, in order). */
export interface MultipartForm {
  readonly values: Map<string, string[]>
  readonly files: Map<string, Buffer[]>
}

/** Parses `body` split by `boundary`; undefined when it is not a well-formed multipart body. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm | undefined {
  if (boundary === '') return undefined
  const dash = Buffer.from(`--${boundary}`, 'latin1')
  const values = new Map<string, string[]>()
  const files = new Map<string, Buffer[]>()
  // The first delimiter may follow a preamble; it must start a line.
  let at = body.indexOf(dash)
  while (at > 0 && body[at - 1] !== 0x0a) at = body.indexOf(dash, at + 1)
  if (at < 0) return undefined
  for (;;) {
    const lineEnd = body.indexOf(0x0a, at + dash.length)
    const after = body.subarray(at + dash.length, lineEnd < 0 ? body.length : lineEnd)
    if (after.subarray(0, 2).toString('latin1') === '--') return { values, files } // final delimiter
    if (lineEnd < 0 || after.toString('latin1').trim() !== '') return undefined
    const partStart = lineEnd + 1
    const headerEnd = findHeaderEnd(body, partStart)
    if (headerEnd === undefined) return undefined
    const headers = parseHeaders(body.subarray(partStart, headerEnd.start).toString('utf8'))
    // The content ends before the line break that precedes the next delimiter.
    let next = body.indexOf(dash, headerEnd.end)
    while (next >= 0 && body[next - 1] !== 0x0a) next = body.indexOf(dash, next + 1)
    if (next < 0) return undefined
    const contentEnd = body[next - 2] === 0x0d ? next - 2 : next - 1
    const content = body.subarray(headerEnd.end, Math.max(headerEnd.end, contentEnd))
    const disposition = parseDisposition(headers.get('content-disposition') ?? '')
    if (disposition !== undefined && disposition.name !== undefined) {
      if (disposition.filename !== undefined) push(files, disposition.name, Buffer.from(content))
      else push(values, disposition.name, content.toString('utf8'))
    }
    at = next
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k)
  if (list === undefined) m.set(k, [v])
  else list.push(v)
}

/** Finds the blank line ending a part's headers: `start` of it and `end` after it. */
function findHeaderEnd(body: Buffer, from: number): { start: number; end: number } | undefined {
  // A part without headers starts directly with the blank line.
  if (body[from] === 0x0d && body[from + 1] === 0x0a) return { start: from, end: from + 2 }
  if (body[from] === 0x0a) return { start: from, end: from + 1 }
  const crlf = body.indexOf('\r\n\r\n', from, 'latin1')
  const lf = body.indexOf('\n\n', from, 'latin1')
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { start: crlf, end: crlf + 4 }
  if (lf >= 0) return { start: lf, end: lf + 2 }
  return undefined
}

function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return out
}

/** `form-data; name="q"; filename="q.txt"` → its name and filename (undefined if not form-data). */
function parseDisposition(value: string): { name?: string; filename?: string } | undefined {
  const params = parseMediaParams(value)
  if (params === undefined || params.type !== 'form-data') return undefined
  const out: { name?: string; filename?: string } = {}
  const name = params.params.get('name')
  const filename = params.params.get('filename')
  if (name !== undefined) out.name = name
  if (filename !== undefined) out.filename = filename
  return out
}

/**
 * Parses a media type with parameters (`multipart/form-data; boundary="x"`) like Go's
 * mime.ParseMediaType, enough for Content-Type and Content-Disposition: lower-cased type,
 * lower-cased parameter names, quoted or token values.
 */
export function parseMediaParams(
  value: string,
): { type: string; params: Map<string, string> } | undefined {
  const semi = value.indexOf(';')
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase()
  if (type === '') return undefined
  const params = new Map<string, string>()
  let rest = semi < 0 ? '' : value.slice(semi + 1)
  const re = /^\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))\s*(?:;|$)/
  while (rest.trim() !== '') {
    const m = re.exec(rest)
    if (m === null) return undefined
    const v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
    params.set((m[1] ?? '').toLowerCase(), v)
    rest = rest.slice(m[0].length)
  }
  return { type, params }
}

// Works out which records of a failed /write batch were not written, from the server's answer.
// influxd quotes every line it could not parse — `unable to parse '<line>': <reason>`, several
// joined by `\n`, wrapped in `partial write: … dropped=0` when other lines were written — in body
// order, so the quotes are matched back to the records in one forward pass. Answers that do not
// say which points were dropped (a field type conflict, points outside the retention policy:
// `partial write: <reason> dropped=N`) are "unexplained": the caller must isolate the culprits.
// Any other failure (unknown database, bad consistency, auth, 5xx) wrote nothing.

import { isJSONObject, readJSONSequence } from './shell-json.js'

/** What a /write answer means for the records of the batch. */
export type WriteVerdict =
  | { readonly kind: 'ok' }
  /** Exactly the records at these indexes failed (message = influxd's text for each). */
  | { readonly kind: 'parse'; readonly failures: ReadonlyMap<number, string> }
  /** Some points were dropped (`dropped` of them, when the answer says), but not which. */
  | { readonly kind: 'unexplained'; readonly message: string; readonly dropped?: number }
  /** Nothing of the batch was written. */
  | { readonly kind: 'whole'; readonly message: string }

const UNABLE = "unable to parse '"
const PARTIAL = 'partial write: '
const DROPPED = / dropped=(\d+)$/

/** The error text of a /write answer body: its JSON `error` field, else the body trimmed. */
export function writeErrorMessage(body: string): string {
  const { values } = readJSONSequence(body)
  const v = values[0]
  if (isJSONObject(v)) {
    const e = v.get('error')
    if (typeof e === 'string') return e
  }
  return body.trim()
}

/**
 * Judges one /write answer. `recordTexts()` gives each record's text as influxd quotes it (lines
 * joined by `\n`, leading spaces and TABs removed); it is only called when the answer quotes lines.
 */
export function judgeWrite(
  status: number,
  body: string,
  recordTexts: () => readonly string[],
): WriteVerdict {
  if (status === 204 || status === 200) return { kind: 'ok' }
  const message = writeErrorMessage(body)
  if (status !== 400) return { kind: 'whole', message }
  if (message.startsWith(UNABLE)) {
    return matchQuotes(message, recordTexts()) ?? { kind: 'unexplained', message }
  }
  if (!message.startsWith(PARTIAL)) return { kind: 'whole', message }
  const inner = message.slice(PARTIAL.length)
  const m = DROPPED.exec(inner)
  if (m !== null && m[1] === '0' && inner.startsWith(UNABLE)) {
    const quoted = inner.slice(0, inner.length - m[0].length)
    return matchQuotes(quoted, recordTexts()) ?? { kind: 'unexplained', message }
  }
  return m === null
    ? { kind: 'unexplained', message }
    : { kind: 'unexplained', message, dropped: Number(m[1]) }
}

/**
 * Matches `unable to parse '<text>': <reason>` entries (joined by `\n`) to records, in order.
 * Returns undefined when an entry matches no remaining record.
 */
function matchQuotes(text: string, records: readonly string[]): WriteVerdict | undefined {
  const failures = new Map<number, string>()
  let pos = 0
  let r = 0
  while (pos < text.length) {
    if (!text.startsWith(UNABLE, pos)) return undefined
    const at = pos + UNABLE.length
    let found = -1
    for (; r < records.length; r++) {
      const rec = records[r] ?? ''
      if (text.startsWith(rec, at) && text.startsWith("': ", at + rec.length)) {
        found = r
        break
      }
    }
    if (found < 0) return undefined
    const reasonAt = at + (records[found] ?? '').length + 3
    const next = text.indexOf('\n' + UNABLE, reasonAt)
    const end = next < 0 ? text.length : next
    failures.set(found, text.slice(pos, end))
    pos = next < 0 ? text.length : next + 1
    r = found + 1
  }
  return failures.size > 0 ? { kind: 'parse', failures } : undefined
}

/** A record's text as influxd quotes it: lines joined by `\n`, leading space/TAB/NUL removed. */
export function quotedText(lines: readonly Buffer[]): string {
  const text = lines.map((l) => l.toString('utf8')).join('\n')
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0) break
    i++
  }
  return i === 0 ? text : text.slice(i)
}

// Runs one query with chunked=true against a server process and samples the process's resident set
// size (VmRSS in /proc/PID/status) every 50 ms while the answer streams in; the answer is counted,
// never kept. Used by test/e2e/select-memory.test.ts and bench/select-memory.ts.

import { readFile } from 'node:fs/promises'

/** What one streamed query cost the server. */
export interface SelectMemory {
  /** RSS just before the query was sent. */
  readonly baselineBytes: number
  /** The highest RSS seen while the query ran. */
  readonly peakBytes: number
  /** Rows (points) received, counted from the chunks' `values`. */
  readonly rows: number
  readonly chunks: number
  readonly ms: number
  /** False when reading stopped at the time budget. */
  readonly complete: boolean
  /** RSS samples over the run: rows received so far and the RSS then. */
  readonly samples: readonly { readonly rows: number; readonly bytes: number }[]
}

/**
 * The highest RSS in each tenth of the rows (index 0: the first 10% of rows), to show whether
 * memory levels off once streaming is under way or keeps growing with the rows sent.
 */
export function rssByTenth(m: SelectMemory): number[] {
  const out: number[] = Array.from({ length: 10 }, () => 0)
  for (const s of m.samples) {
    const k = Math.min(9, Math.floor((s.rows / Math.max(1, m.rows)) * 10))
    out[k] = Math.max(out[k] ?? 0, s.bytes)
  }
  for (let k = 1; k < 10; k++) if (out[k] === 0) out[k] = out[k - 1] ?? 0
  return out
}

/** The resident set size of process `pid` in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kb) * 1024
}

/** Sends `q` to `url` with chunked=true and reads the answer for at most `budgetMs`, sampling `pid`'s RSS. */
export async function measureSelectMemory(
  url: string,
  pid: number,
  db: string,
  q: string,
  budgetMs: number,
): Promise<SelectMemory> {
  const baselineBytes = await rssBytes(pid)
  let peakBytes = baselineBytes
  let rows = 0
  const samples: { rows: number; bytes: number }[] = []
  const sampler = setInterval(() => {
    rssBytes(pid).then(
      (b) => {
        peakBytes = Math.max(peakBytes, b)
        samples.push({ rows, bytes: b })
      },
      () => undefined,
    )
  }, 50)
  const abort = new AbortController()
  const budget = setTimeout(() => abort.abort(), budgetMs)
  const t0 = performance.now()
  let chunks = 0
  let complete = false
  try {
    const res = await fetch(
      `${url}/query?${new URLSearchParams({ db, q, chunked: 'true', chunk_size: '10000' })}`,
      { signal: abort.signal },
    )
    if (res.body === null) throw new Error(`no body (status ${res.status})`)
    const decoder = new TextDecoder()
    let pending = ''
    for await (const part of res.body) {
      pending += decoder.decode(part, { stream: true })
      let nl = pending.indexOf('\n')
      while (nl >= 0) {
        const line = pending.slice(0, nl)
        pending = pending.slice(nl + 1)
        if (line.trim() !== '') {
          chunks++
          const doc = JSON.parse(line) as {
            results?: { error?: string; series?: { values?: unknown[] }[] }[]
          }
          const error = doc.results?.[0]?.error
          if (error !== undefined) throw new Error(`the query failed: ${error}`)
          for (const s of doc.results?.[0]?.series ?? []) rows += s.values?.length ?? 0
        }
        nl = pending.indexOf('\n')
      }
    }
    complete = true
  } catch (err) {
    if (!abort.signal.aborted) throw err
  } finally {
    clearTimeout(budget)
    clearInterval(sampler)
  }
  peakBytes = Math.max(peakBytes, await rssBytes(pid).catch(() => 0))
  return { baselineBytes, peakBytes, rows, chunks, ms: performance.now() - t0, complete, samples }
}

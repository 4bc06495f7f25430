// Time as SHOW SHARDS, SHOW SHARD GROUPS and the condition errors print it: Go's time.RFC3339
// layout in UTC (`2006-01-02T15:04:05Z`, whole seconds, no fraction), including the years before
// 1970 and after 9999 that nanosecond times reach (Go pads to four digits and keeps the sign).

const NS_PER_SECOND = 1_000_000_000n
const SECONDS_PER_DAY = 86_400n

/** Formats ns since the epoch as Go's `t.UTC().Format(time.RFC3339)`. */
export function formatRFC3339(ns: bigint): string {
  let secs = ns / NS_PER_SECOND
  if (ns < 0n && ns % NS_PER_SECOND !== 0n) secs -= 1n
  let days = secs / SECONDS_PER_DAY
  let rem = secs % SECONDS_PER_DAY
  if (rem < 0n) {
    rem += SECONDS_PER_DAY
    days -= 1n
  }
  const { y, m, d } = civilFromDays(days)
  const hh = rem / 3600n
  const mm = (rem % 3600n) / 60n
  const ss = rem % 60n
  const year = y < 0n ? `-${pad(-y, 4)}` : pad(y, 4)
  return `${year}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}Z`
}

function pad(v: bigint, width: number): string {
  return v.toString().padStart(width, '0')
}

/** Howard Hinnant's days-to-civil algorithm, in bigint so any int64 time fits. */
function civilFromDays(z0: bigint): { y: bigint; m: bigint; d: bigint } {
  const z = z0 + 719_468n
  const era = (z >= 0n ? z : z - 146_096n) / 146_097n
  const doe = z - era * 146_097n
  const yoe = (doe - doe / 1460n + doe / 36_524n - doe / 146_096n) / 365n
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n)
  const mp = (5n * doy + 2n) / 153n
  const d = doy - (153n * mp + 2n) / 5n + 1n
  const m = mp < 10n ? mp + 3n : mp - 9n
  const y = yoe + era * 400n + (m <= 2n ? 1n : 0n)
  return { y, m, d }
}

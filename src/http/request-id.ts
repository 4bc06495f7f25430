// Request IDs in InfluxDB's form: a version-1 (time-based) UUID whose clock sequence is a
// process-wide counter and whose node part is zero, e.g. 9dad78dc-e904-11f1-8014-000000000000.
// Layout (RFC 4122): time_low(4) time_mid(2) time_hi_and_version(2) clock_seq(2) node(6), where
// the time is in 100 ns units since 1582-10-15.

/** 100 ns intervals from 1582-10-15 (the UUID epoch) to 1970-01-01. */
const UUID_EPOCH_OFFSET_100NS = 122192928000000000n

let clockSeq = 0

/** A new v1 UUID string for `Request-Id`/`X-Request-Id`. */
export function newRequestID(
  nowNs: bigint = BigInt(Date.now()) * 1_000_000n + subMillisecondNs(),
): string {
  const t = nowNs / 100n + UUID_EPOCH_OFFSET_100NS
  clockSeq = (clockSeq + 1) % 0x10000
  const timeLow = Number(t & 0xffffffffn)
  const timeMid = Number((t >> 32n) & 0xffffn)
  const timeHi = Number((t >> 48n) & 0x0fffn) | 0x1000
  const seq = ((clockSeq >> 8) & 0x3f) | 0x80
  const seqLow = clockSeq & 0xff
  return `${hex(timeLow, 8)}-${hex(timeMid, 4)}-${hex(timeHi, 4)}-${hex(seq, 2)}${hex(seqLow, 2)}-000000000000`
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0')
}

const startHr = process.hrtime.bigint()
const startMs = Date.now()

/** The sub-millisecond part of the current time, from the monotonic clock. */
function subMillisecondNs(): bigint {
  const elapsed = process.hrtime.bigint() - startHr
  const wall = BigInt(startMs) * 1_000_000n + elapsed
  return wall % 1_000_000n
}

// Subscription operations on the model, and the destination URL check InfluxDB applies: the
// scheme must be http, https or udp and the host must carry a port (Go's url.Parse followed by
// net.SplitHostPort).
import {
  InvalidSubscriptionURLError,
  SubscriptionExistsError,
  SubscriptionNotFoundError,
} from './errors.js'
import { removeAt, requireRetentionPolicy, withRetentionPolicy } from './model-update.js'
import type { MetaDataFields } from './types.js'

const SCHEME_AND_AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/

/** Whether Go's url.Parse and net.SplitHostPort accept `hostport` with a non-empty, numeric port. */
function hasHostAndPort(hostport: string): boolean {
  let rest: string
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']')
    if (close < 0) return false
    rest = hostport.slice(close + 1)
    if (!rest.startsWith(':')) return false
    rest = rest.slice(1)
  } else {
    const colon = hostport.lastIndexOf(':')
    if (colon < 0) return false
    if (hostport.slice(0, colon).includes(':')) return false
    rest = hostport.slice(colon + 1)
  }
  return /^[0-9]+$/.test(rest)
}

/** Throws InvalidSubscriptionURLError unless `url` is an http, https or udp URL with a host:port. */
export function validateSubscriptionURL(url: string): void {
  const m = SCHEME_AND_AUTHORITY.exec(url)
  const scheme = m?.[1]?.toLowerCase()
  const authority = m?.[2]
  const schemeOK = scheme === 'http' || scheme === 'https' || scheme === 'udp'
  if (!schemeOK || authority === undefined) {
    throw new InvalidSubscriptionURLError(url)
  }
  const hostport = authority.slice(authority.lastIndexOf('@') + 1)
  if (!hasHostAndPort(hostport)) throw new InvalidSubscriptionURLError(url)
}

/**
 * Adds a subscription to a retention policy ('' = the database's default). Every destination is
 * checked first; a subscription of the same name gives SubscriptionExistsError.
 */
export function createSubscription(
  data: MetaDataFields,
  db: string,
  rp: string,
  name: string,
  mode: string,
  destinations: readonly string[],
): MetaDataFields {
  for (const d of destinations) validateSubscriptionURL(d)
  const loc = requireRetentionPolicy(data, db, rp)
  if (loc.rp.subscriptions.some((s) => s.name === name))
    throw new SubscriptionExistsError(db, rp, name)
  return withRetentionPolicy(data, loc, {
    ...loc.rp,
    subscriptions: [...loc.rp.subscriptions, { name, mode, destinations: destinations.slice() }],
  })
}

/** Removes a subscription; SubscriptionNotFoundError when there is none of that name. */
export function dropSubscription(
  data: MetaDataFields,
  db: string,
  rp: string,
  name: string,
): MetaDataFields {
  const loc = requireRetentionPolicy(data, db, rp)
  const i = loc.rp.subscriptions.findIndex((s) => s.name === name)
  if (i < 0) throw new SubscriptionNotFoundError(db, rp, name)
  return withRetentionPolicy(data, loc, {
    ...loc.rp,
    subscriptions: removeAt(loc.rp.subscriptions, i),
  })
}

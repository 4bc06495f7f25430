// Adapters from the components' own types to the narrow interfaces the HTTP API declares: the
// write coordinator as an http PointsWriter, the metastore as an Authenticator and a
// DatabaseCatalog. Kept here, in the composition root, so no component imports a later one.

import type { PointsWriter as ClusterPointsWriter } from '../cluster/index.js'
import { WriteRetentionPolicyNotFoundError } from '../cluster/index.js'
import type {
  AuthUser,
  Authenticator,
  DatabaseCatalog,
  PointsWriter,
  Privilege,
  WriteOutcome,
  WriteRequest,
} from '../http/index.js'
import { type MetaClient, type PasswordHasher, type UserInfo } from '../meta/index.js'

const PRIVILEGE_NAMES: readonly Privilege[] = ['none', 'read', 'write', 'all']

/** The metastore's view of a user as the HTTP layer wants it. */
export function toAuthUser(u: UserInfo): AuthUser {
  const privileges = new Map<string, Privilege>()
  for (const [db, p] of u.privileges) privileges.set(db, PRIVILEGE_NAMES[p] ?? 'none')
  return { name: u.name, admin: u.admin, privileges }
}

/** Users and databases, answered from the current metadata. */
export class MetaAuthenticator implements Authenticator, DatabaseCatalog {
  readonly #meta: MetaClient
  readonly #hasher: PasswordHasher

  constructor(meta: MetaClient, hasher: PasswordHasher) {
    this.#meta = meta
    this.#hasher = hasher
  }

  async authenticate(username: string, password: string): Promise<AuthUser | undefined> {
    const u = this.#meta.data.user(username)
    if (u === undefined) return undefined
    return (await this.#hasher.compare(password, u.hash)) ? toAuthUser(u) : undefined
  }

  user(username: string): AuthUser | undefined {
    const u = this.#meta.data.user(username)
    return u === undefined ? undefined : toAuthUser(u)
  }

  adminUserExists(): boolean {
    return this.#meta.data.adminUserExists()
  }

  databaseExists(name: string): boolean {
    return this.#meta.data.database(name) !== undefined
  }
}

/** The write coordinator behind the HTTP layer's PointsWriter interface, passing the consistency level on. */
export class HTTPPointsWriter implements PointsWriter {
  readonly #writer: ClusterPointsWriter

  constructor(writer: ClusterPointsWriter) {
    this.#writer = writer
  }

  async writePoints(req: WriteRequest): Promise<WriteOutcome> {
    try {
      const r = await this.#writer.writePoints(
        req.database,
        req.retentionPolicy,
        req.points,
        req.consistency,
      )
      if (r.kind === 'ok') return { kind: 'ok' }
      return { kind: 'partial', reason: r.reason, dropped: r.dropped }
    } catch (err) {
      if (err instanceof WriteRetentionPolicyNotFoundError)
        return { kind: 'failed', message: err.message }
      throw err
    }
  }
}

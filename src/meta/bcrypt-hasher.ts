// The PasswordHasher InfluxDB uses: bcrypt with the default cost 10, written in the `$2a$` form
// InfluxDB 1.x (Go's x/crypto/bcrypt) writes, so users move between Tidemark and InfluxDB intact.
import bcrypt from 'bcryptjs'
import type { PasswordHasher } from './users.js'

/** bcrypt's cost in InfluxDB 1.x (bcrypt.DefaultCost). */
export const BCRYPT_COST = 10

/** Hashes with bcryptjs as `$2a$10$…`; compares any `$2a$`/`$2b$`/`$2y$` hash. */
export const bcryptHasher: PasswordHasher = {
  async hash(password: string): Promise<string> {
    const h = await bcrypt.hash(password, BCRYPT_COST)
    return h.startsWith('$2b$') ? `$2a$${h.slice(4)}` : h
  },
  async compare(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash)
  },
}

// The base class of every error Tidemark throws on purpose. Each subclass carries a stable `code`
// (ERR_<COMPONENT>_<WHAT>) that callers branch on, and the fields a caller needs to act on it.

/** Extra, structured context attached to an error (path, offset, line, shardID, ...). */
export type ErrorFields = Readonly<Record<string, string | number | bigint | boolean | undefined>>

/**
 * The base of all Tidemark errors. `code` is our stable contract; the message is for humans.
 * `fields` carries where the problem is (file, line, byte offset, shard ID, expected vs found).
 */
export class TidemarkError extends Error {
  readonly code: string
  readonly fields: ErrorFields

  constructor(
    code: string,
    message: string,
    fields: ErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.code = code
    this.fields = fields
    this.name = new.target.name
  }
}

/** Thrown by a stateful component (WAL, engine, store, ...) that is used before open() or after close(). */
export class NotOpenError extends TidemarkError {
  constructor(what: string) {
    super('ERR_NOT_OPEN', `${what} is not open`, { what })
  }
}

/** Thrown by the bounds-checked byte helpers when a read would run past the end of the input. */
export class ShortBufferError extends TidemarkError {
  constructor(offset: number, wanted: number, available: number) {
    super(
      'ERR_SHORT_BUFFER',
      `unexpected end of data at offset ${offset}: expected ${wanted} bytes, found ${available}`,
      { offset, wanted, available },
    )
  }
}

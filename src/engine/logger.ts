// The narrow logging interface the engine needs; pino's Logger satisfies it. Silent by default.

/** Structured logging: fields first, then a constant message (never interpolate values into it). */
export interface Logger {
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
  error(fields: object, msg: string): void
}

/** A logger that drops everything (the default in tests and tools). */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
}

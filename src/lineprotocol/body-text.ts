// UTF-8 decoding of byte ranges of a request body. Node's Buffer has a native per-range decoder
// (utf8Slice) that is about twice as fast as toString() for the short ranges the parser decodes;
// it is used when present, toString() otherwise.

interface Utf8Slicer {
  utf8Slice(start: number, end: number): string
}

function hasUtf8Slice(x: object): x is Utf8Slicer {
  return 'utf8Slice' in x && typeof x.utf8Slice === 'function'
}

/** Decodes ranges of one body as UTF-8 (invalid bytes become U+FFFD). Not concurrent. */
export class BodyText {
  readonly #buf: Buffer
  readonly #slicer: Utf8Slicer | undefined

  /** Wraps `body` without copying it. */
  constructor(body: Uint8Array) {
    this.#buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    this.#slicer = hasUtf8Slice(this.#buf) ? this.#buf : undefined
  }

  /** The bytes `[start, end)` decoded as UTF-8. */
  utf8(start: number, end: number): string {
    const s = this.#slicer
    return s !== undefined ? s.utf8Slice(start, end) : this.#buf.toString('utf8', start, end)
  }
}

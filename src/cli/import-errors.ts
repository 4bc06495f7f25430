// The errors of `tidemark -import`: an input file that cannot be opened, decompressed or read.
// The message is the text influx prints after `ERROR: ` (`open <path>: no such file or
// directory`, `gzip: invalid header`), the fields say which file and where.

import { TidemarkError } from '../util/index.js'

/** The import file cannot be opened, decompressed or read; `line` is the last line read (0 = none). */
export class ImportInputError extends TidemarkError {
  constructor(message: string, path: string, line: number, cause?: unknown) {
    super('ERR_CLI_IMPORT_INPUT', message, { path, line }, { cause })
  }
}

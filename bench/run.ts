// `npm run bench`: every benchmark, Tidemark beside the real InfluxDB where a comparison exists.
// `node dist/bench/run.js NAME...` runs only the named ones.
import { benchLineProtocol } from './lineprotocol.js'
import { benchTSMCodecs } from './tsm-codecs.js'
import { benchWAL } from './wal.js'
import { benchStorage } from './storage.js'
import { benchExport } from './export.js'
import { benchHTTPWrite } from './http-write.js'
import { benchBackup } from './backup.js'
import { benchQuery } from './query.js'
import { benchSelectMemory } from './select-memory.js'
import { benchCluster } from './cluster.js'

const all: Record<string, () => Promise<void>> = {
  lineprotocol: benchLineProtocol,
  codecs: benchTSMCodecs,
  wal: benchWAL,
  storage: () => benchStorage(),
  export: benchExport,
  'http-write': () => benchHTTPWrite(),
  backup: () => benchBackup(),
  query: () => benchQuery(),
  'select-memory': () => benchSelectMemory(),
  cluster: () => benchCluster(),
}

const wanted = process.argv.slice(2)
for (const [name, run] of Object.entries(all)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  console.log(`\n# ${name}`)
  await run()
}

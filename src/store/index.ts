// The store: all shards of a node, their directories, and their lifecycle.
export { Store } from './store.js'
export type { StoreConfig, FailedShard } from './store.js'
export { ShardNotFoundError, ShardExistsError, StoreNameError } from './errors.js'
export { ShardPins } from './shard-pins.js'
export type { PinnedShard } from './shard-pins.js'

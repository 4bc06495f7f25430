// The composition root: configuration and the server that wires every component.
export { loadConfig, renderConfig, defaultConfig, ConfigError, CONFIG_SCHEMA } from './config.js'
export type { Config, ConfigLoad } from './config.js'
export { startServer, createLogger } from './server.js'
export type { TidemarkServer, StartOptions } from './server.js'

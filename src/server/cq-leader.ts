// Which data node of a cluster runs the continuous queries. Every data node has the CQ service,
// and only one may run each CQ (the others would write its INTO points again): the data node with
// the lowest ID among those that answer. So a node runs the CQs when no data node with a lower ID
// answers GET /ping on its node API within a short timeout; a node that answers slowly or not at
// all is asked once more before it counts as down. Answers are cached for a few seconds, so the
// probes cost little and a leader that dies is replaced within about cacheMs + 2 × timeoutMs.
// A single node (no data nodes, or just one) always runs them.

import { request as httpRequest } from 'node:http'

/** The data nodes as the leader check reads them from the metadata. */
export interface CQLeaderNodes {
  /** Every data node: ID and node API address. */
  dataNodes(): readonly { readonly id: bigint; readonly tcpHost: string }[]
  /** This node's data node ID, or undefined while it is not known. */
  localNodeID(): bigint | undefined
}

/** Something that logs with fields first (pino's Logger fits). */
export interface CQLeaderLogger {
  info(fields: object, msg: string): void
}

/** Options of CQLeader. */
export interface CQLeaderOptions {
  readonly nodes: CQLeaderNodes
  readonly logger: CQLeaderLogger
  /** How long a /ping may take (default 1000 ms). */
  readonly timeoutMs?: number
  /** How long an answer is trusted (default 3000 ms). */
  readonly cacheMs?: number
  /** Whether the node API at `address` answers /ping (default: an HTTP GET). */
  readonly probe?: (address: string, timeoutMs: number) => Promise<boolean>
}

/** GET http://address/ping; true on a 2xx answer within `timeoutMs`. Never rejects. */
export function pingNode(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(`http://${address}/ping`, { agent: false }, (res) => {
      res.resume()
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300)
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** Decides whether this data node runs the CQs now (see the file comment). */
export class CQLeader {
  readonly #o: CQLeaderOptions
  readonly #timeoutMs: number
  readonly #cacheMs: number
  readonly #probe: (address: string, timeoutMs: number) => Promise<boolean>
  readonly #answers = new Map<string, { up: boolean; atMs: number }>()
  #leading: boolean | undefined

  constructor(options: CQLeaderOptions) {
    this.#o = options
    this.#timeoutMs = options.timeoutMs ?? 1000
    this.#cacheMs = options.cacheMs ?? 3000
    this.#probe = options.probe ?? pingNode
  }

  /** Whether this node runs the CQs now. Never rejects. */
  async runsHere(): Promise<boolean> {
    const nodes = this.#o.nodes.dataNodes()
    if (nodes.length <= 1) return true
    const self = this.#o.nodes.localNodeID()
    if (self === undefined) return false
    const lower = nodes.filter((n) => n.id < self)
    const answers = await Promise.all(lower.map((n) => this.#up(n.tcpHost)))
    const leading = !answers.some((up) => up)
    if (leading !== this.#leading && (this.#leading !== undefined || leading)) {
      this.#o.logger.info(
        { nodeID: String(self), lowerNodes: lower.map((n) => String(n.id)) },
        leading
          ? 'running continuous queries: no data node with a lower ID answers'
          : 'a data node with a lower ID answers: it runs the continuous queries',
      )
    }
    this.#leading = leading
    return leading
  }

  async #up(address: string): Promise<boolean> {
    const now = Date.now()
    const cached = this.#answers.get(address)
    if (cached !== undefined && now - cached.atMs < this.#cacheMs) return cached.up
    const up =
      (await this.#probe(address, this.#timeoutMs)) || (await this.#probe(address, this.#timeoutMs))
    this.#answers.set(address, { up, atMs: Date.now() })
    return up
  }
}

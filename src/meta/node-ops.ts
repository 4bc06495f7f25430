// Data node and meta node operations on the model (the cluster's membership), after InfluxDB's
// clustered metastore (0.10–0.11 data.go): a node is identified by its TCP address, IDs come from
// maxNodeID, and a data node and a meta node on the same TCP address share one ID.
import { NodeExistsError, NodeNotFoundError } from './errors.js'
import type { MetaDataFields, NodeInfo } from './types.js'

function byID(a: NodeInfo, b: NodeInfo): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function sharedID(others: readonly NodeInfo[], tcpHost: string): bigint | undefined {
  return others.find((n) => n.tcpHost === tcpHost)?.id
}

/**
 * Adds a data node. NodeExistsError when a data node has the same TCP address; reuses the ID of a
 * meta node on that address, else takes maxNodeID + 1. Data nodes stay sorted by ID.
 */
export function createDataNode(
  data: MetaDataFields,
  host: string,
  tcpHost: string,
): MetaDataFields {
  if (data.dataNodes.some((n) => n.tcpHost === tcpHost)) throw new NodeExistsError(tcpHost)
  const existing = sharedID(data.metaNodes, tcpHost)
  const maxNodeID = existing === undefined ? data.maxNodeID + 1n : data.maxNodeID
  const node: NodeInfo = { id: existing ?? maxNodeID, host, tcpHost }
  return { ...data, maxNodeID, dataNodes: [...data.dataNodes, node].sort(byID) }
}

/**
 * Adds a meta node. NodeExistsError when a meta node has the same HTTP address; reuses the ID of a
 * data node on the same TCP address, else takes maxNodeID + 1. Meta nodes stay sorted by ID.
 */
export function createMetaNode(
  data: MetaDataFields,
  host: string,
  tcpHost: string,
): MetaDataFields {
  if (data.metaNodes.some((n) => n.host === host)) throw new NodeExistsError(host)
  const existing = sharedID(data.dataNodes, tcpHost)
  const maxNodeID = existing === undefined ? data.maxNodeID + 1n : data.maxNodeID
  const node: NodeInfo = { id: existing ?? maxNodeID, host, tcpHost }
  return { ...data, maxNodeID, metaNodes: [...data.metaNodes, node].sort(byID) }
}

/** Removes a data node by ID; NodeNotFoundError when there is none. Shard owners are not touched. */
export function deleteDataNode(data: MetaDataFields, id: bigint): MetaDataFields {
  const dataNodes = data.dataNodes.filter((n) => n.id !== id)
  if (dataNodes.length === data.dataNodes.length) throw new NodeNotFoundError(id)
  return { ...data, dataNodes }
}

/** Removes a meta node by ID; NodeNotFoundError when there is none. */
export function deleteMetaNode(data: MetaDataFields, id: bigint): MetaDataFields {
  const metaNodes = data.metaNodes.filter((n) => n.id !== id)
  if (metaNodes.length === data.metaNodes.length) throw new NodeNotFoundError(id)
  return { ...data, metaNodes }
}

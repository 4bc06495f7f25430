// Tag sets: the series of a measurement grouped by the values of the GROUP BY tags (a missing
// tag counts as ''), ordered by those values as InfluxDB orders its tag sets, and cut by
// SLIMIT/SOFFSET.

/** One tag set and what was collected for it. */
export interface TagSetGroup<T> {
  /** The dimension values joined by NUL (sorts as InfluxDB's tag set keys). */
  readonly key: string
  readonly tags: Readonly<Record<string, string>>
  readonly items: T[]
}

/** The group key of a series' tags under the dimensions `dims` (sorted tag keys). */
export function groupKeyOf(dims: readonly string[], tags: ReadonlyMap<string, string>): string {
  let key = ''
  for (const d of dims) key += `${tags.get(d) ?? ''}\u0000`
  return key
}

/** The `tags` object of a result row for the dimensions `dims`. */
export function groupTags(
  dims: readonly string[],
  tags: ReadonlyMap<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of dims) out[d] = tags.get(d) ?? ''
  return out
}

/**
 * The groups sorted by key (descending for ORDER BY time DESC, as InfluxDB reverses its tag
 * sets), with SOFFSET groups skipped and at most SLIMIT (0: all) kept. InfluxDB 1.6 applies
 * SLIMIT per shard; this applies it over the whole range (the same within one shard group).
 */
export function sliceGroups<T>(
  groups: ReadonlyMap<string, TagSetGroup<T>>,
  sLimit: number,
  sOffset: number,
  ascending = true,
): TagSetGroup<T>[] {
  const sorted = [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  if (!ascending) sorted.reverse()
  return sorted.slice(sOffset, sLimit > 0 ? sOffset + sLimit : undefined)
}

/**
 * The GROUP BY tag keys, sorted. GROUP BY * adds the tag keys of every measurement the query
 * reads (InfluxDB expands it over all sources), so each measurement's rows carry them all.
 */
export function dimensionsOf(
  dims: { readonly all: boolean; readonly keys: readonly string[] },
  schemas: readonly { readonly tagKeys: readonly string[] }[],
): readonly string[] {
  if (!dims.all) return dims.keys
  const keys = new Set(dims.keys)
  for (const s of schemas) for (const k of s.tagKeys) keys.add(k)
  return [...keys].sort()
}

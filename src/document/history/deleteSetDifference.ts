import * as Y from 'yjs'

/** Yjs's delete set: per client, sorted `{clock, len}` ranges of deleted items. */
export type DeleteSet = Y.Snapshot['ds']
type DeleteItem = { clock: number; len: number }

/**
 * The deletions of `all` that `known` does not hold, as a sorted, merged delete set. Both must be
 * sorted and merged per client (as `Y.snapshot` and `Y.mergeDeleteSets` return them).
 */
export function deleteSetDifference(all: DeleteSet, known: DeleteSet): DeleteSet {
  const result = Y.createDeleteSet()
  for (const [client, ranges] of all.clients) {
    const minus = known.clients.get(client) ?? []
    const kept: DeleteItem[] = []
    let j = 0
    for (const range of ranges) {
      let start = range.clock
      const end = range.clock + range.len
      while (j < minus.length && (minus[j] as DeleteItem).clock + (minus[j] as DeleteItem).len <= start) j++
      let k = j
      while (start < end && k < minus.length && (minus[k] as DeleteItem).clock < end) {
        const cut = minus[k] as DeleteItem
        if (cut.clock > start) kept.push({ clock: start, len: cut.clock - start })
        start = Math.max(start, cut.clock + cut.len)
        k++
      }
      if (start < end) kept.push({ clock: start, len: end - start })
    }
    // Yjs reads only `clock` and `len` of a delete item.
    if (kept.length > 0) result.clients.set(client, kept as DeleteSet['clients'] extends Map<number, infer I> ? I : never)
  }
  return result
}

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

/** A run of deleted clocks of one client: `[clock, clock + len)`. */
interface Range {
  readonly clock: number
  readonly len: number
}

/** The update to apply to `doc`, and how many deleted clocks of the file it leaves out. */
export interface ImportUpdate {
  readonly update: Uint8Array
  /** Deleted items (by clock length) the file lists that `doc` already holds: not deleted here. */
  readonly withheldDeletions: number
}

function intersect(range: Range, from: number, to: number): Range | null {
  const start = Math.max(range.clock, from)
  const end = Math.min(range.clock + range.len, to)
  return end > start ? { clock: start, len: end - start } : null
}

/**
 * Rewrites a whole-document update (a document file's state) so that merging it into `doc` can
 * only add: its structs are kept as they are, its delete set is cut down to items that the file
 * itself holds (a struct of the file covers them) and that `doc` does not hold yet (their clock is
 * at or past `doc`'s state of that client).
 *
 * Why not the whole delete set: Yjs applies a delete set to any item whose id it names, and
 * an update may claim ids it does not carry content for (a GC struct, a forged deleted item), so a
 * crafted file could empty a document it never saw. Deleting only the file's own new items keeps
 * what the file deleted of its own text deleted (it does not reappear) and loses nothing of
 * `doc`: text both sides held stays, even if the file's author had deleted it (docs/using-meshpad.md says so).
 */
export function importUpdate(doc: Y.Doc, update: Uint8Array): ImportUpdate {
  const { structs, ds } = Y.decodeUpdate(update)
  const present = Y.decodeStateVector(Y.encodeStateVector(doc))
  const byClient = new Map<number, Y.AbstractStruct[]>()
  for (const struct of structs) {
    const list = byClient.get(struct.id.client)
    if (list === undefined) byClient.set(struct.id.client, [struct])
    else list.push(struct)
  }

  let withheld = 0
  const kept = new Map<number, Range[]>()
  for (const [client, deletions] of ds.clients) {
    const own = (byClient.get(client) ?? []).filter((struct) => !(struct instanceof Y.Skip))
    const from = present.get(client) ?? 0
    const ranges: Range[] = []
    for (const deletion of deletions) {
      let allowed = 0
      for (const struct of own) {
        const range = intersect(deletion, Math.max(from, struct.id.clock), struct.id.clock + struct.length)
        if (range === null) continue
        ranges.push(range)
        allowed += range.len
      }
      withheld += deletion.len - allowed
    }
    if (ranges.length > 0) kept.set(client, ranges)
  }

  const encoder = new Y.UpdateEncoderV1()
  const out = encoder.restEncoder
  // The layout of Yjs's writeClientsStructs / writeDeleteSet (update format v1), which Yjs
  // does not export: per client the number of structs, the client, the first clock, the structs.
  encoding.writeVarUint(out, byClient.size)
  for (const [client, list] of byClient) {
    encoding.writeVarUint(out, list.length)
    encoder.writeClient(client)
    encoding.writeVarUint(out, list[0]!.id.clock)
    // Item, GC and Skip (the structs an update holds) take (encoder, offset); the abstract
    // signature's third argument is unused by all three.
    for (const struct of list) (struct as Y.Item | Y.GC | Y.Skip).write(encoder, 0)
  }
  encoding.writeVarUint(out, kept.size)
  for (const [client, ranges] of kept) {
    encoder.resetDsCurVal()
    encoding.writeVarUint(out, client)
    encoding.writeVarUint(out, ranges.length)
    for (const range of ranges) {
      encoder.writeDsClock(range.clock)
      encoder.writeDsLen(range.len)
    }
  }
  return { update: encoder.toUint8Array(), withheldDeletions: withheld }
}

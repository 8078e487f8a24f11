import { fromBase64, toBase64 } from 'lib0/buffer'
import { digest } from 'lib0/hash/sha256'
import * as Y from 'yjs'

/** The awareness field an always-on peer publishes: what it has durably written. */
export const ALWAYS_ON_FIELD = 'alwaysOn'

/** The name an always-on peer shows in the people list. */
export const ALWAYS_ON_NAME = 'Always-on peer'

/**
 * A summary of a document's state, small enough for every awareness update: its state vector
 * (which inserts it holds) and a hash of its delete set (which deletions).
 *
 * A state vector says nothing of deletions; the hash makes "holds my deletions too"
 * checkable. Yjs encodes a delete set in one order (clients sorted, adjacent ranges merged), so
 * equal delete sets hash alike whatever order they arrived in.
 */
export interface StoredState {
  /** `Y.encodeStateVector`, base64. */
  readonly sv: string
  /** SHA-256 of the encoded delete set, base64. */
  readonly deletes: string
}

/** Upper bounds for what another peer publishes (its state is hostile input). */
const MAX_SV_CHARS = 64 * 1024
const HASH_CHARS = 44

/** The summary of `doc` as it is now. Costs one pass over the document's items. */
export function storedStateOf(doc: Y.Doc): StoredState {
  const sv = Y.encodeStateVector(doc)
  // An update from the full state vector carries no items: only the delete set.
  const deleteSet = Y.encodeStateAsUpdate(doc, sv)
  return { sv: toBase64(sv), deletes: toBase64(digest(deleteSet)) }
}

/** Reads a {@link StoredState} from another peer's awareness field; null when it is not one. */
export function parseStoredState(value: unknown): StoredState | null {
  if (typeof value !== 'object' || value === null) return null
  const { sv, deletes } = value as Record<string, unknown>
  if (typeof sv !== 'string' || typeof deletes !== 'string') return null
  if (sv.length > MAX_SV_CHARS || deletes.length !== HASH_CHARS) return null
  try {
    Y.decodeStateVector(fromBase64(sv))
  } catch {
    return null
  }
  return { sv, deletes }
}

/**
 * Whether `stored` holds everything in `local`: every insert (its state vector reaches ours for
 * every client) and exactly our deletions. False whenever that cannot be told.
 */
export function storedCovers(stored: StoredState, local: StoredState): boolean {
  if (stored.deletes !== local.deletes) return false
  let theirs: Map<number, number>
  let ours: Map<number, number>
  try {
    theirs = Y.decodeStateVector(fromBase64(stored.sv))
    ours = Y.decodeStateVector(fromBase64(local.sv))
  } catch {
    return false
  }
  for (const [client, clock] of ours) {
    if ((theirs.get(client) ?? 0) < clock) return false
  }
  return true
}

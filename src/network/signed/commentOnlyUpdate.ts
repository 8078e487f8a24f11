import * as Y from 'yjs'
import { commentRecords, COMMENTS_KEY, MAX_COMMENT_RECORD_BYTES } from '../../document/comments/commentRecords'

/** The most records one comment-link update may append (a comment made offline is one record). */
export const MAX_COMMENT_UPDATE_RECORDS = 64

/** Whether `value` is JSON data (what a record is): no binary, no undefined, no cycles (lib0 decodes none). */
function isJson(value: unknown, depth = 0): boolean {
  if (depth > 8) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((entry) => isJson(entry, depth + 1))
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false
  return Object.values(value).every((entry) => isJson(entry, depth + 1))
}

const isRecord = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  isJson(value) &&
  new TextEncoder().encode(JSON.stringify(value)).byteLength <= MAX_COMMENT_RECORD_BYTES

/**
 * Whether a comment-link holder's `update` does nothing but append records to `doc`'s comment
 * array (see `commentRecords`): no deletion, only plain JSON objects of bounded size, each placed
 * by name in the root array or next to an item of it that `doc` or the update itself holds. An
 * update that names an item `doc` does not hold yet is refused too: it cannot be placed, so it
 * could be text. Reads the update only; `doc` is not changed.
 */
export function commentOnlyUpdate(doc: Y.Doc, update: Uint8Array): boolean {
  let decoded: { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: { clients: Map<number, unknown> } }
  try {
    decoded = Y.decodeUpdate(update) as typeof decoded
  } catch {
    return false
  }
  if (decoded.ds.clients.size > 0 || decoded.structs.length === 0 || decoded.structs.length > MAX_COMMENT_UPDATE_RECORDS) return false
  let records = 0
  const items: Y.Item[] = []
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny) || struct.parentSub !== null) return false
    if (!struct.content.arr.every(isRecord)) return false
    records += struct.content.arr.length
    items.push(struct)
  }
  if (records > MAX_COMMENT_UPDATE_RECORDS) return false
  const array = commentRecords(doc)
  const placed = new Set<Y.Item>()
  /** true: an item of the comment array; false: anything else or unknown; null: an item of this update not placed yet. */
  const inArray = (id: Y.ID): boolean | null => {
    const own = items.find((item) => item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length)
    if (own !== undefined) return placed.has(own) ? true : null
    if (Y.getState(doc.store, id.client) <= id.clock) return false
    const found = Y.getItem(doc.store, id)
    return found instanceof Y.Item && found.parent === array
  }
  const place = (item: Y.Item): boolean | null => {
    if (item.origin === null && item.rightOrigin === null) return (item.parent as unknown) === COMMENTS_KEY
    const sides = [item.origin, item.rightOrigin].filter((id): id is Y.ID => id !== null).map(inArray)
    if (sides.includes(false)) return false
    return sides.includes(null) ? null : true
  }
  // Items of one update may lean on each other in any order: place until nothing moves.
  for (let moved = true; moved && placed.size < items.length; ) {
    moved = false
    for (const item of items) {
      if (placed.has(item)) continue
      const result = place(item)
      if (result === false) return false
      if (result === true) {
        placed.add(item)
        moved = true
      }
    }
  }
  return placed.size === items.length
}

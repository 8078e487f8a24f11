import * as Y from 'yjs'
import type { CommentAnchor } from './commentAnchor'

/**
 * Where a thread's words are now: `anchored` on `[from, to)`; `deleted`: its text was deleted
 * (`from` = `to` = where it was); `missing`: the anchor names nothing in this text (its text has
 * not arrived yet, or it points into another type or another document).
 */
export type AnchorPlace =
  | { readonly status: 'anchored'; readonly from: number; readonly to: number }
  | { readonly status: 'deleted'; readonly from: number; readonly to: number }
  | { readonly status: 'missing' }

/** A decoded anchor: its two relative positions (null when they did not decode) and its words. */
export interface DecodedAnchor {
  readonly start: Y.RelativePosition | null
  readonly end: Y.RelativePosition | null
  readonly quote: CommentAnchor['quote']
  readonly len: CommentAnchor['len']
}

const MISSING: AnchorPlace = { status: 'missing' }

type Found = { readonly item: Y.Item; readonly diff: number } | 'end' | null

/** The character `id` names, if it is a string item's; null otherwise (embeds, GC, unknown). */
function charAt(store: Y.Doc['store'], id: Y.ID): { item: Y.Item; char: string } | null {
  if (Y.getState(store, id.client) <= id.clock) return null
  let struct: Y.AbstractStruct
  try {
    struct = Y.getItem(store, id)
  } catch {
    return null
  }
  if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) return null
  return { item: struct, char: struct.content.str.charAt(id.clock - struct.id.clock) }
}

/**
 * The id of the live copy an undo made of the deleted character `id` (following undo, redo,
 * undo…), or `id` itself. It uses only what every peer holds, never `item.redone` (kept in the
 * memory of the peer that undid alone, so following it would place a thread differently there
 * than everywhere else): Yjs redoes a deleted item as a copy inserted right before it, with the
 * deleted item's first character as its right origin (`redoItem`). The copy is the run of the
 * copier's structs with that right origin; each of its characters must equal the one it copies.
 */
function restoredId(doc: Y.Doc, id: Y.ID): Y.ID {
  const store = doc.store
  let current = id
  for (let hops = 0; hops < 16; hops++) {
    const found = charAt(store, current)
    if (found === null || !found.item.deleted) return current
    // Walk left through the deleted run of this client's characters to a boundary a copy points at.
    let piece = found.item
    let copy: Y.Item | null = null
    for (let steps = 0; steps < 1000; steps++) {
      const left = piece.left
      if (left === null) break
      const origin = left.rightOrigin
      if (origin !== null && origin.client === piece.id.client && origin.clock === piece.id.clock && !(left.id.client === piece.id.client && left.id.clock + left.length === piece.id.clock)) {
        copy = left
        break
      }
      if (!left.deleted || left.id.client !== piece.id.client || left.id.clock + left.length !== piece.id.clock) break
      piece = left
    }
    if (copy === null) return current
    const structs = store.clients.get(copy.id.client)!
    let first = Y.findIndexSS(structs, copy.id.clock)
    const boundary = piece.id
    const sameOrigin = (struct: Y.AbstractStruct | undefined): boolean =>
      struct instanceof Y.Item && struct.rightOrigin?.client === boundary.client && struct.rightOrigin.clock === boundary.clock
    while (first > 0 && sameOrigin(structs[first - 1]) && structs[first - 1]!.id.clock + structs[first - 1]!.length === structs[first]!.id.clock) first--
    const copyStart = structs[first]!.id.clock
    const offset = current.clock - boundary.clock
    if (offset >= copy.id.clock + copy.length - copyStart) return current
    const copied = Y.createID(copy.id.client, copyStart + offset)
    if (charAt(store, copied)?.char !== found.char) return current
    current = copied
  }
  return current
}

/**
 * The item a position names and the offset in it, after following undone deletions (see
 * `restoredId`); 'end' for the text's end; null when it names nothing in `text`. Reads the store
 * without changing it: a position naming a root type never creates one.
 */
function find(text: Y.Text, rpos: Y.RelativePosition): Found {
  const doc = text.doc!
  if (rpos.item === null) {
    return rpos.type === null && rpos.tname !== null && (doc.share.get(rpos.tname) as unknown) === text ? 'end' : null
  }
  if (Y.getState(doc.store, rpos.item.client) <= rpos.item.clock) return null
  const id = restoredId(doc, rpos.item)
  let struct: Y.AbstractStruct
  try {
    struct = Y.getItem(doc.store, id)
  } catch {
    return null
  }
  return struct instanceof Y.Item && struct.parent === text ? { item: struct, diff: id.clock - struct.id.clock } : null
}

/**
 * Resolves many anchors against `text` in one walk of its items (instead of one walk per
 * position), with Yjs's rules: a position's index is the visible length left of its item, plus
 * its offset in the item when the item is visible (plus one for the end, which names the last
 * character); a deleted item stands for its undone copy (yjs#638: redone text is new content).
 * A range left empty is `deleted`. Every peer holding the same updates places it alike.
 */
export function resolveAnchors(text: Y.Text, anchors: readonly DecodedAnchor[]): AnchorPlace[] {
  const found = anchors.map(({ start, end }) => [start && find(text, start), end && find(text, end)] as const)
  const needed = new Set<Y.Item>()
  for (const [start, end] of found) {
    if (start !== null && start !== 'end') needed.add(start.item)
    if (end !== null && end !== 'end') needed.add(end.item)
  }
  const before = new Map<Y.Item, number>()
  if (needed.size > 0) {
    let index = 0
    for (let item = text._start; item !== null; item = item.right) {
      if (needed.has(item)) before.set(item, index)
      if (!item.deleted && item.countable) index += item.length
    }
  }
  const length = text.length
  const indexOf = (place: Found, assoc: 0 | -1): number | null => {
    if (place === null) return null
    if (place === 'end') return assoc === 0 ? length : 0
    const start = before.get(place.item)
    if (start === undefined) return null
    return place.item.deleted || !place.item.countable ? start : start + place.diff + (assoc === 0 ? 0 : 1)
  }
  return anchors.map((anchor, i) => {
    const from = indexOf(found[i]![0], 0)
    const to = indexOf(found[i]![1], -1)
    if (from === null || to === null) return MISSING
    return to > from ? { status: 'anchored', from, to } : { status: 'deleted', from, to: from }
  })
}

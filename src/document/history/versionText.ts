import * as Y from 'yjs'
import { docText } from '../docMeta'

/** Why a version's text cannot be shown here. */
export class VersionUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VersionUnavailableError'
  }
}

/**
 * Whether `doc` holds everything `snapshot` saw. A version made by a peer whose edits have not all
 * arrived yet (or claiming edits that never existed) is not here.
 */
export function isVersionHere(doc: Y.Doc, snapshot: Y.Snapshot): boolean {
  for (const [client, clock] of snapshot.sv) if (Y.getState(doc.store, client) < clock) return false
  return true
}

type Ranges = readonly { readonly clock: number; readonly len: number }[]

/** Whether one of the sorted, merged `ranges` holds all of [clock, clock + len). */
function covered(ranges: Ranges, clock: number, len: number): boolean {
  let low = 0
  let high = ranges.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const range = ranges[middle] as Ranges[number]
    if (range.clock > clock) high = middle - 1
    else if (range.clock + range.len <= clock) low = middle + 1
    else return range.clock + range.len >= clock + len
  }
  return false
}

/**
 * Whether content that was there at `snapshot` (a sorted, merged one) has been thrown away here:
 * a Meshpad that keeps no history (an older build) garbage-collected it before it arrived.
 */
function contentLost(doc: Y.Doc, snapshot: Y.Snapshot): boolean {
  for (const [client, structs] of doc.store.clients) {
    const until = snapshot.sv.get(client) ?? 0
    const deleted = snapshot.ds.clients.get(client) ?? []
    for (const struct of structs) {
      const { clock } = struct.id
      if (clock >= until) break
      const gone = struct instanceof Y.GC || (struct instanceof Y.Item && struct.content instanceof Y.ContentDeleted)
      if (gone && !covered(deleted, clock, Math.min(struct.length, until - clock))) return true
    }
  }
  return false
}

/** A stretch of a version's text written by one Yjs client, as [from, to) in UTF-16 units. */
export interface AuthorSpan {
  readonly from: number
  readonly to: number
  readonly client: number
}

/** A version's text, and who wrote which part of it. */
export interface RebuiltVersion {
  readonly text: string
  /** In text order, adjacent stretches of one client merged. */
  readonly spans: readonly AuthorSpan[]
}

/** The first of the sorted, merged `ranges` that ends after `clock`, by binary search. */
function firstEndingAfter(ranges: Ranges, clock: number): number {
  let low = 0
  let high = ranges.length
  while (low < high) {
    const middle = (low + high) >> 1
    const range = ranges[middle] as Ranges[number]
    if (range.clock + range.len <= clock) low = middle + 1
    else high = middle
  }
  return low
}

/**
 * The text of `doc` as it was at `snapshot`, with the client that typed each part. `doc` must keep
 * its history (`gc: false`). Throws `VersionUnavailableError` when it cannot be rebuilt here;
 * `doc` is never changed. `snapshot`'s delete set must be sorted and merged (as `versionSnapshot`
 * and `Y.snapshot` return it).
 *
 * It walks the live text's items once and keeps the parts the snapshot saw and had not
 * deleted (what Yjs's `isVisible` decides per item, here per clock range, since the live doc may
 * have merged an item the snapshot saw in part). Rebuilding a whole document from the snapshot
 * (`Y.createDocFromSnapshot`) costs an encode and a decode of the entire history for every version.
 */
export function rebuildVersion(doc: Y.Doc, snapshot: Y.Snapshot): RebuiltVersion {
  if (doc.gc) throw new VersionUnavailableError('This document does not keep its history.')
  if (!isVersionHere(doc, snapshot)) throw new VersionUnavailableError('This version has not fully reached this device yet.')
  if (contentLost(doc, snapshot)) {
    throw new VersionUnavailableError('Part of this version was discarded by a Meshpad that keeps no history, so it cannot be shown.')
  }
  const parts: string[] = []
  const spans: AuthorSpan[] = []
  let at = 0
  const keep = (str: string, client: number): void => {
    parts.push(str)
    const last = spans.at(-1)
    // Adjacent stretches of one client merge into one span.
    if (last !== undefined && last.client === client && last.to === at) spans[spans.length - 1] = { ...last, to: at + str.length }
    else spans.push({ from: at, to: at + str.length, client })
    at += str.length
  }
  for (let item = docText(doc)._start; item !== null; item = item.right) {
    // Only strings are text (as in `Y.Text#toString`); formats and embeds are not.
    if (!(item.content instanceof Y.ContentString)) continue
    const { client, clock } = item.id
    const end = Math.min(clock + item.length, snapshot.sv.get(client) ?? 0)
    if (end <= clock) continue
    const str = item.content.str
    const deleted = snapshot.ds.clients.get(client) ?? []
    let start = clock
    for (let index = firstEndingAfter(deleted, clock); start < end && index < deleted.length; index++) {
      const cut = deleted[index] as Ranges[number]
      if (cut.clock >= end) break
      if (cut.clock > start) keep(str.slice(start - clock, cut.clock - clock), client)
      start = Math.max(start, cut.clock + cut.len)
    }
    if (start < end) keep(str.slice(start - clock, end - clock), client)
  }
  return { text: parts.join(''), spans }
}

/** The text of `doc` as it was at `snapshot`; see `rebuildVersion`. */
export function versionText(doc: Y.Doc, snapshot: Y.Snapshot): string {
  return rebuildVersion(doc, snapshot).text
}

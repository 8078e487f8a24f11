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

/**
 * The text of `doc` as it was at `snapshot`. `doc` must keep its history (`gc: false`). Throws
 * `VersionUnavailableError` when it cannot be rebuilt here; `doc` is never changed.
 */
export function versionText(doc: Y.Doc, snapshot: Y.Snapshot): string {
  if (doc.gc) throw new VersionUnavailableError('This document does not keep its history.')
  if (!isVersionHere(doc, snapshot)) throw new VersionUnavailableError('This version has not fully reached this device yet.')
  let old: Y.Doc
  try {
    old = Y.createDocFromSnapshot(doc, snapshot)
  } catch {
    throw new VersionUnavailableError('This version cannot be rebuilt from the history kept here.')
  }
  try {
    return docText(old).toString()
  } finally {
    old.destroy()
  }
}

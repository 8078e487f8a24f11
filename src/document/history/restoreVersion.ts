import { simpleDiffString } from 'lib0/diff'
import type * as Y from 'yjs'
import { docText } from '../docMeta'
import type { Version } from './versionEntry'
import { listVersions, recordVersion, RESTORE_ORIGIN, versionSnapshot } from './versionList'
import { versionText } from './versionText'

/** Who restores. */
export interface Restorer {
  readonly name: string
  /** Names of the people whose edits the restored state holds since the latest version. */
  readonly authors: readonly string[]
  /** Their client ids with their names, where known. */
  readonly clients?: readonly (readonly [number, string])[]
}

/**
 * Makes the text of `doc` equal to the text of `version` as one new edit by `restorer` (one
 * transaction, origin `RESTORE_ORIGIN`), and records the result as a version of kind 'restore'.
 * The edit replaces only the span between the first and the last difference, so what others
 * type elsewhere at the same time is kept. Throws `VersionUnavailableError` (nothing changes) when
 * the version cannot be rebuilt here. Returns the id of the new version.
 */
export function restoreVersion(doc: Y.Doc, version: Version, restorer: Restorer): string {
  const target = versionText(doc, versionSnapshot(listVersions(doc), version))
  const text = docText(doc)
  let id = ''
  doc.transact(() => {
    const change = simpleDiffString(text.toString(), target)
    if (change.remove > 0) text.delete(change.index, change.remove)
    if (change.insert !== '') text.insert(change.index, change.insert)
    id = recordVersion(doc, { by: restorer.name, authors: restorer.authors, clients: restorer.clients, kind: 'restore', restoredFrom: version.id })
  }, RESTORE_ORIGIN)
  return id
}

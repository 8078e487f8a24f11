import type * as Y from 'yjs'
import { RESTORE_ORIGIN, versionsArray } from '../document/history/versionList'
import { parseVersionEntry } from '../document/history/versionEntry'

const isRestoreKind = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'restore'

/**
 * Makes the editor's undo manager treat restores of earlier versions as edits: a restore made here
 * is one undo step of its own (Ctrl-Z undoes it, and only it); a restore by someone else ends the
 * undo history from before it. Undoing an edit from before someone else's restore would
 * bring back text the restore already brought back, twice. Returns the function that stops it.
 */
export function undoAcrossRestores(undoManager: Y.UndoManager): () => void {
  const doc = undoManager.doc
  const versions = versionsArray(doc)
  undoManager.addTrackedOrigin(RESTORE_ORIGIN)
  const separate = (transaction: Y.Transaction): void => {
    if (transaction.origin === RESTORE_ORIGIN) undoManager.stopCapturing()
  }
  const onVersions = (event: Y.YArrayEvent<unknown>): void => {
    if (event.transaction.local) return
    for (const item of event.changes.added) {
      // The kind is looked at before the entry is checked (which decodes its snapshot): a
      // document arriving whole brings every version at once.
      const restores = item.content.getContent().some((raw) => isRestoreKind(raw) && parseVersionEntry(raw)?.kind === 'restore')
      if (restores) {
        undoManager.clear()
        return
      }
    }
  }
  doc.on('beforeTransaction', separate)
  doc.on('afterTransaction', separate)
  versions.observe(onVersions)
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    doc.off('beforeTransaction', separate)
    doc.off('afterTransaction', separate)
    versions.unobserve(onVersions)
    undoManager.removeTrackedOrigin(RESTORE_ORIGIN)
  }
}

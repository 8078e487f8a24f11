import * as Y from 'yjs'
import { docText, readDocMeta } from '../document/docMeta'
import { DEVICES_MAP, forgetDevices } from '../removal/deviceRegistry'
import type { DocumentLibrary } from './DocumentLibrary'
import { createEditFragment } from '../room/roomAccess'
import { roomTopic } from '../room/roomTopic'
import { storeIndexeddbCopy } from '../storage/IndexeddbCopy'

/**
 * Creates a new room (a new secret) holding `update` (a whole Yjs document: an import, or a copy
 * of an open document), stores it in this browser and lists it in `library`. Returns the new
 * secret once the document is committed to IndexedDB, so opening it shows the content at once.
 *
 * The update keeps its Yjs history (item ids), so the new room is a fork: merging it back
 * into the original later, or importing it twice, adds nothing twice.
 */
export async function storeNewDocument(update: Uint8Array, library: DocumentLibrary): Promise<string> {
  const secret = createEditFragment()
  const topic = roomTopic(secret)
  // gc off, as in a session: a copy or an import keeps the history it comes with.
  const doc = new Y.Doc({ gc: false })
  Y.applyUpdate(doc, update)
  // The people of the room it came from were never in this one (see `DEVICES_MAP`).
  forgetDevices(doc, [...doc.getMap(DEVICES_MAP).keys()])
  try {
    await storeIndexeddbCopy(topic, doc)
    const meta = readDocMeta(doc)
    await library.record({ topic, secret, title: meta.title, language: meta.language, length: docText(doc).length, lastEditedAt: Date.now() })
    return secret
  } finally {
    doc.destroy()
  }
}

/** "Make a copy": a new room holding `doc` as it is now (content, title, language, history). */
export function storeCopyOf(doc: Y.Doc, library: DocumentLibrary): Promise<string> {
  return storeNewDocument(Y.encodeStateAsUpdate(doc), library)
}

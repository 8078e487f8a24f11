import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { toBase64, toHexString } from 'lib0/buffer'
import { digest } from 'lib0/hash/sha256'
import * as encoding from 'lib0/encoding'
import { docText } from './docMeta'
import { decodeDocumentFile, encodeDocumentFile, mergeImportedDocument } from './documentFile'

/** A document file whose state is `state` (checksum matching), like an export of `doc`. */
function fileOf(state: Uint8Array): string {
  const base = JSON.parse(encodeDocumentFile(new Y.Doc())) as Record<string, unknown>
  return JSON.stringify({ ...base, state: toBase64(state), sha256: toHexString(digest(state)) })
}

/**
 * A crafted export: an empty document's state plus, for every client of `victim`, a GC struct
 * claiming its whole clock range and a delete set covering it. Nothing else: the file holds no
 * text of the victim, yet it loads whole (no pending structs or deletions) on its own.
 */
function craftedWipe(victim: Y.Doc): Uint8Array {
  const vector = Y.decodeStateVector(Y.encodeStateVector(victim))
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, vector.size)
  for (const [client, clock] of vector) {
    encoding.writeVarUint(encoder, 1) // one struct
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, 0) // from clock 0
    encoding.writeUint8(encoder, 0) // GC struct
    encoding.writeVarUint(encoder, clock)
  }
  encoding.writeVarUint(encoder, vector.size)
  for (const [client, clock] of vector) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, 1)
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarUint(encoder, clock)
  }
  return encoding.toUint8Array(encoder)
}

function roomDoc(text: string): Y.Doc {
  const doc = new Y.Doc({ gc: false })
  docText(doc).insert(0, text)
  return doc
}

describe('merging an imported file', () => {
  it('leaves the receiving text whole when a crafted delete set covers every item of it', () => {
    const doc = roomDoc('the whole essay, typed by hand\n')
    docText(doc).insert(0, '# Title\n')
    const imported = decodeDocumentFile(fileOf(craftedWipe(doc)))
    const result = mergeImportedDocument(doc, imported)
    expect(docText(doc).toString()).toBe('# Title\nthe whole essay, typed by hand\n')
    expect(result.withheldDeletions).toBeGreaterThan(0)
  })

  it('never deletes text both sides held, even when the file deleted it', () => {
    const doc = roomDoc('keep me\nand me\n')
    const exporter = new Y.Doc({ gc: false })
    Y.applyUpdate(exporter, Y.encodeStateAsUpdate(doc))
    docText(exporter).delete(0, 8)
    const result = mergeImportedDocument(doc, decodeDocumentFile(encodeDocumentFile(exporter)))
    expect(docText(doc).toString()).toBe('keep me\nand me\n')
    expect(result.withheldDeletions).toBe(8)
  })

  it('applies what the file deleted of its own new text, and adds the rest', () => {
    const doc = roomDoc('shared\n')
    const exporter = new Y.Doc({ gc: true })
    Y.applyUpdate(exporter, Y.encodeStateAsUpdate(doc))
    docText(exporter).insert(7, 'draft line\nfinal line\n')
    docText(exporter).delete(7, 11)
    docText(doc).insert(0, 'local\n')
    const result = mergeImportedDocument(doc, decodeDocumentFile(encodeDocumentFile(exporter)))
    expect(docText(doc).toString()).toBe('local\nshared\nfinal line\n')
    expect(result.withheldDeletions).toBe(0)
    // Into an empty document the result is the exporter's document, exactly.
    const fresh = new Y.Doc()
    mergeImportedDocument(fresh, decodeDocumentFile(encodeDocumentFile(exporter)))
    expect(docText(fresh).toString()).toBe(docText(exporter).toString())
    expect(Y.encodeStateVector(fresh)).toEqual(Y.encodeStateVector(exporter))
  })
})

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_LANGUAGE, ensureSchemaVersion, MAX_TITLE_LENGTH, readDocMeta, SCHEMA_VERSION, setDocLanguage, setDocTitle } from './docMeta'

describe('document metadata', () => {
  it('reads defaults from an empty document', () => {
    expect(readDocMeta(new Y.Doc())).toEqual({ title: '', language: DEFAULT_LANGUAGE })
  })

  it('bounds titles and writes nothing when unchanged', () => {
    const doc = new Y.Doc()
    let updates = 0
    doc.on('update', () => updates++)
    setDocTitle(doc, 'x'.repeat(MAX_TITLE_LENGTH + 50))
    expect(readDocMeta(doc).title).toHaveLength(MAX_TITLE_LENGTH)
    setDocTitle(doc, 'x'.repeat(MAX_TITLE_LENGTH))
    setDocLanguage(doc, 'python')
    setDocLanguage(doc, 'python')
    expect(updates).toBe(2)
  })

  it('keeps values of the wrong type from breaking readers', () => {
    const doc = new Y.Doc()
    doc.getMap('meta').set('title', 42)
    doc.getMap('meta').set('language', '')
    expect(readDocMeta(doc)).toEqual({ title: '', language: DEFAULT_LANGUAGE })
  })

  it('converges when two peers set the title concurrently', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    setDocTitle(a, 'From A')
    setDocTitle(b, 'From B')
    ensureSchemaVersion(a)
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(readDocMeta(a)).toEqual(readDocMeta(b))
    expect(b.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSION)
  })
})

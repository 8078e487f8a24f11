import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { toBase64, toHexString } from 'lib0/buffer'
import { digest } from 'lib0/hash/sha256'
import { docText, setDocLanguage, setDocTitle } from './docMeta'
import {
  decodeDocumentFile,
  DOCUMENT_FILE_FORMAT,
  DocumentFileError,
  encodeDocumentFile,
  MAX_DOCUMENT_FILE_BYTES,
  mergeImportedDocument,
} from './documentFile'
import { DEVICES_MAP } from '../removal/deviceRegistry'
import { MOVES_ARRAY } from '../removal/moveRecord'
import { listVersions, recordVersion, versionSnapshot } from './history/versionList'
import { versionText } from './history/versionText'

function sampleDoc(): Y.Doc {
  const doc = new Y.Doc()
  docText(doc).insert(0, 'def hello():\n    return "héllo 👋"\n')
  docText(doc).delete(0, 4)
  docText(doc).insert(0, 'def ')
  setDocTitle(doc, 'Greeting')
  setDocLanguage(doc, 'python')
  doc.getMap('meta').set('schemaVersion', 1)
  return doc
}

/** A file with `state` (and a matching checksum unless `sha256` is given) and other fields. */
function fileWith(fields: Record<string, unknown>): string {
  const base = JSON.parse(encodeDocumentFile(sampleDoc())) as Record<string, unknown>
  return JSON.stringify({ ...base, ...fields })
}

function withState(state: Uint8Array, extra: Record<string, unknown> = {}): string {
  return fileWith({ state: toBase64(state), sha256: toHexString(digest(state)), ...extra })
}

function refusal(contents: string): string {
  try {
    decodeDocumentFile(contents)
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentFileError)
    return (error as Error).message
  }
  throw new Error('the file was accepted')
}

describe('document files', () => {
  it('round-trip text, title, language and the CRDT state', () => {
    const doc = sampleDoc()
    const contents = encodeDocumentFile(doc, new Date('2026-01-02T03:04:05Z'))
    const file = JSON.parse(contents) as Record<string, unknown>
    expect(file).toMatchObject({ format: DOCUMENT_FILE_FORMAT, version: 1, title: 'Greeting', language: 'python', exportedAt: '2026-01-02T03:04:05.000Z' })

    const imported = decodeDocumentFile(contents)
    expect(imported).toMatchObject({ title: 'Greeting', language: 'python', text: docText(doc).toString() })
    const copy = new Y.Doc()
    Y.applyUpdate(copy, imported.update)
    expect(docText(copy).toString()).toBe(docText(doc).toString())
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc))
  })

  it('carry the history: its versions rebuild after import', () => {
    const doc = new Y.Doc({ gc: false })
    docText(doc).insert(0, 'first words')
    recordVersion(doc, { by: 'Ada', authors: ['Ada'], kind: 'manual', label: 'start' })
    docText(doc).delete(0, 6)
    const imported = decodeDocumentFile(encodeDocumentFile(doc))
    const copy = new Y.Doc({ gc: false })
    Y.applyUpdate(copy, imported.update)
    const versions = listVersions(copy)
    expect(versions.map((version) => version.label)).toEqual(['start'])
    expect(versionText(copy, versionSnapshot(versions, versions[0]!))).toBe('first words')
  })

  it('merge into a document that went on without losing either side', () => {
    const original = sampleDoc()
    const contents = encodeDocumentFile(original)
    const later = new Y.Doc()
    Y.applyUpdate(later, Y.encodeStateAsUpdate(original))
    docText(later).insert(docText(later).length, '# added after the export\n')
    docText(original).insert(0, '# added on the other side\n')

    Y.applyUpdate(later, decodeDocumentFile(encodeDocumentFile(original)).update)
    expect(docText(later).toString()).toContain('# added after the export')
    expect(docText(later).toString()).toContain('# added on the other side')
    // Importing an older export of the same room again changes nothing.
    const before = docText(later).toString()
    Y.applyUpdate(later, decodeDocumentFile(contents).update)
    expect(docText(later).toString()).toBe(before)
  })

  it("open a room's device map and move records, and merge without bringing the file's people into this room", () => {
    const source = sampleDoc()
    source.getMap(DEVICES_MAP).set('A'.repeat(43), { seal: 'x', role: 'read', name: 'From the other room', seen: 1, alwaysOn: false })
    source.getArray(MOVES_ARRAY).push([{ v: 1, from: 'an old room' }])
    const imported = decodeDocumentFile(encodeDocumentFile(source))
    const here = new Y.Doc()
    here.getMap(DEVICES_MAP).set('B'.repeat(43), { seal: 'y', role: 'edit', name: 'Here', seen: 2, alwaysOn: false })
    mergeImportedDocument(here, imported)
    expect(docText(here).toString()).toBe(docText(source).toString())
    expect([...here.getMap(DEVICES_MAP).keys()]).toEqual(['B'.repeat(43)])
    // A file whose `moves` is not a list is someone else's document.
    const foreign = sampleDoc()
    foreign.getMap(MOVES_ARRAY).set('x', 1)
    expect(refusal(encodeDocumentFile(foreign))).toMatch(/does not know how to open/)
  })

  it('refuse a truncated file', () => {
    const contents = encodeDocumentFile(sampleDoc())
    for (const cut of [1, 10, Math.floor(contents.length / 2), contents.length - 3]) {
      expect(refusal(contents.slice(0, cut))).toMatch(/damaged|incomplete|not a Meshpad/)
    }
  })

  it('refuse a corrupted state, and a state cut short with a checksum to match', () => {
    const contents = encodeDocumentFile(sampleDoc())
    const file = JSON.parse(contents) as { state: string }
    const flipped = file.state.slice(0, 20) + (file.state[20] === 'A' ? 'B' : 'A') + file.state.slice(21)
    expect(refusal(fileWith({ state: flipped }))).toMatch(/checksum/)
    expect(refusal(fileWith({ state: '!!not base64!!' }))).toMatch(/not readable/)
    expect(refusal(fileWith({ sha256: 'abc' }))).toMatch(/not readable/)

    const state = Y.encodeStateAsUpdate(sampleDoc())
    expect(refusal(withState(state.slice(0, Math.floor(state.length / 2))))).toMatch(/damaged|incomplete/)
    expect(refusal(withState(new Uint8Array([255, 255, 255, 255, 255])))).toMatch(/damaged|incomplete/)
  })

  it('refuse an update that depends on edits the file does not hold', () => {
    const doc = sampleDoc()
    const vector = Y.encodeStateVector(doc)
    docText(doc).insert(3, 'XYZ')
    const onlyTheLatest = Y.encodeStateAsUpdate(doc, vector)
    expect(refusal(withState(onlyTheLatest, { title: '', language: 'plaintext' }))).toMatch(/incomplete/)
  })

  it('refuse foreign files: other JSON, other formats, other Yjs documents, newer versions', () => {
    expect(refusal('')).toMatch(/not a Meshpad/)
    expect(refusal('\u0089PNG\r\n\u001a\n')).toMatch(/not a Meshpad/)
    expect(refusal('[1,2,3]')).toMatch(/not a Meshpad/)
    expect(refusal('{"name":"package","version":"1.0.0"}')).toMatch(/not a Meshpad/)
    expect(refusal(fileWith({ format: 'something-else' }))).toMatch(/not a Meshpad/)
    expect(refusal(fileWith({ version: 2 }))).toMatch(/newer Meshpad/)
    expect(refusal(fileWith({ version: '1' }))).toMatch(/version/)
    expect(refusal(fileWith({ state: undefined }))).toMatch(/missing/)
    expect(refusal(fileWith({ exportedAt: 'yesterday' }))).toMatch(/date/)
    expect(refusal(fileWith({ title: 'Not the title inside' }))).toMatch(/title or language/)

    const other = new Y.Doc()
    other.getArray('todos').insert(0, ['milk'])
    expect(refusal(withState(Y.encodeStateAsUpdate(other), { title: '', language: 'plaintext' }))).toMatch(/does not know/)
    const mapAsText = new Y.Doc()
    mapAsText.getMap('content').set('x', 1)
    expect(refusal(withState(Y.encodeStateAsUpdate(mapAsText), { title: '', language: 'plaintext' }))).toMatch(/does not know/)
    const newer = sampleDoc()
    newer.getMap('meta').set('schemaVersion', 99)
    expect(refusal(withState(Y.encodeStateAsUpdate(newer)))).toMatch(/newer Meshpad/)
  })

  it('refuse a file larger than the bound before parsing it', () => {
    expect(refusal(' '.repeat(MAX_DOCUMENT_FILE_BYTES + 1))).toMatch(/too large/)
  })
})

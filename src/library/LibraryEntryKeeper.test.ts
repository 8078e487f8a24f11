// @vitest-environment node
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { LibraryEntryKeeper } from './LibraryEntryKeeper'
import { openDocumentLibrary, type DocumentLibrary } from './DocumentLibrary'
import { docText, setDocLanguage, setDocTitle } from '../document/docMeta'
import { storeNewDocument } from './storeNewDocument'
import { roomTopic } from '../room/roomTopic'
import { roomDatabaseName } from '../storage/openRoomDatabase'
import { waitFor } from '../../signaling/testing/conditions'

const cleanup: (() => void)[] = []
afterEach(() => {
  for (const done of cleanup.splice(0)) done()
})
let counter = 0
function setup(): { library: DocumentLibrary; doc: Y.Doc; recorder: LibraryEntryKeeper; topic: string } {
  const library = openDocumentLibrary(`meshpad-documents-recorder-${++counter}`)
  const doc = new Y.Doc()
  const topic = `topic-${counter}`
  const recorder = new LibraryEntryKeeper({ secret: `secret-${counter}`, topic, doc }, library)
  cleanup.push(() => {
    recorder.destroy()
    library.close()
  })
  return { library, doc, recorder, topic }
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let value: T | undefined
  await waitFor(async () => accept((value = await read())), 5_000)
  return value as T
}

describe('LibraryEntryKeeper', () => {
  it('lists a document once it holds something, with its title, language and length', async () => {
    const { library, doc, recorder, topic } = setup()
    recorder.markLoaded()
    doc.getMap('meta').set('schemaVersion', 1)
    recorder.flush()
    // An empty new room is not listed. A write would have been queued before this read.
    expect(await library.list()).toEqual([])

    docText(doc).insert(0, 'hello')
    setDocTitle(doc, 'Notes')
    setDocLanguage(doc, 'markdown')
    recorder.flush()
    const entry = await eventually(() => library.get(topic), (e) => e !== undefined)
    expect(entry).toMatchObject({ secret: `secret-${counter}`, title: 'Notes', language: 'markdown', length: 5, lastPeerSeenAt: null })
  })

  it('records when a peer was last connected, and writes what is pending on destroy', async () => {
    const { library, doc, recorder, topic } = setup()
    recorder.markLoaded()
    const before = Date.now()
    docText(doc).insert(0, 'x')
    recorder.setPeers(1)
    recorder.destroy()
    const entry = await eventually(() => library.get(topic), (e) => e !== undefined)
    expect(entry?.lastPeerSeenAt).toBeGreaterThanOrEqual(before)
    expect(entry?.lastEditedAt).toBeGreaterThanOrEqual(before)
  })

  it('does not bring back a document deleted meanwhile', async () => {
    const { library, doc, recorder, topic } = setup()
    recorder.markLoaded()
    docText(doc).insert(0, 'soon gone')
    recorder.flush()
    await eventually(() => library.get(topic), (e) => e !== undefined)
    docText(doc).insert(0, 'pending ')
    await library.remove(topic)
    recorder.destroy()
    // A write issued by destroy() would be ordered before this read.
    expect(await library.get(topic)).toBeUndefined()
  })
})

describe('storeNewDocument', () => {
  it('stores a whole document under a new secret and lists it', async () => {
    const library = openDocumentLibrary(`meshpad-documents-store-${++counter}`)
    cleanup.push(() => library.close())
    const source = new Y.Doc()
    docText(source).insert(0, 'copied text')
    setDocTitle(source, 'Copied')
    setDocLanguage(source, 'css')
    source.getMap('devices').set('A'.repeat(43), { seal: 'x', role: 'edit', name: 'Someone of the source room', seen: 1, alwaysOn: false })

    const secret = await storeNewDocument(Y.encodeStateAsUpdate(source), library)
    expect(secret).toMatch(/^e1\.[A-Za-z0-9_-]{43}$/)
    const topic = roomTopic(secret)
    expect(await library.get(topic)).toMatchObject({ secret, title: 'Copied', language: 'css', length: 11 })

    const reopened = new Y.Doc()
    const persistence = new IndexeddbPersistence(roomDatabaseName(topic), reopened)
    await persistence.whenSynced
    expect(docText(reopened).toString()).toBe('copied text')
    expect(reopened.getMap('meta').get('title')).toBe('Copied')
    // A copy is a room of its own: the people of the room it came from are not in its device map.
    expect(reopened.getMap('devices').size).toBe(0)
    await persistence.destroy()
  })
})

// @vitest-environment node
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { openDocumentLibrary, type DocumentLibrary, type LibraryChange } from './DocumentLibrary'
import { roomDatabaseName } from '../storage/openRoomDatabase'
import { storedTopics, type StoredTopics } from './storedTopics'
import { waitFor } from '../../signaling/testing/conditions'

const opened: DocumentLibrary[] = []
let counter = 0
function freshLibrary(name = `meshpad-documents-test-${++counter}`, topics?: StoredTopics): DocumentLibrary {
  const library = openDocumentLibrary(name, topics)
  opened.push(library)
  return library
}
afterEach(() => {
  for (const library of opened.splice(0)) library.close()
})

const entry = (topic: string, extra: Partial<Parameters<DocumentLibrary['record']>[0]> = {}) => ({
  topic,
  secret: `secret-${topic}`,
  title: `Title ${topic}`,
  language: 'markdown',
  length: 3,
  ...extra,
})

const until = (condition: () => boolean): Promise<void> => waitFor(condition, 5_000)

describe('document library', () => {
  it('lists documents newest first, and keeps the latest timestamps', async () => {
    const library = freshLibrary()
    await library.record(entry('a', { lastEditedAt: 1_000 }))
    await library.record(entry('b', { lastEditedAt: 3_000, lastPeerSeenAt: 2_500 }))
    await library.record(entry('c', { lastEditedAt: 2_000 }))
    expect((await library.list()).map((e) => e.topic)).toEqual(['b', 'c', 'a'])

    // An older report (another tab, a late write) does not move timestamps back.
    await library.record(entry('b', { title: 'Renamed', lastEditedAt: 500, lastPeerSeenAt: 100 }))
    const b = await library.get('b')
    expect(b).toMatchObject({ title: 'Renamed', lastEditedAt: 3_000, lastPeerSeenAt: 2_500, secret: 'secret-b' })
    expect(b?.createdAt).toBeTypeOf('number')
    // A new entry with no edit time counts as edited now; no peer seen is null.
    await library.record(entry('d'))
    const d = await library.get('d')
    expect(d?.lastEditedAt).toBeGreaterThan(3_000)
    expect(d?.lastPeerSeenAt).toBeNull()
  })

  it("removes a document's entry and its room database, and keeps the hint of held topics in step", async () => {
    const items = new Map<string, string>()
    const hint = storedTopics({ getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) })
    const library = freshLibrary(undefined, hint)
    const topic = 'f'.repeat(64)
    const doc = new Y.Doc()
    doc.getText('content').insert(0, 'stored')
    const persistence = new IndexeddbPersistence(roomDatabaseName(topic), doc)
    await persistence.whenSynced
    expect(hint.has(topic)).toBe(false)
    await library.record(entry(topic))
    expect(hint.has(topic)).toBe(true)
    const names = async () => (await indexedDB.databases()).map((db) => db.name)
    expect(await names()).toContain(roomDatabaseName(topic))

    const changes: LibraryChange[] = []
    library.onChange((change) => changes.push(change))
    // The open connection is asked to close (versionchange), as another tab's would be.
    await library.remove(topic)
    expect(hint.has(topic)).toBe(false)
    expect(await library.get(topic)).toBeUndefined()
    expect(await names()).not.toContain(roomDatabaseName(topic))
    expect(changes).toEqual([
      { topic, kind: 'removing' },
      { topic, kind: 'removed' },
    ])
    await persistence.destroy()
  })

  it('tells other tabs (registries on the same database) about changes', async () => {
    const name = `meshpad-documents-shared-${++counter}`
    const here = freshLibrary(name)
    const there = freshLibrary(name)
    const seen: LibraryChange[] = []
    there.onChange((change) => seen.push(change))
    await here.record(entry('x'))
    await until(() => seen.length > 0)
    expect(seen[0]).toEqual({ topic: 'x', kind: 'recorded' })
    expect((await there.list()).map((e) => e.title)).toEqual(['Title x'])
  })

  it('rejects calls after close(), and close() twice is harmless', async () => {
    const library = freshLibrary()
    library.close()
    library.close()
    await expect(library.list()).rejects.toThrow(/closed/)
  })
})

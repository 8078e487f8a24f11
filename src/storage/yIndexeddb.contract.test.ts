// @vitest-environment node
import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { IndexeddbPersistence, fetchUpdates, storeState } from 'y-indexeddb'

/**
 * What src/storage/ relies on in y-indexeddb beyond its documented API (IndexeddbWriter). An
 * upgrade that changes any of it fails here, in one place, before it fails anywhere else.
 */
describe('y-indexeddb contract', () => {
  it('is the version these internals were read from (pinned exactly in package.json)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../node_modules/y-indexeddb/package.json', import.meta.url), 'utf8')) as { version: string }
    const project = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }
    expect(manifest.version).toBe('9.0.12')
    expect(project.dependencies['y-indexeddb']).toBe('9.0.12')
  })

  it('exposes the writer, the counters and the database the writer takes over', async () => {
    const doc = new Y.Doc()
    const persistence = new IndexeddbPersistence('contract-internals', doc)
    // The writer replaces y-indexeddb's own update observer with a batching one.
    expect(typeof persistence._storeUpdate).toBe('function')
    const observers = (doc as unknown as { _observers: Map<string, Set<unknown>> })._observers.get('update')
    expect(observers?.has(persistence._storeUpdate)).toBe(true)
    await persistence.whenSynced
    expect(persistence.db).toBeInstanceOf(IDBDatabase)
    expect([...(persistence.db as IDBDatabase).objectStoreNames]).toContain('updates')
    expect(typeof persistence._dbref).toBe('number')
    expect(typeof persistence._dbsize).toBe('number')
    expect(typeof fetchUpdates).toBe('function')
    expect(typeof storeState).toBe('function')
    await persistence.destroy()
    doc.destroy()
  })

  it('applies what it reads with the persistence as origin, and _storeUpdate writes one record', async () => {
    const first = new Y.Doc()
    const writer = new IndexeddbPersistence('contract-origin', first)
    await writer.whenSynced
    first.off('update', writer._storeUpdate)
    const update = Y.encodeStateAsUpdate((() => {
      const source = new Y.Doc()
      source.getText('content').insert(0, 'stored')
      return source
    })())
    const before = writer._dbsize
    writer._storeUpdate(update, null)
    await new Promise<void>((resolve) => {
      const tx = (writer.db as IDBDatabase).transaction(['updates'], 'readonly')
      tx.oncomplete = () => resolve()
    })
    expect(writer._dbsize).toBe(before + 1)
    await writer.destroy()

    const second = new Y.Doc()
    const origins: unknown[] = []
    second.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin))
    const reader = new IndexeddbPersistence('contract-origin', second)
    await reader.whenSynced
    expect(second.getText('content').toString()).toBe('stored')
    expect(origins).toContain(reader)
    await reader.destroy()
  })
})

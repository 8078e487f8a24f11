// @vitest-environment node
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { waitFor as waitForCondition } from '../../signaling/testing/conditions'
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { IndexeddbCopy } from './IndexeddbCopy'
import { roomDatabaseName } from './openRoomDatabase'
import { IndexeddbStore } from './IndexeddbStore'
import { COMPACT_DELAY_MS, COMPACT_MIN_BYTES } from './IndexeddbWriter'
import type { StorageState } from './localCopy'

const waitFor = (condition: () => boolean): Promise<void> => waitForCondition(condition, 5_000)

/** The values in a room database's `updates` store. */
async function storedUpdates(topic: string): Promise<Uint8Array[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(roomDatabaseName(topic))
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  const values = await new Promise<Uint8Array[]>((resolve, reject) => {
    const request = db.transaction(['updates'], 'readonly').objectStore('updates').getAll()
    request.onsuccess = () => resolve(request.result as Uint8Array[])
    request.onerror = () => reject(request.error)
  })
  db.close()
  return values
}

function open(topic: string): { doc: Y.Doc; copy: IndexeddbCopy; states: StorageState[] } {
  const doc = new Y.Doc()
  const copy = new IndexeddbCopy(topic, doc)
  const states: StorageState[] = []
  copy.onChange(() => states.push(copy.state))
  return { doc, copy, states }
}

/** The text stored for `topic`, as y-indexeddb (what earlier Meshpad builds used) reads it. */
async function reopenText(topic: string): Promise<string> {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(roomDatabaseName(topic), doc)
  await persistence.whenSynced
  const text = doc.getText('content').toString()
  await persistence.destroy()
  return text
}

describe('IndexeddbCopy', () => {
  it('writes all the updates of one task as one record, after the other observers, then says saved', async () => {
    const { doc, copy, states } = open('writer-batch')
    await copy.whenLoaded
    await waitFor(() => states.at(-1) === 'saved')
    const before = (await storedUpdates('writer-batch')).length

    const order: string[] = []
    const appendOriginal = IndexeddbStore.prototype.append
    const append = vi.spyOn(IndexeddbStore.prototype, 'append').mockImplementation(function (this: IndexeddbStore, update: Uint8Array) {
      order.push('stored')
      return appendOriginal.call(this, update)
    })
    doc.on('update', () => order.push('peer send'))
    const text = doc.getText('content')
    for (const char of 'hello') text.insert(text.length, char)
    order.push('task end')
    expect(states.at(-1)).toBe('saving')
    await waitFor(() => states.at(-1) === 'saved')

    const after = await storedUpdates('writer-batch')
    expect(after.length - before).toBe(1)
    expect(order).toEqual(['peer send', 'peer send', 'peer send', 'peer send', 'peer send', 'task end', 'stored'])
    append.mockRestore()
    await copy.destroy()
    expect(await reopenText('writer-batch')).toBe('hello')
  })

  it('one record per task: edits typed in separate tasks are stored separately', async () => {
    const { doc, copy, states } = open('writer-tasks')
    await copy.whenLoaded
    await waitFor(() => states.at(-1) === 'saved')
    const before = (await storedUpdates('writer-tasks')).length
    for (const char of 'abc') {
      doc.getText('content').insert(0, char)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    await waitFor(() => states.at(-1) === 'saved')
    expect((await storedUpdates('writer-tasks')).length - before).toBe(3)
    await copy.destroy()
  })

  it('compacts the stored copy once the bytes written reach the size of the document', async () => {
    const { doc, copy, states } = open('writer-compact')
    await copy.whenLoaded
    const text = doc.getText('content')
    // Few large writes (as a paste or a replayed history makes), most of it deleted again.
    for (let i = 0; i < 4; i++) {
      text.insert(0, String(i).repeat(COMPACT_MIN_BYTES / 2))
      text.delete(1, COMPACT_MIN_BYTES / 2 - 1)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    const encoded = Y.encodeStateAsUpdate(doc).byteLength
    const sum = (values: Uint8Array[]): number => values.reduce((total, value) => total + value.byteLength, 0)
    expect(sum(await storedUpdates('writer-compact'))).toBeGreaterThan(COMPACT_MIN_BYTES)
    // Compaction is due COMPACT_DELAY_MS after the threshold; wait for its result.
    let stored = await storedUpdates('writer-compact')
    await waitForCondition(async () => sum((stored = await storedUpdates('writer-compact'))) <= 2 * encoded, COMPACT_DELAY_MS + 5_000)
    expect(sum(stored)).toBeLessThanOrEqual(2 * encoded)
    expect(states.at(-1)).toBe('saved')
    await copy.destroy()
    expect(await reopenText('writer-compact')).toBe(text.toString())
  })

  it('reads a copy y-indexeddb stored (earlier builds) in one transaction, and hands listeners the stored records', async () => {
    const source = new Y.Doc({ gc: false })
    const persistence = new IndexeddbPersistence(roomDatabaseName('copy-read'), source)
    await persistence.whenSynced
    const text = source.getText('content')
    text.insert(0, 'stored by y-indexeddb')
    text.delete(0, 7)
    source.getArray('versions').push([{ id: 'v' }])
    await new Promise((resolve) => setTimeout(resolve, 0))
    await persistence.destroy()

    const doc = new Y.Doc({ gc: false })
    const transactions: boolean[] = []
    const updates: { update: Uint8Array; origin: unknown }[] = []
    doc.on('afterTransaction', (transaction: Y.Transaction) => transactions.push(transaction.local))
    doc.on('update', (update: Uint8Array, origin: unknown) => updates.push({ update, origin }))
    const copy = new IndexeddbCopy('copy-read', doc)
    await copy.whenLoaded
    expect(doc.getText('content').toString()).toBe('by y-indexeddb')
    // One transaction, not local (no automatic version counts it as this peer's editing).
    expect(transactions).toEqual([false])
    // One call per stored record, all with the copy as origin.
    expect(updates.length).toBe((await storedUpdates('copy-read')).length)
    expect(updates.every(({ origin }) => origin === copy)).toBe(true)
    // What the listeners got rebuilds the whole document elsewhere (what a peer would receive).
    const peer = new Y.Doc({ gc: false })
    for (const { update } of updates) Y.applyUpdate(peer, update)
    expect(Y.encodeStateAsUpdate(peer)).toEqual(Y.encodeStateAsUpdate(doc))
    expect(peer.getArray('versions').toJSON()).toEqual([{ id: 'v' }])
    await copy.destroy()
  })

  it('is loaded, and saves nothing, when the browser refuses to open the database', async () => {
    const open = vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('storage is off', 'SecurityError')
    })
    const doc = new Y.Doc()
    const copy = new IndexeddbCopy('copy-refused', doc)
    await copy.whenLoaded
    open.mockRestore()
    expect(copy.state).toBe('error')
    expect(copy.error).toContain('storage is off')
    doc.getText('content').insert(0, 'x')
    await expect(copy.whenSaved()).rejects.toThrow(/storage is off/)
    await copy.destroy()
  })

  it('closes the database when destroyed before it opened', async () => {
    const doc = new Y.Doc()
    const copy = new IndexeddbCopy('copy-early-destroy', doc)
    await copy.destroy()
    // A closed connection does not block deleting the database.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(roomDatabaseName('copy-early-destroy'))
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
      request.onblocked = () => reject(new Error('blocked by an open connection'))
    })
  })
})

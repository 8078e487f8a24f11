// @vitest-environment node
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { waitFor as waitForCondition } from '../../signaling/testing/conditions'
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { COMPACT_DELAY_MS, COMPACT_MIN_BYTES, IndexeddbWriter } from './IndexeddbWriter'
import type { StorageState } from './localCopy'

const waitFor = (condition: () => boolean): Promise<void> => waitForCondition(condition, 5_000)

/** The values in a y-indexeddb database's `updates` store. */
async function storedUpdates(name: string): Promise<Uint8Array[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name)
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

function open(name: string): { doc: Y.Doc; persistence: IndexeddbPersistence; tracker: IndexeddbWriter; states: StorageState[] } {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(name, doc)
  const states: StorageState[] = []
  const tracker = new IndexeddbWriter(doc, persistence, (state) => states.push(state))
  return { doc, persistence, tracker, states }
}

async function reopenText(name: string): Promise<string> {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(name, doc)
  await persistence.whenSynced
  const text = doc.getText('content').toString()
  await persistence.destroy()
  return text
}

describe('IndexeddbWriter', () => {
  it('writes all the updates of one task as one record, after the other observers, then says saved', async () => {
    const { doc, persistence, tracker, states } = open('writer-batch')
    await persistence.whenSynced
    await waitFor(() => states.at(-1) === 'saved')
    const before = (await storedUpdates('writer-batch')).length

    const order: string[] = []
    const store = persistence._storeUpdate
    persistence._storeUpdate = (update, origin) => {
      order.push('stored')
      store(update, origin)
    }
    doc.on('update', () => order.push('peer send'))
    const text = doc.getText('content')
    for (const char of 'hello') text.insert(text.length, char)
    order.push('task end')
    expect(states.at(-1)).toBe('saving')
    await waitFor(() => states.at(-1) === 'saved')

    const after = await storedUpdates('writer-batch')
    expect(after.length - before).toBe(1)
    expect(order).toEqual(['peer send', 'peer send', 'peer send', 'peer send', 'peer send', 'task end', 'stored'])
    tracker.destroy()
    await persistence.destroy()
    expect(await reopenText('writer-batch')).toBe('hello')
  })

  it('one record per task: edits typed in separate tasks are stored separately', async () => {
    const { doc, persistence, tracker, states } = open('writer-tasks')
    await persistence.whenSynced
    await waitFor(() => states.at(-1) === 'saved')
    const before = (await storedUpdates('writer-tasks')).length
    for (const char of 'abc') {
      doc.getText('content').insert(0, char)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    await waitFor(() => states.at(-1) === 'saved')
    expect((await storedUpdates('writer-tasks')).length - before).toBe(3)
    tracker.destroy()
    await persistence.destroy()
  })

  it('writes what is pending when destroyed in the same task as the edit', async () => {
    const { doc, persistence, tracker } = open('writer-destroy')
    await persistence.whenSynced
    doc.getText('content').insert(0, 'last words')
    tracker.destroy()
    tracker.destroy()
    await persistence.destroy()
    expect(await reopenText('writer-destroy')).toBe('last words')
  })

  it('keeps edits made while the stored copy loads', async () => {
    const { doc, persistence, tracker, states } = open('writer-early')
    doc.getText('content').insert(0, 'early ')
    await persistence.whenSynced
    doc.getText('content').insert(6, 'and late')
    await waitFor(() => states.at(-1) === 'saved')
    tracker.destroy()
    await persistence.destroy()
    expect(await reopenText('writer-early')).toBe('early and late')
  })

  it('compacts the stored copy once the bytes written reach the size of the document', async () => {
    const { doc, persistence, tracker, states } = open('writer-compact')
    await persistence.whenSynced
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
    tracker.destroy()
    await persistence.destroy()
    expect(await reopenText('writer-compact')).toBe(text.toString())
  })
})

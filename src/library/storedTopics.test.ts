import { describe, expect, it } from 'vitest'
import { STORED_TOPICS_KEY, storedTopics } from './storedTopics'

/** A localStorage of a Map; `full` makes every write throw, as a full storage does. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string>; full: boolean } {
  const items = new Map<string, string>()
  const storage = {
    items,
    full: false,
    getItem: (key: string) => items.get(key) ?? null,
    setItem(key: string, value: string) {
      if (storage.full) throw new DOMException('full', 'QuotaExceededError')
      items.set(key, value)
    },
  }
  return storage
}

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)

describe('storedTopics', () => {
  it('remembers topics added, forgets those removed, shared by every reader of the storage', () => {
    const storage = memoryStorage()
    const one = storedTopics(storage)
    one.add(A)
    one.add(A)
    one.add(B)
    expect(storedTopics(storage).has(A)).toBe(true)
    one.remove(A)
    expect([one.has(A), one.has(B)]).toEqual([false, true])
    // A prefix of the topic, never more.
    expect(storage.items.get(STORED_TOPICS_KEY)).toBe(JSON.stringify(['b'.repeat(16)]))
  })

  it('answers no, and throws nothing, without storage, with a damaged value, or when storage is full', () => {
    expect(storedTopics(undefined).has(A)).toBe(false)
    storedTopics(undefined).add(A)
    const storage = memoryStorage()
    storage.items.set(STORED_TOPICS_KEY, '{not json')
    expect(storedTopics(storage).has(A)).toBe(false)
    storage.items.set(STORED_TOPICS_KEY, JSON.stringify({ a: 1 }))
    expect(storedTopics(storage).has(A)).toBe(false)
    storage.full = true
    storedTopics(storage).add(A)
    expect(storedTopics(storage).has(A)).toBe(false)
  })
})

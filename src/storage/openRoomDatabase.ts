/** The object store of a room's database that holds the document, as Yjs updates. */
export const UPDATES_STORE = 'updates'

/** y-indexeddb's second object store (key/value pairs); created so its databases and ours are alike. */
export const CUSTOM_STORE = 'custom'

/** The IndexedDB database that holds a room's document in this browser (`topic`: see `roomTopic`). */
export function roomDatabaseName(topic: string): string {
  return `meshpad-${topic}`
}

/**
 * Opens (or creates) the room database `name` in y-indexeddb's format: an auto-incremented
 * `updates` store and `custom`. The one place that format is written down: the session's store
 * and the page's early script (src/early/) both open databases through it.
 */
export function openRoomDatabase(name: string): IDBOpenDBRequest {
  const req = indexedDB.open(name)
  req.onupgradeneeded = () => {
    const db = req.result
    if (!db.objectStoreNames.contains(UPDATES_STORE)) db.createObjectStore(UPDATES_STORE, { autoIncrement: true })
    if (!db.objectStoreNames.contains(CUSTOM_STORE)) db.createObjectStore(CUSTOM_STORE)
  }
  return req
}

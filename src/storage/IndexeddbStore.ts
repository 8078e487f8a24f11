import { CUSTOM_STORE, UPDATES_STORE, openRoomDatabase } from './openRoomDatabase'

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

/**
 * A room's database in this browser, in y-indexeddb's format (an auto-incremented `updates` store
 * of Yjs v1 updates, and `custom`), so copies stored by earlier Meshpad builds open here and the
 * other way round. It is responsible for reading, appending and compacting records; it knows
 * nothing of the document, and says nothing about whether a write is committed (see
 * `IndexeddbWriter`).
 *
 * Records are read from a key on: records this page appended are read again at the next
 * compaction (applying an update twice changes nothing), and records other tabs appended in
 * between are read there too, before the older ones are replaced by the whole document.
 */
export class IndexeddbStore {
  /** The key after the last record read: records from there on have not been read yet. */
  private next = 0
  /** How many records the store holds, as far as this page knows. */
  records = 0

  private constructor(readonly db: IDBDatabase) {}

  /** Opens (or creates) the database `name`. Rejects when the browser refuses IndexedDB. */
  static async open(name: string): Promise<IndexeddbStore> {
    const db = await request(openRoomDatabase(name))
    // Another tab deleting or upgrading the database must not wait for this page to leave.
    db.onversionchange = () => db.close()
    return new IndexeddbStore(db)
  }

  /**
   * The database `db`, opened and read elsewhere (see `earlyCopy`): `keys` are the keys of every
   * record that read returned, so reads from here on start after them.
   */
  static adopt(db: IDBDatabase, keys: readonly IDBValidKey[]): IndexeddbStore {
    db.onversionchange = () => db.close()
    const store = new IndexeddbStore(db)
    const last = keys.at(-1)
    if (typeof last === 'number') store.next = last + 1
    store.records = keys.length
    return store
  }

  /** The records stored since the last read (all of them the first time), oldest first. */
  async readNew(): Promise<Uint8Array[]> {
    const store = this.db.transaction([UPDATES_STORE], 'readonly').objectStore(UPDATES_STORE)
    const range = IDBKeyRange.lowerBound(this.next)
    const [values, keys, count] = await Promise.all([
      request(store.getAll(range)),
      request(store.getAllKeys(range)),
      request(store.count()),
    ])
    const last = keys.at(-1)
    if (typeof last === 'number') this.next = last + 1
    this.records = count
    return values as Uint8Array[]
  }

  /**
   * Appends `update` as a record. The request is issued now; failures reach the database's
   * `error`/`abort` events, which the writer watches.
   */
  append(update: Uint8Array): Promise<void> {
    const tx = this.db.transaction([UPDATES_STORE], 'readwrite')
    tx.objectStore(UPDATES_STORE).add(update)
    this.records++
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
    })
  }

  /**
   * Appends `state` (the whole document, holding everything read so far) and deletes every record
   * read before it, in one transaction.
   */
  async replaceRead(state: Uint8Array): Promise<void> {
    const store = this.db.transaction([UPDATES_STORE], 'readwrite').objectStore(UPDATES_STORE)
    const added = request(store.add(state))
    const deleted = this.next > 0 ? request(store.delete(IDBKeyRange.upperBound(this.next, true))) : Promise.resolve()
    const [, , count] = await Promise.all([added, deleted, request(store.count())])
    this.records = count
  }

  /** Resolves once every write issued so far is committed (a later transaction on the same store completes). */
  whenWritten(): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction([UPDATES_STORE], 'readonly')
      tx.oncomplete = () => resolve()
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
    })
  }

  /** The value under `key` in the `custom` store (y-indexeddb's `get`), or undefined. */
  getCustom(key: string): Promise<unknown> {
    return request(this.db.transaction([CUSTOM_STORE], 'readonly').objectStore(CUSTOM_STORE).get(key))
  }

  /** Stores `value` under `key` in the `custom` store (y-indexeddb's `set`); resolves once committed. */
  setCustom(key: string, value: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction([CUSTOM_STORE], 'readwrite')
      tx.objectStore(CUSTOM_STORE).put(value, key)
      tx.oncomplete = () => resolve()
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
    })
  }

  close(): void {
    this.db.close()
  }
}

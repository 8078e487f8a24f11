import type * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { ReportingCopy } from './CopyStateStore'
import { IndexeddbWriter } from './IndexeddbWriter'
import { signedLogBytes } from './signedLogBytes'
import type { LocalCopy, OpenLocalCopy, SignedLogStore } from './localCopy'

/** The IndexedDB database that holds a room's document in this browser. */
export function roomDatabaseName(topic: string): string {
  return `meshpad-${topic}`
}

/** The key of a reader's signed log in y-indexeddb's `custom` store of the room's database. */
const SIGNED_LOG_KEY = 'meshpad/v2/signed-log'

/**
 * A document's copy in this browser's IndexedDB (database {@link roomDatabaseName}): y-indexeddb
 * reads it, {@link IndexeddbWriter} writes it and says when a write is committed.
 */
export class IndexeddbCopy extends ReportingCopy implements LocalCopy {
  readonly whenLoaded: Promise<void>
  private readonly persistence: IndexeddbPersistence
  private readonly writer: IndexeddbWriter
  private closing: Promise<void> | null = null

  constructor(topic: string, doc: Y.Doc) {
    super()
    this.persistence = new IndexeddbPersistence(roomDatabaseName(topic), doc)
    this.writer = new IndexeddbWriter(doc, this.persistence, (state, error) => this.store.set(state, error))
    this.whenLoaded = this.persistence.whenSynced.then(() => undefined)
  }

  /** In the room's own database (y-indexeddb's `custom` store), so deleting the document deletes it too. */
  readonly signedLog: SignedLogStore = {
    load: async () => {
      await this.persistence.whenSynced
      const stored: unknown = await this.persistence.get(SIGNED_LOG_KEY)
      return stored instanceof ArrayBuffer ? signedLogBytes.decode(new Uint8Array(stored)) : []
    },
    save: async (messages) => {
      await this.persistence.whenSynced
      await this.persistence.set(SIGNED_LOG_KEY, signedLogBytes.encode(messages).slice().buffer)
    },
  }

  destroy(): Promise<void> {
    if (this.closing === null) {
      this.writer.destroy()
      this.store.close()
      this.closing = this.persistence.destroy()
    }
    return this.closing
  }
}

/** {@link OpenLocalCopy} for browsers. */
export const openIndexeddbCopy: OpenLocalCopy = (topic, doc) => new IndexeddbCopy(topic, doc)

/** Resolves once every write issued so far on `db`'s `updates` store is committed. */
function writesCommitted(db: IDBDatabase): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(['updates'], 'readonly')
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
  })
}

/**
 * Stores `doc` as the copy of room `topic` in this browser and resolves once it is committed, so
 * a session opening that room shows it at once.
 */
export async function storeIndexeddbCopy(topic: string, doc: Y.Doc): Promise<void> {
  // NOTE: y-indexeddb writes the doc's whole state when it opens a database.
  const persistence = new IndexeddbPersistence(roomDatabaseName(topic), doc)
  try {
    await persistence.whenSynced
    if (persistence.db === null) throw new Error('the new document could not be stored')
    await writesCommitted(persistence.db)
  } finally {
    await persistence.destroy()
  }
}

import { roomDatabaseName } from '../storage/openRoomDatabase'
import type { StoredTopics } from './storedTopics'
/** The IndexedDB database that lists the documents this browser holds. */
export const DOCUMENT_LIBRARY_NAME = 'meshpad-documents'
const STORE = 'documents'
/** BroadcastChannel on which tabs of this browser announce changes to the list. */
const CHANNEL = 'meshpad/v1/documents'

/**
 * A document stored in this browser. The secret is kept because a topic cannot be turned back into
 * the link; it never leaves the browser, like the link in the browser's own history.
 */
export interface DocumentEntry {
  readonly topic: string
  readonly secret: string
  readonly title: string
  readonly language: string
  /** Characters of text. */
  readonly length: number
  /** When this browser first recorded the document (ms since the epoch). */
  readonly createdAt: number
  /** The latest change to this browser's copy, made here or received from a peer. */
  readonly lastEditedAt: number
  /** When a peer was last connected in this document, or null if never (as far as we know). */
  readonly lastPeerSeenAt: number | null
}

/** What a session reports about its document; the library keeps the rest. */
export type DocumentUpdate = Pick<DocumentEntry, 'topic' | 'secret' | 'title' | 'language' | 'length'> &
  Partial<Pick<DocumentEntry, 'lastEditedAt' | 'lastPeerSeenAt'>>

/**
 * A change to the list, in this tab or another tab of this browser.
 * - `recorded`: the entry was created or updated.
 * - `removing`: this browser's copy is about to be deleted; a page that has it open must leave it.
 * - `removed`: the copy and the entry are gone.
 */
export interface LibraryChange {
  readonly topic: string
  readonly kind: 'recorded' | 'removing' | 'removed'
}

const CHANGE_KINDS: readonly string[] = ['recorded', 'removing', 'removed'] satisfies LibraryChange['kind'][]

/**
 * The documents this browser holds, in their own small IndexedDB database. It is responsible for
 * the list and for deleting a document's local copy; it does not open documents (sessions do).
 * Every method waits for its transaction to commit.
 */
export interface DocumentLibrary {
  /** Every entry, the most recently edited first. */
  list(): Promise<DocumentEntry[]>
  get(topic: string): Promise<DocumentEntry | undefined>
  /** Creates or updates the entry of `update.topic`; timestamps never move backwards. */
  record(update: DocumentUpdate): Promise<void>
  /**
   * Deletes this browser's copy of a document: its room database (`meshpad-<topic>`), then its
   * entry. Peers keep their copies. A session open on it in this page must be destroyed first;
   * other tabs are told (`removing`) and must leave it, or the deletion waits for them.
   */
  remove(topic: string): Promise<void>
  /**
   * Takes a document off the list and keeps its copy: a moved document's old copy holds the record
   * that sends its old link on to the new room.
   */
  forget(topic: string): Promise<void>
  /** Calls `listener` after each change, made in this tab or another; returns the unsubscribe. */
  onChange(listener: (change: LibraryChange) => void): () => void
  /** Idempotent. Closes the database and the channel; later calls reject. */
  close(): void
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
  })
}

function openDatabase(name: string): Promise<IDBDatabase> {
  const req = indexedDB.open(name, 1)
  req.onupgradeneeded = () => {
    req.result.createObjectStore(STORE, { keyPath: 'topic' })
  }
  return request(req).then((db) => {
    // Someone deleting or upgrading this database (devtools, a newer Meshpad in another
    // tab) must not be blocked by us.
    db.onversionchange = () => db.close()
    return db
  })
}

/** Deletes a database, waiting for connections in other tabs to close (they close on request). */
function deleteDatabase(name: string): Promise<void> {
  return request(indexedDB.deleteDatabase(name)).then(() => undefined)
}

function merge(previous: DocumentEntry | undefined, update: DocumentUpdate, now: number): DocumentEntry {
  const latest = (a: number | null | undefined, b: number | null | undefined): number | null =>
    a == null ? (b ?? null) : b == null ? a : Math.max(a, b)
  return {
    topic: update.topic,
    secret: update.secret,
    title: update.title,
    language: update.language,
    length: update.length,
    createdAt: previous?.createdAt ?? now,
    lastEditedAt: latest(previous?.lastEditedAt, update.lastEditedAt) ?? now,
    lastPeerSeenAt: latest(previous?.lastPeerSeenAt, update.lastPeerSeenAt),
  }
}

/** Newest first: the latest edit, then the latest peer contact. */
export function byRecency(a: DocumentEntry, b: DocumentEntry): number {
  return b.lastEditedAt - a.lastEditedAt || (b.lastPeerSeenAt ?? 0) - (a.lastPeerSeenAt ?? 0) || a.topic.localeCompare(b.topic)
}

/** `topics`: the hint of what this browser holds, kept in step with the entries (see `StoredTopics`). */
export function openDocumentLibrary(name: string = DOCUMENT_LIBRARY_NAME, topics?: StoredTopics): DocumentLibrary {
  const db = openDatabase(name)
  // A failed open (storage disabled) surfaces as each method's rejection.
  db.catch(() => {})
  const listeners = new Set<(change: LibraryChange) => void>()
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`${CHANNEL}/${name}`)
  let closed = false

  const notify = (change: LibraryChange): void => {
    for (const listener of listeners) listener(change)
  }
  const announce = (change: LibraryChange): void => {
    if (closed) return
    channel?.postMessage(change)
    notify(change)
  }
  if (channel !== null) {
    channel.onmessage = (event: MessageEvent<Partial<LibraryChange> | null>) => {
      const { topic, kind } = event.data ?? {}
      if (typeof topic === 'string' && typeof kind === 'string' && CHANGE_KINDS.includes(kind)) notify({ topic, kind: kind as LibraryChange['kind'] })
    }
  }

  const store = async (mode: IDBTransactionMode): Promise<[IDBObjectStore, Promise<void>]> => {
    if (closed) throw new Error('the document library is closed')
    const tx = (await db).transaction(STORE, mode)
    return [tx.objectStore(STORE), committed(tx)]
  }

  return {
    async list() {
      const [documents, done] = await store('readonly')
      const entries = await request(documents.getAll() as IDBRequest<DocumentEntry[]>)
      await done
      return entries.sort(byRecency)
    },
    async get(topic) {
      const [documents, done] = await store('readonly')
      const entry = await request(documents.get(topic) as IDBRequest<DocumentEntry | undefined>)
      await done
      return entry
    },
    async record(update) {
      const [documents, done] = await store('readwrite')
      // Read and write in one transaction (callbacks, not awaits, keep it active), so
      // concurrent records from two tabs cannot lose each other's timestamps.
      const read = documents.get(update.topic) as IDBRequest<DocumentEntry | undefined>
      read.onsuccess = () => documents.put(merge(read.result, update, Date.now()))
      await done
      topics?.add(update.topic)
      announce({ topic: update.topic, kind: 'recorded' })
    },
    async remove(topic) {
      if (closed) throw new Error('the document library is closed')
      announce({ topic, kind: 'removing' })
      topics?.remove(topic)
      await deleteDatabase(roomDatabaseName(topic))
      const [documents, done] = await store('readwrite')
      documents.delete(topic)
      await done
      announce({ topic, kind: 'removed' })
    },
    async forget(topic) {
      const [documents, done] = await store('readwrite')
      documents.delete(topic)
      await done
      announce({ topic, kind: 'removed' })
    },
    onChange(listener) {
      if (closed) return () => {}
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      if (closed) return
      closed = true
      listeners.clear()
      channel?.close()
      void db.then((opened) => opened.close(), () => {})
    },
  }
}

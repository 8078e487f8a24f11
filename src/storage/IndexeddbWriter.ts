import * as Y from 'yjs'
import * as idb from 'lib0/indexeddb'
import { fetchUpdates, storeState, type IndexeddbPersistence } from 'y-indexeddb'
import type { StorageState } from './localCopy'

/** After a failed write, how long until the whole document is written again. */
export const SAVE_RETRY_MS = 5_000

/**
 * The stored copy is compacted (replaced by the whole document, encoded once) when the bytes
 * written since the last compaction reach the size of that compacted document, and at least this.
 */
export const COMPACT_MIN_BYTES = 64 * 1024

/** Compaction waits this long after it is due, as y-indexeddb's own does. */
export const COMPACT_DELAY_MS = 1_000

/**
 * Writes the document's updates to IndexedDB and tells whether IndexedDB holds the latest edit.
 * It is responsible for the `storage` part of a session's status. The writing itself is
 * y-indexeddb's (its `_storeUpdate`, which also schedules compaction), but batched: all updates
 * of one task go in one write, at the end of that task, once every other update observer (the
 * editor, y-webrtc sending to peers) has run.
 *
 * NOTE: y-indexeddb writes each update in its own readwrite transaction, which costs about a
 * millisecond of main thread per keystroke here, before the edit is sent to peers, and 260,000
 * transactions for a replayed editing trace. The batch is written in a microtask of the same
 * task, so nothing waits for a later task or timer: an edit is as durable as before.
 *
 * NOTE: y-indexeddb compacts after 500 writes, so few large writes (a pasted or replayed history:
 * 3.4 MB for a 311 kB document) would never be compacted; compaction is also due here by bytes.
 *
 * NOTE: y-indexeddb has no event for a finished write. IndexedDB runs transactions with
 * overlapping scopes in the order they were created, so a readonly transaction on the same store,
 * created right after the write, completes only once that write is committed. Write failures
 * (quota, a full disk) bubble from request to transaction to the database as `error`/`abort`.
 */
export class IndexeddbWriter {
  private state: StorageState = 'loading'
  private error: string | null = null
  /** Updates seen (plus forced stores); a check confirms all of them up to its creation. */
  private latest = 0
  private checking = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private watchedDb: IDBDatabase | null = null
  private destroyed = false
  /** Updates of this task not yet handed to y-indexeddb. */
  private pending: Uint8Array[] = []
  /** Bytes written since the last compaction, and that compaction's size. */
  private written = 0
  private compactedSize = 0
  private compactTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly doc: Y.Doc,
    private readonly persistence: IndexeddbPersistence,
    private readonly onChange: (state: StorageState, error: string | null) => void,
  ) {
    doc.off('update', persistence._storeUpdate)
    doc.on('update', this.handleUpdate)
    void persistence.whenSynced.then(() => {
      if (this.destroyed) return
      this.watch()
      this.latest++
      this.confirmLatest()
    })
  }

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    // Updates read back from IndexedDB are already stored.
    if (origin === this.persistence) return
    this.pending.push(update)
    if (this.pending.length === 1) queueMicrotask(this.flush)
    if (this.state !== 'loading' && this.state !== 'error') this.set('saving', null)
  }

  /** Hands this task's updates to y-indexeddb as one, then checks that they are committed. */
  private readonly flush = (): void => {
    if (this.pending.length === 0) return
    const updates = this.pending
    this.pending = []
    // NOTE: before its database is open y-indexeddb drops updates; it stores the whole document
    // once open, before reading what was stored, which includes them.
    const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
    this.persistence._storeUpdate(update, null)
    this.written += update.byteLength
    if (this.compactTimer === null && this.written >= Math.max(COMPACT_MIN_BYTES, this.compactedSize)) {
      this.compactTimer = setTimeout(this.compact, COMPACT_DELAY_MS)
    }
    if (this.state === 'loading') return
    this.latest++
    this.confirmLatest()
  }

  /**
   * Confirms that every update seen so far is committed. NOTE: at most one check is in flight;
   * updates that arrive meanwhile are covered by one more check when it completes (created after
   * their writes, so ordered after them), not one transaction per keystroke.
   */
  private confirmLatest(): void {
    const db = this.persistence.db
    if (db === null || this.checking) return
    const seq = this.latest
    try {
      const tx = db.transaction(['updates'], 'readonly')
      this.checking = true
      tx.onabort = () => {
        this.checking = false
      }
      tx.oncomplete = () => {
        this.checking = false
        if (this.destroyed) return
        if (seq < this.latest) this.confirmLatest()
        else if (this.state !== 'error') this.set('saved', null)
      }
    } catch {
      // NOTE: the database is closing (destroy, or the browser deleting it); nothing to confirm.
    }
  }

  /**
   * Replaces the stored updates by the whole document, as y-indexeddb's `storeState` does (it
   * first reads what other tabs stored), and remembers the size written.
   */
  private readonly compact = (): void => {
    this.compactTimer = null
    if (this.destroyed || this.persistence.db === null) return
    this.written = 0
    fetchUpdates(this.persistence)
      .then((store) => {
        const state = Y.encodeStateAsUpdate(this.doc)
        this.compactedSize = state.byteLength
        // NOTE: lib0 types stored values as ArrayBuffer; IndexedDB stores a Uint8Array as it is,
        // which is what y-indexeddb writes and reads.
        return idb
          .addAutoKey(store, state as unknown as ArrayBuffer)
          .then(() => idb.del(store, idb.createIDBKeyRangeUpperBound(this.persistence._dbref, true)))
          .then(() => idb.count(store))
          .then((count) => {
            this.persistence._dbsize = count
          })
      })
      .catch(() => {
        // NOTE: a failed write also reaches `handleFailure` through the database's events.
      })
  }

  private watch(): void {
    const db = this.persistence.db
    if (db === null || db === this.watchedDb) return
    this.watchedDb = db
    db.addEventListener('error', this.handleFailure)
    db.addEventListener('abort', this.handleFailure)
  }

  private readonly handleFailure = (event: Event): void => {
    const target = event.target as IDBRequest | IDBTransaction | null
    const cause = target?.error
    this.set('error', cause ? `${cause.name}: ${cause.message}` : 'the browser refused to store the document')
    if (this.retryTimer === null && !this.destroyed) {
      this.retryTimer = setTimeout(this.retry, SAVE_RETRY_MS)
    }
  }

  /** Writes the whole document again, so nothing lost by the failed write stays lost. */
  private readonly retry = (): void => {
    this.retryTimer = null
    if (this.destroyed) return
    this.set('saving', null)
    void storeState(this.persistence, true).then(() => {
      this.latest++
      this.confirmLatest()
    })
  }

  private set(state: StorageState, error: string | null): void {
    if (this.state === state && this.error === error) return
    this.state = state
    this.error = error
    this.onChange(state, error)
  }

  /**
   * Idempotent: writes what is pending, removes the observer, the database listeners and the
   * retry timer. Call it before destroying the persistence.
   */
  destroy(): void {
    if (this.destroyed) return
    this.flush()
    this.destroyed = true
    this.doc.off('update', this.handleUpdate)
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    if (this.compactTimer !== null) clearTimeout(this.compactTimer)
    this.watchedDb?.removeEventListener('error', this.handleFailure)
    this.watchedDb?.removeEventListener('abort', this.handleFailure)
  }
}

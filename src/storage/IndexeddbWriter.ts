import * as Y from 'yjs'
import type { IndexeddbStore } from './IndexeddbStore'
import type { StorageState } from './localCopy'

/** After a failed write, how long until the whole document is written again. */
export const SAVE_RETRY_MS = 5_000

/**
 * The stored copy is compacted (replaced by the whole document, encoded once) when the bytes
 * written since the last compaction reach the size of that compacted document, and at least this.
 */
export const COMPACT_MIN_BYTES = 64 * 1024

/** Compaction waits this long after it is due, as y-indexeddb's did. */
export const COMPACT_DELAY_MS = 1_000

/**
 * Writes the document's updates to its {@link IndexeddbStore} and tells whether IndexedDB holds
 * the latest edit. It is responsible for the `storage` part of a session's status, and for
 * compacting the stored records. Updates are batched: all updates of one task go in one write, at
 * the end of that task, once every other update observer (the editor, the network sending to
 * peers) has run.
 *
 * One readwrite transaction per update (what y-indexeddb does) would cost main-thread time on
 * every keystroke, before the edit is sent to peers, and one transaction per edit of a replayed
 * history. The batch is written in a microtask of the same task, so nothing waits for a later
 * task or timer: an edit is as durable as with a transaction per update.
 *
 * Compaction is due by bytes written, not by a count of writes (y-indexeddb's 500): a few large
 * writes (a pasted or replayed history) are compacted too.
 *
 * A write is confirmed by its own transaction's `complete` event: IndexedDB commits transactions
 * with overlapping scopes in the order they were created, so the latest write's completion means
 * every earlier one is committed too. Writes this writer did not make itself (the stored copy's
 * first write, a retry's rewrite) are confirmed by a readonly transaction created after them,
 * which completes only once they are committed. Write failures (quota, a full disk) bubble from
 * request to transaction to the database as `error`/`abort`.
 *
 * Until `start()` (the stored copy is read) updates are not written: the copy writes what the doc
 * held before it loaded, once, when it loads.
 */
export class IndexeddbWriter {
  private state: StorageState = 'loading'
  private error: string | null = null
  /** Updates seen (plus forced stores); a check confirms all of them up to its creation. */
  private latest = 0
  private checking = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private watchedDb: IDBDatabase | null = null
  private store: IndexeddbStore | null = null
  private destroyed = false
  /** Updates of this task not yet appended to the store. */
  private pending: Uint8Array[] = []
  /** Bytes written since the last compaction, and that compaction's size. */
  private written = 0
  private compactedSize = 0
  private compactTimer: ReturnType<typeof setTimeout> | null = null
  /** The rewrite running or last run (see `rewrite`). */
  private rewriting: Promise<number> = Promise.resolve(0)

  /** `origin`: the origin of the transactions that apply what was read from the store. */
  constructor(
    private readonly doc: Y.Doc,
    private readonly origin: unknown,
    private readonly onChange: (state: StorageState, error: string | null) => void,
  ) {
    doc.on('update', this.handleUpdate)
  }

  /** The stored copy is read into the doc: from now on every update is written to `store`. */
  start(store: IndexeddbStore): void {
    if (this.destroyed || this.store !== null) return
    this.store = store
    this.watch(store.db)
    // The stored copy is read: from here the copy is writing (what reached the doc before it was
    // read) until the check below confirms it, not loading.
    if (this.state === 'loading') this.set('saving', null)
    this.latest++
    this.confirmLatest()
  }

  /** The stored copy could not be opened: nothing will be written. */
  fail(error: string): void {
    if (!this.destroyed) this.set('error', error)
  }

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    // Updates read back from IndexedDB are already stored.
    if (origin === this.origin) return
    this.pending.push(update)
    if (this.pending.length === 1) queueMicrotask(this.flush)
    if (this.state !== 'loading' && this.state !== 'error') this.set('saving', null)
  }

  /** Appends this task's updates to the store as one, then checks that they are committed. */
  private readonly flush = (): void => {
    if (this.pending.length === 0) return
    const updates = this.pending
    this.pending = []
    // Before the stored copy is read, updates are dropped: the copy stores what the doc
    // holds then, before applying what was stored, which includes them.
    if (this.store === null) return
    const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
    const seq = ++this.latest
    this.store.append(update).then(
      () => this.confirmed(seq),
      () => {
        // The failure reaches `handleFailure` through the database's events.
      },
    )
    this.written += update.byteLength
    if (this.compactTimer === null && this.written >= Math.max(COMPACT_MIN_BYTES, this.compactedSize)) {
      this.compactTimer = setTimeout(this.compact, COMPACT_DELAY_MS)
    }
  }

  /** Write `seq` is committed, and with it every earlier one: saved, if it is the latest. */
  private confirmed(seq: number): void {
    if (!this.destroyed && seq === this.latest && this.state !== 'error') this.set('saved', null)
  }

  /**
   * Confirms that every write so far is committed, by a readonly transaction created after them
   * (for writes whose transaction this writer does not see). At most one check is in flight; one
   * more follows it if anything was written meanwhile (an append would confirm itself, a retry's
   * rewrite would not).
   */
  private confirmLatest(): void {
    const store = this.store
    if (store === null || this.checking) return
    const seq = this.latest
    try {
      this.checking = true
      store.whenWritten().then(
        () => {
          this.checking = false
          if (seq < this.latest) this.confirmLatest()
          else this.confirmed(seq)
        },
        () => {
          this.checking = false
        },
      )
    } catch {
      // The database is closing (destroy, or the browser deleting it); nothing to confirm.
      this.checking = false
    }
  }

  /**
   * Replaces the stored records by the whole document, after applying what other tabs stored
   * meanwhile, and remembers the size written.
   */
  private readonly compact = (): void => {
    this.compactTimer = null
    if (this.destroyed || this.store === null) return
    this.written = 0
    this.rewrite()
      .then((size) => {
        this.compactedSize = size
      })
      .catch(() => {
        // A failed write also reaches `handleFailure` through the database's events.
      })
  }

  /**
   * Reads what other tabs stored, then writes the whole document in place of every record read.
   * One at a time: a rewrite that read before another one's write would leave that write's
   * whole document behind as a record nobody deletes.
   */
  private rewrite(): Promise<number> {
    const run = this.rewriting.then(() => this.rewriteNow())
    this.rewriting = run.catch(() => 0)
    return run
  }

  private async rewriteNow(): Promise<number> {
    const store = this.store
    if (store === null) return 0
    const updates = await store.readNew()
    if (this.destroyed) return 0
    if (updates.length > 0) Y.transact(this.doc, () => updates.forEach((update) => Y.applyUpdate(this.doc, update)), this.origin, false)
    const state = Y.encodeStateAsUpdate(this.doc)
    await store.replaceRead(state)
    return state.byteLength
  }

  private watch(db: IDBDatabase): void {
    if (db === this.watchedDb) return
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
    this.rewrite().then(
      () => {
        this.latest++
        this.confirmLatest()
      },
      () => {
        // The failure reaches `handleFailure` through the database's events, which retries.
      },
    )
  }

  private set(state: StorageState, error: string | null): void {
    if (this.state === state && this.error === error) return
    this.state = state
    this.error = error
    this.onChange(state, error)
  }

  /**
   * Idempotent: writes what is pending, removes the observer, the database listeners and the
   * timers. Call it before closing the store.
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

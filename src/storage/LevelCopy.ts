import * as Y from 'yjs'
import { applyStoredState } from './applyStoredState'
import { ReportingCopy } from './ReportingCopy'
import type { LocalCopy, SignedLogStore } from './localCopy'
import { signedLogBytes } from './signedLogBytes'
import { describe, type LevelStore } from './LevelStore'

/** The meta key of a reader's signed log (see `SignedLogStore`). */
const SIGNED_LOG_META = 'meshpad/v2/signed-log'

/** After a failed write, how long until the whole document is written again. */
export const LEVEL_RETRY_MS = 5_000

/** Compaction is due after this many writes since the last one (y-leveldb trims at 500 too). */
export const COMPACT_AFTER_WRITES = 500

/**
 * Compaction is also due once the bytes written since the last one reach half the compacted size,
 * and at least this: so the stored copy stays within about 1.5 times the encoded document, plus
 * LevelDB's own files (its log of operations and manifest, a few kB).
 */
export const COMPACT_MIN_BYTES = 32 * 1024

/**
 * A room's document in a Node peer's LevelDB ({@link LevelStore}). It is responsible for loading
 * the stored document into the doc, writing every later update, compacting, and saying honestly
 * whether everything applied so far is written: `saved` only once LevelDB has written (fsync) it.
 * It does not own the doc or the database.
 *
 * Updates are written one batch at a time: those that arrive while a write runs are merged
 * into the next, so a burst (a newcomer's whole history, a replayed trace) costs a few writes.
 */
export class LevelCopy extends ReportingCopy implements LocalCopy {
  readonly whenLoaded: Promise<void>
  private pending: Uint8Array[] = []
  private writing: Promise<void> | null = null
  /** After a failed write, the next write is the whole document (what failed is unknown). */
  private rewriteAll = false
  private loaded = false
  private destroyed = false
  private closing: Promise<void> | null = null
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private writesSinceCompaction = 0
  private bytesSinceCompaction = 0
  private compactedBytes = 0

  constructor(
    /** The room's topic: the document's name in the database. */
    readonly topic: string,
    private readonly doc: Y.Doc,
    private readonly level: LevelStore,
    private readonly onClosed: () => void,
  ) {
    super()
    doc.on('update', this.handleUpdate)
    this.whenLoaded = this.load()
  }

  /** Beside the document, in the same database (y-leveldb's meta of the document). */
  readonly signedLog: SignedLogStore = {
    load: async () => {
      await this.whenLoaded
      const stored = await this.level.readMeta(this.topic, SIGNED_LOG_META)
      return stored instanceof Uint8Array ? signedLogBytes.decode(stored) : []
    },
    save: (messages) => this.level.writeMeta(this.topic, SIGNED_LOG_META, signedLogBytes.encode(messages)),
  }

  /** Idempotent. Stops observing the doc, writes what is pending, and lets the store forget it. */
  destroy(): Promise<void> {
    if (this.closing === null) {
      this.destroyed = true
      this.doc.off('update', this.handleUpdate)
      if (this.retryTimer !== null) clearTimeout(this.retryTimer)
      // The doc may be destroyed right after this returns; take what the rewrite needs now.
      if (this.rewriteAll) this.pending = [Y.encodeStateAsUpdate(this.doc)]
      this.closing = this.drain().finally(() => {
        this.store.close()
        this.onClosed()
      })
    }
    return this.closing
  }

  private async load(): Promise<void> {
    try {
      const stored = await this.level.read(this.topic)
      this.compactedBytes = stored.byteLength
      if (!this.destroyed) applyStoredState(this.doc, [stored], this)
      this.loaded = true
      this.settle()
    } catch (error) {
      this.loaded = true
      this.fail(error)
    }
  }

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    // Updates read back from the database are already stored.
    if (origin === this) return
    this.pending.push(update)
    if (this.loaded && this.store.state !== 'error') this.store.set('saving', null)
    this.startWriting()
  }

  private startWriting(): void {
    if (this.writing === null && !this.destroyed) this.writing = this.writeAll()
  }

  /** Waits for the running writes, then writes what is left (the copy is being destroyed). */
  private async drain(): Promise<void> {
    while (this.writing !== null) await this.writing
    if (this.pending.length > 0) {
      this.writing = this.writeAll()
      await this.writing
    }
  }

  /**
   * Writes batches until nothing is pending, compacting when due, then settles the state.
   * `writing` is cleared before the state settles: a `whenSaved()` waiter that edits again
   * at once must start the next write, not find this one still marked as running.
   */
  private async writeAll(): Promise<void> {
    do {
      while (this.pending.length > 0) {
        const batch = this.rewriteAll && !this.destroyed ? Y.encodeStateAsUpdate(this.doc) : Y.mergeUpdates(this.pending)
        this.pending = []
        try {
          await this.level.write(this.topic, batch)
        } catch (error) {
          this.writing = null
          this.fail(error)
          return
        }
        this.rewriteAll = false
        if (this.store.state === 'error') this.store.set('saving', null)
        this.writesSinceCompaction++
        this.bytesSinceCompaction += batch.byteLength
      }
      if (this.compactionDue()) await this.compact()
    } while (this.pending.length > 0)
    this.writing = null
    this.settle()
  }

  private compactionDue(): boolean {
    return (
      this.writesSinceCompaction >= COMPACT_AFTER_WRITES ||
      this.bytesSinceCompaction >= Math.max(COMPACT_MIN_BYTES, this.compactedBytes / 2)
    )
  }

  private async compact(): Promise<void> {
    try {
      await this.level.compact(this.topic)
      this.writesSinceCompaction = 0
      this.bytesSinceCompaction = 0
      // The compacted copy is at most the document as it is now, encoded once.
      if (!this.destroyed) this.compactedBytes = Y.encodeStateAsUpdate(this.doc).byteLength
    } catch (error) {
      // A failed compaction loses nothing (the updates stay); the next write tries again.
      this.fail(error)
    }
  }

  private settle(): void {
    if (this.loaded && this.writing === null && this.pending.length === 0 && this.store.state !== 'error') this.store.set('saved', null)
  }

  private fail(error: unknown): void {
    this.rewriteAll = true
    this.store.set('error', `the document could not be written: ${describe(error)}`)
    if (this.destroyed || this.retryTimer !== null) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.destroyed || !this.rewriteAll) return
      // A placeholder: with `rewriteAll` set, the next batch is the whole document.
      this.pending.push(new Uint8Array())
      this.store.set('saving', null)
      this.startWriting()
    }, LEVEL_RETRY_MS)
  }
}

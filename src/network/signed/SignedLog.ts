import * as Y from 'yjs'
import type { SignedLogStore } from '../../storage/localCopy'
import { decodeSignedSync } from './signedSyncMessage'

/** A reader asks a writer for a signed snapshot once its log holds this many updates. */
export const LOG_COMPACT_ENTRIES = 512

/** A snapshot asked of a writer that has not answered within this long is asked again (of any writer). */
export const SNAPSHOT_WAIT_MS = 30_000

/** A changed log is stored at most this often (a whole compacted snapshot may be rewritten). */
export const LOG_SAVE_MS = 1_000

/** Where the log is kept, and how a stored message is checked again when it is loaded. */
export interface SignedLogKeeping {
  readonly store: SignedLogStore
  /** Whether a stored message is a valid signed update of this room (stored bytes are not trusted). */
  readonly verify: (data: Uint8Array) => Promise<boolean>
}

/**
 * A reader's verified `update` messages, signatures included: what it serves to a newcomer, who
 * checks them as it checks any writer's. It is responsible for keeping every message that changed
 * the reader's copy, in order, and for compacting them onto a writer's signed snapshot (asked for
 * once the log passes {@link LOG_COMPACT_ENTRIES}); with a store, for loading what it stored
 * (verified again; put before what arrived meanwhile) and storing it again after changes, at
 * most every {@link LOG_SAVE_MS} and on `clear()`, never before the stored log was loaded.
 * It holds only verified messages; it sends nothing.
 */
export class SignedLog {
  private entries: Uint8Array[] = []
  /** The link a snapshot was asked of, until it answered. */
  private snapshotFrom: string | null = null
  private snapshotAskedAt = 0
  private loaded = false
  private dirty = false
  private saveTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false

  constructor(private readonly keeping: SignedLogKeeping | null = null) {
    if (keeping === null) return
    void keeping.store
      .load()
      .then(async (stored) => {
        const valid = await Promise.all(stored.map((data) => keeping.verify(data).catch(() => false)))
        if (this.closed) return
        this.entries = [...stored.filter((_, i) => valid[i]), ...this.entries]
      })
      .catch(() => {})
      .finally(() => {
        this.loaded = true
        if (this.dirty) this.scheduleSave()
      })
  }

  /** The messages to serve, oldest first. */
  get messages(): readonly Uint8Array[] {
    return this.entries
  }

  /** Whether a message from `from` is kept even if it changed nothing: the snapshot asked of it. */
  awaits(from: string): boolean {
    return this.snapshotFrom === from
  }

  /** Whether the log wants a writer's snapshot now (see {@link snapshotAsked}). */
  get wantsSnapshot(): boolean {
    if (this.entries.length <= LOG_COMPACT_ENTRIES) return false
    return this.snapshotFrom === null || performance.now() - this.snapshotAskedAt > SNAPSHOT_WAIT_MS
  }

  /** A snapshot was asked of link `from`. */
  snapshotAsked(from: string): void {
    this.snapshotFrom = from
    this.snapshotAskedAt = performance.now()
  }

  /** Link `from` is gone: a snapshot asked of it is asked of another writer with the next update. */
  linkGone(from: string): void {
    if (this.snapshotFrom === from) this.snapshotFrom = null
  }

  /** Adds a verified message received from link `from` (the snapshot, if it is that link's). */
  add(from: string, data: Uint8Array): void {
    this.entries.push(data)
    if (this.snapshotFrom === from) this.compactOnto(data)
    this.dirty = true
    this.scheduleSave()
  }

  private scheduleSave(): void {
    if (this.keeping === null || !this.loaded || this.saveTimer !== null || this.closed) return
    this.saveTimer = setTimeout(() => this.save(), LOG_SAVE_MS)
  }

  private save(): void {
    this.saveTimer = null
    if (this.keeping === null || !this.dirty) return
    this.dirty = false
    // A failed write leaves the stored log older, not wrong: it is saved again on the next change.
    void this.keeping.store.save(this.entries).catch(() => void (this.dirty = true))
  }

  /**
   * Drops every message that `base` (a verified update) already covers: applied after it to a
   * scratch document, it changes nothing. The writer's snapshot answer compacts the log to about
   * one entry; live updates arriving meanwhile are kept as they are.
   */
  private compactOnto(base: Uint8Array): void {
    const scratch = new Y.Doc()
    const updateOf = (data: Uint8Array): Uint8Array => (decodeSignedSync(data) as { update: Uint8Array }).update
    /** Whether applying `data` to the scratch document changes it (or leaves something pending). */
    const adds = (data: Uint8Array): boolean => {
      let changed = false
      const onUpdate = (): void => void (changed = true)
      scratch.on('update', onUpdate)
      Y.applyUpdate(scratch, updateOf(data))
      scratch.off('update', onUpdate)
      return changed || scratch.store.pendingStructs !== null || scratch.store.pendingDs !== null
    }
    adds(base)
    const kept = [base]
    for (const data of this.entries) if (data !== base && adds(data)) kept.push(data)
    scratch.destroy()
    this.entries = kept
    this.snapshotFrom = null
  }

  /** Stores what changed (if anything is pending, and the stored log was loaded), then forgets every message. */
  clear(): void {
    if (this.closed) return
    this.closed = true
    if (this.saveTimer !== null) clearTimeout(this.saveTimer)
    if (this.loaded) this.save()
    this.entries = []
    this.snapshotFrom = null
  }
}

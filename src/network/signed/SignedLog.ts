import * as Y from 'yjs'
import { decodeSignedSync } from './signedSyncMessage'

/** A reader asks a writer for a signed snapshot once its log holds this many updates. */
export const LOG_COMPACT_ENTRIES = 512

/**
 * A reader's verified `update` messages, signatures included: what it serves to a newcomer, who
 * checks them as it checks any writer's. It is responsible for keeping every message that changed
 * the reader's copy, in order, and for compacting them onto a writer's signed snapshot (asked for
 * once the log passes {@link LOG_COMPACT_ENTRIES}). It holds only verified messages; it neither
 * verifies nor sends.
 */
export class SignedLog {
  private entries: Uint8Array[] = []
  /** The link a snapshot was asked of, until it answered. */
  private snapshotFrom: string | null = null

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
    return this.snapshotFrom === null && this.entries.length > LOG_COMPACT_ENTRIES
  }

  /** A snapshot was asked of link `from`. */
  snapshotAsked(from: string): void {
    this.snapshotFrom = from
  }

  /** Adds a verified message received from link `from` (the snapshot, if it is that link's). */
  add(from: string, data: Uint8Array): void {
    this.entries.push(data)
    if (this.snapshotFrom === from) this.compactOnto(data)
  }

  /** Replaces the log with `messages` (verified, oldest first): what a stored copy held. */
  restore(messages: readonly Uint8Array[]): void {
    this.entries = [...messages]
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
    if (this.entries.length <= LOG_COMPACT_ENTRIES / 2) this.snapshotFrom = null
  }

  /** Forgets every message. */
  clear(): void {
    this.entries = []
    this.snapshotFrom = null
  }
}

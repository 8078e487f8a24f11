import type * as Y from 'yjs'

/**
 * This device's copy of a document, as a person reads it.
 * - `loading`: the stored document is being read.
 * - `saving`: an edit is not yet durably written.
 * - `saved`: the stored copy holds every edit this copy has seen.
 * - `error`: a write failed (`error` says why); edits stay in memory and with peers, and the whole
 *   document is written again later.
 */
export type StorageState = 'loading' | 'saving' | 'saved' | 'error'

/**
 * The local copy of one document: IndexedDB in a browser, LevelDB in Node, memory in tests. It is
 * responsible for loading what was stored into the doc, writing every later update, and telling
 * honestly whether the latest edit is written; it does not own the doc.
 */
export interface LocalCopy {
  /** Resolves once the stored copy (if any) is in the doc; never rejects. */
  readonly whenLoaded: Promise<void>
  readonly state: StorageState
  /** Why the last write failed, while `state` is `error`. */
  readonly error: string | null
  /** Calls `listener` after every change of `state` or `error`; returns the unsubscribe function. */
  onChange(listener: () => void): () => void
  /**
   * Resolves once every update applied to the doc so far is durably written; rejects with the
   * reason when writing fails or the copy is destroyed first.
   */
  whenSaved(): Promise<void>
  /** Idempotent. Writes what is pending, stops observing the doc, and closes the storage. */
  destroy(): Promise<void>
  /** Where a reader of a v2 room keeps its signed updates beside the document; absent: kept in memory only. */
  readonly signedLog?: SignedLogStore
}

/**
 * A reader's signed update messages (see `SignedLog`), stored with its copy of the document so
 * that after a reload it can serve newcomers before any writer is there. The messages are a
 * peer's bytes: whoever loads them verifies them again.
 */
export interface SignedLogStore {
  /** The stored messages, oldest first; [] when none are stored. */
  load(): Promise<Uint8Array[]>
  /** Replaces the stored messages; resolves once written. */
  save(messages: readonly Uint8Array[]): Promise<void>
}

/** Opens the local copy of the room `topic` into `doc` (a name derived from the topic, never the secret). */
export type OpenLocalCopy = (topic: string, doc: Y.Doc) => LocalCopy

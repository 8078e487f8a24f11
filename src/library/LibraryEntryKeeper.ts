import type * as Y from 'yjs'
import { docText, hasContent, readDocMeta } from '../document/docMeta'
import type { DocumentLibrary } from './DocumentLibrary'

/** Edits within this window are recorded in one write. */
export const RECORD_DEBOUNCE_MS = 1_000

/**
 * Keeps one open document's entry in the {@link DocumentLibrary} up to date: title, language and
 * length, when this copy last changed (here or by a peer), and when a peer was last connected.
 * A document is listed once it holds anything; a new room nobody typed in is not.
 *
 * It is responsible for its `update` observer and its timer; it does not own the document or the
 * library. Writes are debounced; `flush()` writes now. A failed write is logged and retried with
 * the next change: the list is an index, the document itself is stored by the session.
 */
export class LibraryEntryKeeper {
  private loaded = false
  private listed = false
  private peers = 0
  private editedAt: number | null = null
  private peerSeenAt: number | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private destroyed = false
  private readonly stopWatchingLibrary: () => void

  constructor(
    private readonly room: { readonly secret: string; readonly topic: string; readonly doc: Y.Doc },
    private readonly library: DocumentLibrary,
  ) {
    room.doc.on('update', this.handleUpdate)
    // A deletion (in any tab) must not be undone by this page's last pending write.
    this.stopWatchingLibrary = library.onChange((change) => {
      if (change.topic === room.topic && change.kind !== 'recorded') this.destroy(false)
    })
  }

  /** The stored copy is in the document: changes from now on are edits. */
  markLoaded(): void {
    if (this.destroyed || this.loaded) return
    this.loaded = true
    this.library.get(this.room.topic).then(
      (entry) => {
        if (entry !== undefined) this.listed = true
        // Refreshes the entry of a document stored before it was listed, or renamed by a peer.
        if (!this.destroyed) this.schedule()
      },
      (error: unknown) => console.warn('Meshpad: cannot read the document list', error),
    )
  }

  /** The number of peers connected now. */
  setPeers(peers: number): void {
    if (this.destroyed || peers === this.peers) return
    const wasConnected = this.peers > 0
    this.peers = peers
    if (peers > 0 || wasConnected) {
      this.peerSeenAt = Date.now()
      this.schedule()
    }
  }

  private readonly handleUpdate = (): void => {
    if (!this.loaded) return
    this.editedAt = Date.now()
    this.schedule()
  }

  private schedule(): void {
    if (this.timer !== null || this.destroyed) return
    this.timer = setTimeout(() => this.flush(), RECORD_DEBOUNCE_MS)
  }

  /** Writes what changed since the last write, if the document is (or now deserves to be) listed. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (!this.loaded || this.destroyed) return
    const { doc, topic, secret } = this.room
    if (!this.listed && !hasContent(doc)) return
    const meta = readDocMeta(doc)
    const now = Date.now()
    this.listed = true
    this.library
      .record({
        topic,
        secret,
        title: meta.title,
        language: meta.language,
        length: docText(doc).length,
        ...(this.editedAt !== null && { lastEditedAt: this.editedAt }),
        ...((this.peers > 0 || this.peerSeenAt !== null) && { lastPeerSeenAt: this.peers > 0 ? now : this.peerSeenAt }),
      })
      .catch((error: unknown) => console.warn('Meshpad: cannot update the document list', error))
  }

  /**
   * Idempotent: writes what is pending (unless `flush` is false), then stops observing. Call
   * before the doc is destroyed.
   */
  destroy(flush = true): void {
    if (this.destroyed) return
    if (flush && this.timer !== null) this.flush()
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.destroyed = true
    this.room.doc.off('update', this.handleUpdate)
    this.stopWatchingLibrary()
  }
}

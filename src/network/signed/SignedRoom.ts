import * as Y from 'yjs'
import type { SignedLogStore } from '../../storage/localCopy'
import { commentVerifyKey, type CommentKeys } from './commentVerifyKey'
import { SignedDocSync } from './SignedDocSync'
import { isStateRequest } from './signedSyncMessage'

/** The link id of the other tabs of this browser (one BroadcastChannel, see {@link SignedRoom}). */
export const TABS_LINK = 'tabs'

/** What a v2 room's peers sign and verify with (see `roomSigning`). */
export interface SignedRoomKeys {
  readonly verifyKey: Promise<CryptoKey>
  /** Null for a reader. */
  readonly signingKey: Promise<CryptoKey> | null
  /** The seed `signingKey` comes from: own updates are then signed synchronously (see `UpdateSigner`). */
  readonly signingSeed?: Uint8Array | null
  /** Where a reader keeps its signed log (see `SignedDocSync`). */
  readonly logStore?: SignedLogStore
  /** The comment key pair, for the edit and comment links; a reader learns the public key from the document. */
  readonly commentSigning?: CommentKeys | null
}

export interface SignedRoomOptions {
  readonly topic: string
  /** The document that verified updates go into. */
  readonly doc: Y.Doc
  readonly keys: SignedRoomKeys
  /** The awareness's client id: y-webrtc reads its own presence entry under its doc's client id. */
  readonly clientID: number
  /** For a verified update received from one link (a peer id, or the tabs): whether it goes on to another. */
  readonly relayFrom: (from: string, update: Uint8Array) => (to: string) => boolean
  readonly onChange: () => void
  /** This peer's own updates queued so far are sent (see `SignedDocSync.signingOwn`). */
  readonly onOwnSent: () => void
}

/**
 * The document side of a v2 room's network: a {@link SignedDocSync}, fed by the message layer for
 * each WebRTC link, and by the other tabs of this browser (a BroadcastChannel of its own).
 * y-webrtc is given `shadowDoc`, an empty document: nothing reaches it from a data channel (the
 * message layer reads those), so it never carries the document itself and nothing unsigned
 * reaches the doc on any path.
 *
 * It is responsible for its tabs channel and closes it on `destroy()`.
 *
 * Until another tab has spoken on the channel, only this tab's hello (its `state` request) goes
 * out: posting every keystroke to a channel nobody listens on costs the main thread a structured
 * clone and a message to the browser process, in the keystroke's task. A tab that opens says
 * hello; a tab that first hears another says hello back, so each answers what the other lacks
 * (edits made before they met included), and from then on every update goes to the tabs too,
 * after the remote peers.
 *
 * Tab traffic is not encrypted as y-webrtc's BroadcastChannel traffic is: only pages of this
 * origin can listen, and those can read the IndexedDB copy anyway. It is signed like the rest, so
 * a tampered tab cannot write into another tab's document.
 */
export class SignedRoom {
  /** y-webrtc's document in a v2 room: empty, never written. */
  readonly shadowDoc = new Y.Doc()
  readonly sync: SignedDocSync
  private readonly tabs: BroadcastChannel | null = null
  /** Whether another tab of this browser has spoken on the tabs channel. */
  private tabsHeard = false
  private destroyed = false

  constructor(options: SignedRoomOptions) {
    // Never written, so sharing the client id of the session's doc creates no conflict.
    this.shadowDoc.clientID = options.clientID
    this.sync = new SignedDocSync({
      doc: options.doc,
      topic: options.topic,
      verifyKey: options.keys.verifyKey,
      signingKey: options.keys.signingKey,
      signingSeed: options.keys.signingSeed,
      logStore: options.keys.logStore,
      commentSigningKey: options.keys.signingKey === null ? (options.keys.commentSigning?.privateKey ?? null) : null,
      commentVerifyKey: commentVerifyKey(options.doc, options.keys.commentSigning),
      relayFrom: options.relayFrom,
      onChange: options.onChange,
      onOwnSent: options.onOwnSent,
      warn: (message) => console.warn(message),
    })
    if (typeof BroadcastChannel !== 'undefined') {
      const tabs = new BroadcastChannel(`meshpad/v2/tabs/${options.topic}`)
      // In Node an open channel would keep the process alive.
      ;(tabs as { unref?: () => void }).unref?.()
      tabs.onmessage = (event: MessageEvent) => {
        if (!(event.data instanceof Uint8Array)) return
        if (!this.tabsHeard) {
          this.tabsHeard = true
          this.sync.hello(TABS_LINK)
        }
        this.sync.receive(TABS_LINK, event.data)
      }
      this.tabs = tabs
      const post = (data: Uint8Array): void => {
        if (this.tabsHeard || isStateRequest(data)) tabs.postMessage(data)
      }
      this.sync.addLink(TABS_LINK, post, { last: true })
      this.sync.hello(TABS_LINK)
    }
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.tabs !== null) {
      this.tabs.onmessage = null
      this.tabs.close()
    }
    // The shadow doc is left to y-webrtc, which the network destroys after this.
    this.sync.destroy()
  }
}

import * as Y from 'yjs'
import { tapPeerConnection } from '../chunkingRtc'
import { isLinkUp, type WebrtcConn } from '../PeerLinks'
import type { SignedLogStore } from '../../storage/localCopy'
import { SignedDocSync } from './SignedDocSync'
import { isSignedSyncMessage } from './signedSyncMessage'

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
}

export interface SignedRoomOptions {
  readonly topic: string
  /** The document that verified updates go into. */
  readonly doc: Y.Doc
  readonly keys: SignedRoomKeys
  /** The awareness's client id: y-webrtc reads its own presence entry under its doc's client id. */
  readonly clientID: number
  /** For a verified update received from one link (a peer id, or the tabs): whether it goes on to another. */
  readonly relayFrom: (from: string) => (to: string) => boolean
  readonly onChange: () => void
}

/**
 * The document side of a v2 room's network: a {@link SignedDocSync} over each WebRTC link (its
 * messages taken off the data channel before y-webrtc sees them) and over the other tabs of this
 * browser (a BroadcastChannel of its own). y-webrtc keeps the connections, presence and the mesh,
 * and is given `shadowDoc`, an empty document nobody writes, so it never carries the document
 * itself: nothing unsigned reaches the doc on any path.
 *
 * It is responsible for the listeners and taps it adds to connections and removes them when a
 * connection closes or on `destroy()`.
 *
 * NOTE: tab traffic is not encrypted as y-webrtc's BroadcastChannel traffic is: only pages of this
 * origin can listen, and those can read the IndexedDB copy anyway. It is signed like the rest, so
 * a tampered tab cannot write into another tab's document.
 */
export class SignedRoom {
  /** y-webrtc's document in a v2 room: empty, never written. */
  readonly shadowDoc = new Y.Doc()
  readonly sync: SignedDocSync
  private readonly attached = new Map<
    WebrtcConn,
    { readonly peerId: string; readonly send: (data: Uint8Array) => void; readonly release: () => void; readonly detach: () => void }
  >()
  private readonly tabs: BroadcastChannel | null = null
  private destroyed = false

  constructor(options: SignedRoomOptions) {
    // NOTE: never written, so sharing the client id of the session's doc creates no conflict.
    this.shadowDoc.clientID = options.clientID
    this.sync = new SignedDocSync({
      doc: options.doc,
      topic: options.topic,
      verifyKey: options.keys.verifyKey,
      signingKey: options.keys.signingKey,
      signingSeed: options.keys.signingSeed,
      logStore: options.keys.logStore,
      relayFrom: options.relayFrom,
      onChange: options.onChange,
      onOwnSent: this.releaseHeld,
      warn: (message) => console.warn(message),
    })
    if (typeof BroadcastChannel !== 'undefined') {
      const tabs = new BroadcastChannel(`meshpad/v2/tabs/${options.topic}`)
      // NOTE: in Node an open channel would keep the process alive.
      ;(tabs as { unref?: () => void }).unref?.()
      tabs.onmessage = (event: MessageEvent) => {
        if (event.data instanceof Uint8Array) this.sync.receive(TABS_LINK, event.data)
      }
      this.tabs = tabs
      this.sync.addLink(TABS_LINK, (data) => tabs.postMessage(data))
      this.sync.hello(TABS_LINK)
    }
  }

  /** Runs the signed sync over `conn`, the WebRTC connection to `peerId`; once per connection. */
  attach(peerId: string, conn: WebrtcConn): void {
    const pc = conn.peer._pc
    if (this.destroyed || this.attached.has(conn) || conn.closed || !pc) return
    const { peer } = conn
    // NOTE: y-webrtc sends the typist's new cursor right after the edit, while the edit still
    // waits for its signature; a receiver would apply (and render) the cursor first. Other
    // messages are held until the own signed update is sent, so the edit goes first, as unsigned.
    const nativeSend = peer.send.bind(peer)
    const held: Uint8Array[] = []
    peer.send = (data: Uint8Array) => {
      if (this.sync.signingOwn && !isSignedSyncMessage(data)) held.push(data)
      else nativeSend(data)
    }
    const release = (): void => {
      for (const data of held.splice(0)) nativeSend(data)
    }
    this.sync.addLink(peerId, nativeSend)
    const untap = tapPeerConnection(pc, (data) => this.sync.receive(peerId, data))
    const onConnect = (): void => this.sync.hello(peerId)
    const onClose = (): void => this.detach(conn, peerId)
    peer.on('connect', onConnect)
    peer.on('close', onClose)
    this.attached.set(conn, {
      peerId,
      send: nativeSend,
      release,
      detach: () => {
        peer.send = nativeSend
        release()
        untap()
        peer.removeListener('connect', onConnect)
        peer.removeListener('close', onClose)
      },
    })
    if (conn.connected) this.sync.hello(peerId)
  }

  /** Sends what each connection held back while an own update was being signed. */
  private readonly releaseHeld = (): void => {
    for (const { release } of this.attached.values()) {
      try {
        release()
      } catch {
        // NOTE: a channel closing right now; its peer syncs again when it reconnects.
      }
    }
  }

  private detach(conn: WebrtcConn, peerId: string): void {
    const entry = this.attached.get(conn)
    entry?.detach()
    this.attached.delete(conn)
    // NOTE: a connection replaced in glare closes after its successor attached: keep the successor's link.
    this.sync.removeLink(peerId, entry?.send)
  }

  /** Of `conns` (y-webrtc's, by peer id), how many are up and have sent us what we lacked. */
  syncedAmong(conns: ReadonlyMap<string, WebrtcConn>): number {
    let synced = 0
    conns.forEach((conn, peerId) => {
      if (isLinkUp(conn) && this.sync.isSynced(peerId)) synced++
    })
    return synced
  }

  /** Asks these peers (default: every link, the tabs too) for what this copy lacks (see `RoomGossip`). */
  resync(peerIds?: readonly string[]): void {
    if (this.tabs !== null && peerIds === undefined) this.sync.hello(TABS_LINK)
    for (const [conn, { peerId }] of this.attached) {
      if (conn.connected && (peerIds === undefined || peerIds.includes(peerId))) this.sync.hello(peerId)
    }
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const { detach } of this.attached.values()) detach()
    this.attached.clear()
    if (this.tabs !== null) {
      this.tabs.onmessage = null
      this.tabs.close()
    }
    // NOTE: the shadow doc is left to y-webrtc, which the network destroys after this.
    this.sync.destroy()
  }
}

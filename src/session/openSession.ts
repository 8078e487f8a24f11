import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import type { WebrtcProvider } from 'y-webrtc'
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness'
import { chunkingRtc } from '../network/chunkingRtc'
import { docMetaMap, docText, ensureSchemaVersion } from '../document/docMeta'
import { LibraryEntryKeeper } from '../library/LibraryEntryKeeper'
import type { DocumentLibrary } from '../library/DocumentLibrary'
import { LocalSaveTracker } from '../storage/IndexeddbCopy'
import { MeshRelay } from '../network/MeshRelay'
import { roomDatabaseName, roomTopic } from '../room/roomTopic'
import { isSyncStep2, syncStep1Message } from '../network/syncMessage'
import {
  INITIAL_STATUS,
  sameStatus,
  signalingState,
  type SessionStatus,
  type SignalingConnState,
} from './sessionStatus'
import type { UserIdentity } from '../presence/userIdentity'

export interface SessionOptions {
  /** Signaling server URLs; see `signalingUrls()`. */
  readonly signaling: readonly string[]
  /** ICE servers for WebRTC. Default: none (peers on one network, or with public addresses). */
  readonly iceServers?: readonly RTCIceServer[]
  readonly user: UserIdentity
  /** Where to list the document once it holds anything (see `LibraryEntryKeeper`). */
  readonly library?: DocumentLibrary
}

/** What a test or a curious person can read off a live session (`window.meshpad.debug()`). */
export interface SessionDebugInfo {
  readonly topic: string
  readonly peerId: string | null
  /** WebRTC peers with an open data channel. */
  readonly webrtcConnected: number
  /** WebRTC peers known, connected or not. */
  readonly webrtcKnown: number
  readonly bcPeers: number
  readonly signalingConnected: number
  /** `performance.now()` when the first WebRTC data channel opened, or null. */
  readonly firstPeerAt: number | null
}

/**
 * One open room: its document, its providers and the presence of the people in it. It is
 * responsible for every listener, timer and connection it starts, and removes them all in
 * `destroy()`; it knows nothing of React or the DOM.
 */
export interface Session {
  readonly secret: string
  readonly topic: string
  readonly doc: Y.Doc
  readonly text: Y.Text
  readonly meta: Y.Map<unknown>
  readonly awareness: Awareness
  /**
   * Resolves once the copy stored in this browser (if any) is in `doc`; a new room resolves as
   * soon as its empty database is open. Never resolves for a session destroyed before that.
   */
  readonly whenLocalLoaded: Promise<void>
  readonly status: SessionStatus
  /** Calls `listener` after every status change; returns the unsubscribe function. */
  onStatus(listener: () => void): () => void
  setUser(user: UserIdentity): void
  debug(): SessionDebugInfo
  /** Idempotent. Disconnects, stops storing, and leaves the room's presence. */
  destroy(): void
}

/**
 * Whether a WebRTC connection carries data now: its data channel is open and ICE has not reported
 * the link down. NOTE: after a peer dies, ICE says `disconnected` within about 5 s, while the data
 * channel closes only after SCTP gives up (about 15 s more).
 */
function isLinkUp(conn: { connected: boolean; peer: { _pc?: RTCPeerConnection | null } }): boolean {
  const ice = conn.peer._pc?.iceConnectionState
  return conn.connected && ice !== 'disconnected' && ice !== 'failed'
}

type WebrtcConn = NonNullable<WebrtcProvider['room']>['webrtcConns'] extends Map<string, infer C> ? C : never

/** Connections that carry data now, and how many of them finished their sync exchange. */
function countLinks(provider: WebrtcProvider | null, synced: WeakSet<WebrtcConn>): { up: number; synced: number } {
  let up = 0
  let done = 0
  provider?.room?.webrtcConns.forEach((conn) => {
    if (!isLinkUp(conn)) return
    up++
    if (synced.has(conn)) done++
  })
  return { up, synced: done }
}

/** Peer ids this page reaches directly: WebRTC links that are up, and tabs over BroadcastChannel. */
function directLinks(provider: WebrtcProvider | null): string[] {
  const room = provider?.room
  if (!room) return []
  const links = [...room.bcConns]
  room.webrtcConns.forEach((conn, peerId) => {
    if (isLinkUp(conn)) links.push(peerId)
  })
  return links.sort()
}

/** How often the signaling state is re-derived while no server is connected. */
export const SIGNALING_POLL_MS = 500

/**
 * Rooms whose provider is being destroyed. y-webrtc allows one provider per room name per page
 * and releases the name only after its (asynchronous) key derivation, so a new session for the
 * same room waits for the old one to let go.
 */
const releasing = new Map<string, Promise<void>>()

/** Rooms with a session open in this page, and the promise that resolves once it is destroyed. */
const openRooms = new Map<string, Promise<void>>()

/**
 * Resolves once no session of `topic` is open in this page: at once if none is, else when it is
 * destroyed. Deleting a room's stored copy waits for this.
 */
export function whenRoomClosed(topic: string): Promise<void> {
  return openRooms.get(topic) ?? Promise.resolve()
}

/**
 * Opens the room of `secret`: the document loads from IndexedDB while y-webrtc connects with the
 * secret as its password (signaling payloads and BroadcastChannel traffic are AES-GCM encrypted;
 * only the topic is visible). Stored text appears as soon as it is read, whether or not any peer
 * is there; what peers send merges with it.
 */
export function openSession(secret: string, options: SessionOptions): Session {
  const topic = roomTopic(secret)
  const doc = new Y.Doc()
  const text = docText(doc)
  const meta = docMetaMap(doc)
  const awareness = new Awareness(doc)
  awareness.setLocalStateField('user', options.user)

  const listeners = new Set<() => void>()
  let status: SessionStatus = INITIAL_STATUS
  let destroyed = false
  let provider: WebrtcProvider | null = null
  let everConnected = false
  let pollTimer: ReturnType<typeof setInterval> | null = null
  let firstPeerAt: number | null = null
  /** Connections whose peer sent its sync step 2 (see `isSyncStep2`). */
  const syncedConns = new WeakSet<WebrtcConn>()

  const update = (patch: Partial<SessionStatus>): void => {
    const next = { ...status, ...patch }
    if (sameStatus(next, status)) return
    status = next
    for (const listener of listeners) listener()
  }

  /**
   * NOTE: y-webrtc forwards every update a peer sends to all other peers, so in a full mesh an
   * edit costs n·(n − 1) messages instead of n − 1. Each person's awareness carries the peer ids
   * they reach directly (`links`), and updates are forwarded only while the mesh is not known to
   * be full (see MeshRelay).
   */
  let publishedLinks: string | null = null
  const relay = new MeshRelay({
    self: () => (provider?.room ? { peerId: provider.room.peerId, links: directLinks(provider) } : null),
    states: () => awareness.getStates().values(),
    resync: () => {
      const message = syncStep1Message(doc)
      provider?.room?.webrtcConns.forEach((conn) => {
        if (!conn.connected) return
        try {
          conn.peer.send(message)
        } catch {
          // NOTE: a channel closing right now; its peer syncs again when it reconnects.
        }
      })
    },
  })
  const refreshRelay = (): void => relay.refresh()
  awareness.on('change', refreshRelay)
  const publishLinks = (): void => {
    if (!provider?.room) return
    const links = directLinks(provider)
    if (links.join() === publishedLinks) return
    publishedLinks = links.join()
    awareness.setLocalStateField('links', links)
  }

  let markClosed = (): void => {}
  const closed = new Promise<void>((resolve) => (markClosed = resolve))
  openRooms.set(topic, closed)

  const recorder = options.library ? new LibraryEntryKeeper({ secret, topic, doc }, options.library) : null
  const persistence = new IndexeddbPersistence(roomDatabaseName(topic), doc)
  const saves = new LocalSaveTracker(doc, persistence, (storage, storageError) => update({ storage, storageError }))

  const refreshConnections = (): void => {
    // NOTE: peers close after `destroy()` (y-webrtc tears the room down asynchronously).
    if (destroyed || provider === null) return
    const conns = provider.signalingConns as unknown as SignalingConnState[]
    if (conns.some((conn) => conn.connected)) everConnected = true
    const links = countLinks(provider, syncedConns)
    const peers = links.up
    if (peers > 0 && firstPeerAt === null) firstPeerAt = performance.now()
    const signaling = signalingState(conns, everConnected)
    publishLinks()
    relay.refresh()
    update({ signaling, peers, syncedPeers: links.synced, tabs: provider.room?.bcConns.size ?? 0 })
    recorder?.setPeers(peers)
    // Failed attempts emit nothing; poll only while no server is connected.
    if (signaling !== 'connected' && pollTimer === null) {
      pollTimer = setInterval(refreshConnections, SIGNALING_POLL_MS)
    } else if (signaling === 'connected' && pollTimer !== null) {
      clearInterval(pollTimer)
      pollTimer = null
    }
  }

  /**
   * NOTE: a peer that closes its tab removes its own presence (y-webrtc's `beforeunload`, and our
   * `pagehide`); one whose browser dies or loses its network would linger for awareness's 30 s
   * timeout. Each person's awareness carries their y-webrtc peer id, so their presence goes as
   * soon as the data channel closes or ICE reports the link down (about 5 s without consent
   * answers). Someone still reachable, through another peer in a partial mesh or after ICE
   * recovers, reappears with their next awareness update (at most 15 s).
   */
  const forgetPresence = (peerIds: readonly string[]): void => {
    const gone: number[] = []
    awareness.getStates().forEach((state, clientId) => {
      if (clientId !== doc.clientID && peerIds.includes(state.peerId as string)) gone.push(clientId)
    })
    if (gone.length > 0) removeAwarenessStates(awareness, gone, 'peer left')
  }

  /**
   * NOTE: y-webrtc emits `peers` when a connection is created, not when its data channel opens;
   * simple-peer's own `connect`/`close`/`iceStateChange` tell when it is really up. A peer id is
   * `added` once per connection object (y-webrtc creates a new one only after the old one closed).
   */
  const handlePeers = ({ added, removed }: { added: string[]; removed: string[] }): void => {
    for (const peerId of added) {
      const conn = provider?.room?.webrtcConns.get(peerId)
      if (conn === undefined) continue // a BroadcastChannel peer
      conn.peer.on('connect', refreshConnections)
      conn.peer.on('close', refreshConnections)
      // NOTE: registered after y-webrtc's own `data` listener, so the answer is applied by now.
      conn.peer.on('data', (data: Uint8Array) => {
        if (syncedConns.has(conn) || !isSyncStep2(data)) return
        syncedConns.add(conn)
        refreshConnections()
      })
      conn.peer.on('iceStateChange', (state: RTCIceConnectionState) => {
        if (state === 'disconnected' || state === 'failed') forgetPresence([peerId])
        refreshConnections()
      })
    }
    if (removed.length > 0) forgetPresence(removed)
    refreshConnections()
  }

  /** Leaves the room's presence when the page goes away, where `beforeunload` may not fire. */
  const handlePageHide = (): void => {
    removeAwarenessStates(awareness, [doc.clientID], 'page hide')
    recorder?.flush()
  }
  const handlePageShow = (event: PageTransitionEvent): void => {
    if (event.persisted && !destroyed) {
      awareness.setLocalState({ user: currentUser, peerId: provider?.room?.peerId, links: directLinks(provider) })
    }
  }
  let currentUser = options.user
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', handlePageHide)
    window.addEventListener('pageshow', handlePageShow)
  }

  const connect = (Provider: typeof WebrtcProvider): void => {
    const webrtc = new Provider(topic, doc, {
      signaling: [...options.signaling],
      password: secret,
      awareness,
      // NOTE: data channels drop messages above their size limit (256 KiB in Chromium), which a
      // large document's sync exceeds; chunkingRtc frames them.
      peerOpts: { config: { iceServers: [...(options.iceServers ?? [])] }, wrtc: chunkingRtc() ?? undefined },
      shouldRelay: relay.shouldRelay,
    })
    provider = webrtc
    webrtc.on('peers', handlePeers)
    webrtc.on('synced', refreshConnections)
    for (const conn of webrtc.signalingConns) {
      conn.on('connect', refreshConnections)
      conn.on('disconnect', refreshConnections)
    }
    void webrtc.key.then(() => {
      if (destroyed || webrtc.room === null) return
      awareness.setLocalStateField('peerId', webrtc.room.peerId)
      refreshConnections()
    })
    refreshConnections()
  }

  const whenLocalLoaded = persistence.whenSynced.then(() => {
    if (destroyed) return
    ensureSchemaVersion(doc)
    recorder?.markLoaded()
  })
  /**
   * NOTE: the network starts while IndexedDB loads: a joining peer meets the room sooner (opening a
   * browser's first database alone takes a few hundred ms). Whatever is stored arrives in the doc
   * as an update, which y-webrtc sends to the peers already connected. y-webrtc and simple-peer
   * are a chunk of their own, fetched meanwhile, so the first render does not wait for them.
   */
  void Promise.all([import('y-webrtc'), releasing.get(topic)]).then(
    ([{ WebrtcProvider: Provider }]) => {
      if (!destroyed) connect(Provider)
    },
    (error: unknown) => {
      // A chunk that cannot load (offline after a deploy): edit and store locally, say so.
      console.error('[meshpad] cannot load the WebRTC provider; this page stays offline', error)
      if (!destroyed) update({ signaling: 'unreachable' })
    },
  )

  const destroy = (): void => {
    if (destroyed) return
    destroyed = true
    listeners.clear()
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', handlePageHide)
      window.removeEventListener('pageshow', handlePageShow)
    }
    if (pollTimer !== null) clearInterval(pollTimer)
    awareness.off('change', refreshRelay)
    recorder?.destroy()
    saves.destroy()
    if (provider !== null) {
      const webrtc = provider
      webrtc.off('peers', handlePeers)
      webrtc.off('synced', refreshConnections)
      for (const conn of webrtc.signalingConns) {
        conn.off('connect', refreshConnections)
        conn.off('disconnect', refreshConnections)
      }
      // NOTE: `destroy()` alone leaves the provider registered with its signaling connections,
      // which then stay open; `disconnect()` releases them.
      webrtc.disconnect()
      webrtc.destroy()
      // NOTE: y-webrtc releases the room name in a `key.then` registered by `destroy()`; this one
      // runs after it.
      const released = Promise.resolve(webrtc.key).then(() => {
        if (releasing.get(topic) === released) releasing.delete(topic)
      })
      releasing.set(topic, released)
    }
    awareness.destroy()
    void persistence.destroy()
    doc.destroy()
    if (openRooms.get(topic) === closed) openRooms.delete(topic)
    markClosed()
  }

  return {
    secret,
    topic,
    doc,
    text,
    meta,
    awareness,
    whenLocalLoaded,
    get status() {
      return status
    },
    onStatus(listener) {
      if (destroyed) return () => {}
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    setUser(user) {
      currentUser = user
      if (!destroyed) awareness.setLocalStateField('user', user)
    },
    debug() {
      const room = provider?.room ?? null
      return {
        topic,
        peerId: room?.peerId ?? null,
        webrtcConnected: countLinks(provider, syncedConns).up,
        webrtcKnown: room?.webrtcConns.size ?? 0,
        bcPeers: room?.bcConns.size ?? 0,
        signalingConnected: provider?.signalingConns.filter((conn) => conn.connected).length ?? 0,
        firstPeerAt,
      }
    },
    destroy,
  }
}

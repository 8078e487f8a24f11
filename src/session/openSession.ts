import * as Y from 'yjs'
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness'
import { publishCommentKey } from '../document/comments/commentRecords'
import { docMetaMap, docText, ensureSchemaVersion } from '../document/docMeta'
import { authorsSinceLastVersion } from '../document/history/authorsSinceLastVersion'
import { AutoVersioner } from '../document/history/autoVersioner'
import type { DocumentLibrary } from '../library/DocumentLibrary'
import { LibraryEntryKeeper } from '../library/LibraryEntryKeeper'
import type { WebrtcImplementation } from '../network/chunkingRtc'
import type { RelayRule } from '../network/gossip/relayRule'
import type { IceServerSource } from '../network/iceServers'
import type { PeerPathInfo } from '../network/readPeerPath'
import { RoomNetwork, type AnnouncedAhead, type NetworkDebugInfo } from '../network/RoomNetwork'
import { AlwaysOnClaims } from '../presence/AlwaysOnClaims'
import { forgetPeers } from '../presence/forgetPeers'
import { guardPresence } from '../presence/guardPresence'
import type { UserIdentity } from '../presence/userIdentity'
import { accessPassword, accessTopic, parseRoomAccess, isDamagedV2Link } from '../room/roomAccess'
import { toBase64Url } from '../room/base64Url'
import { roomSigning } from '../room/roomSigning'
import type { OpenLocalCopy } from '../storage/localCopy'
import type { PageLifecycle } from './pageLifecycle'
import type { DeviceIdentity } from '../presence/storedDeviceIdentity'
import { DEVICE_FIELD } from '../removal/devicePresence'
import type { FollowedMoves } from '../removal/RoomMover'
import { sessionRemoval, type SessionRemoval } from '../removal/sessionRemoval'
import { readerCopy } from './readerCopy'
import { INITIAL_STATUS, sameStatus, type SessionStatus } from './sessionStatus'

export interface SessionOptions {
  /** Signaling server URLs; see `signalingUrls()`. */
  readonly signaling: readonly string[]
  /** ICE servers for WebRTC. Default: none (peers on one network, or with public addresses). */
  readonly iceServers?: readonly RTCIceServer[]
  /** ICE servers that arrive and change while the session runs (the page's `/ice-servers`); wins over `iceServers`. */
  readonly iceServerSource?: IceServerSource
  /** y-webrtc's `maxConns` (tests: a partial mesh with few peers); default y-webrtc's own. */
  readonly maxConns?: number
  /** The relay rule past a full mesh, read at every update (tests and benchmarks only, see `relayRule.ts`); default `weighted`. */
  readonly relayRule?: () => RelayRule
  readonly user: UserIdentity
  /** The local copy: IndexedDB in a browser, LevelDB in Node, memory in tests. */
  readonly storage: OpenLocalCopy
  /** The WebRTC classes (the chunking transport over the platform's); null: no WebRTC. */
  readonly rtc: WebrtcImplementation | null
  /** The page's lifecycle, where there is a page. */
  readonly lifecycle?: PageLifecycle
  /** Where to list the document once it holds anything (see `LibraryEntryKeeper`). */
  readonly library?: DocumentLibrary
  /** The room's encryption key, derived ahead from this session's secret (see `RoomNetworkOptions.encryptionKey`). */
  readonly encryptionKey?: PromiseLike<CryptoKey | null>
  /** This peer's announce in the room, made ahead (see `RoomNetworkOptions.announcedAhead`). */
  readonly announcedAhead?: AnnouncedAhead
  /** This device's keys (see `storedDeviceIdentity`): without them a v2 room can neither remove people nor follow a removal. */
  readonly device?: Promise<DeviceIdentity>
  /** Where this device remembers which move it followed out of a room (see `FollowedMoves`). */
  readonly followedMoves?: FollowedMoves
}

/** What a test or a curious person can read off a live session (`window.meshpad.session.debug()`). */
export interface SessionDebugInfo extends NetworkDebugInfo {
  readonly topic: string
}

/** What this session's link allows (see `RoomAccess`). */
export interface SessionAccess {
  /** 1: a plain `#SECRET` link (edits, nothing signed); 2: a signed room's edit or read-only link. */
  readonly version: 1 | 2
  readonly canEdit: boolean
  /** Whether this link may add comments: the edit link (any version) and a v2 comment link. */
  readonly canComment: boolean
  /** A v2 room's read-only link fragment (without `#`); null in a v1 room. */
  readonly readFragment: Promise<string> | null
  /** A v2 room's comment link fragment (without `#`): only the edit link can make it; null otherwise. */
  readonly commentFragment: Promise<string> | null
}

/**
 * One open room: its document, its local copy, its network and the presence of the people in it.
 * It is responsible for every listener, timer and connection it starts, and removes them all in
 * `destroy()`; it knows nothing of React or the DOM, and runs in a browser and in Node alike.
 */
export interface Session {
  readonly secret: string
  readonly topic: string
  readonly access: SessionAccess
  readonly doc: Y.Doc
  readonly text: Y.Text
  readonly meta: Y.Map<unknown>
  /**
   * The document comment records are written to (see `appendCommentRecord`): `doc` itself, or a
   * reader's or commenter's verified copy, whose updates are stored, signed and sent. Read them
   * from `doc`, which shows the same records.
   */
  readonly commentDoc: Y.Doc
  readonly awareness: Awareness
  /** Which presence states are always-on peers to believe, and this peer's own claim (see `AlwaysOnClaims`). */
  readonly alwaysOn: AlwaysOnClaims
  /** Removing people, and following a removal: a v2 room on a device with keys; null otherwise. */
  readonly removal: SessionRemoval | null
  /**
   * Resolves once the stored copy (if any) is in `doc`; a new room resolves as soon as its empty
   * storage is open; a session destroyed before that resolves it without loading.
   */
  readonly whenLocalLoaded: Promise<void>
  /** Resolves once the session is destroyed and its local copy closed. */
  readonly closed: Promise<void>
  readonly status: SessionStatus
  /** Calls `listener` after every status change; returns the unsubscribe function. */
  onStatus(listener: () => void): () => void
  setUser(user: UserIdentity): void
  /** How this page reaches each peer it tried, by the y-webrtc `peerId` presence carries (see `readPeerPath.ts`). */
  peerPaths(): ReadonlyMap<string, PeerPathInfo>
  debug(): SessionDebugInfo
  /** Idempotent. Disconnects, writes what is pending, and leaves the room's presence. */
  destroy(): void
}

/**
 * Opens the room of `secret`: the document loads from the local copy while the network connects
 * with the secret as its password (signaling payloads and BroadcastChannel traffic are AES-GCM
 * encrypted; only the topic is visible). Stored text appears as soon as it is read, whether or
 * not any peer is there; what peers send merges with it.
 *
 * The network starts while the local copy loads: a joining peer meets the room sooner
 * (opening a browser's first database alone takes a few hundred ms). Whatever is stored arrives
 * in the doc as an update, which y-webrtc sends to the peers already connected.
 */
export function openSession(secret: string, options: SessionOptions): Session {
  // v2 links derive topic, password and signing keys; a reader stores and
  // serves a verified copy of its own (see readerCopy).
  // Thrown before anything opens: a damaged v2 link must not become a v1 room (see Workspace).
  if (isDamagedV2Link(secret)) throw new Error('this read-only or edit link is damaged (see roomLinkProblem): nothing was opened')
  const access = parseRoomAccess(secret)
  const signing = roomSigning(access)
  const topic = accessTopic(access)
  // gc off keeps deleted content, so every version of the document can be rebuilt (history).
  const doc = new Y.Doc({ gc: false })
  const reader = access.canEdit ? null : readerCopy(doc)
  const sharedDoc = reader?.verified ?? doc
  // First, so the stored copy is being read while everything else starts (or, read while the
  // page loaded, is in the doc before anything else observes it: see earlyCopy).
  const copy = options.storage(topic, sharedDoc)
  const awareness = new Awareness(doc)
  let user = options.user
  awareness.setLocalStateField('user', user)

  const listeners = new Set<() => void>()
  let status: SessionStatus = { ...INITIAL_STATUS, webrtc: options.rtc === null ? 'missing' : 'available' }
  const setStatus = (patch: Partial<SessionStatus>): void => {
    const next = { ...status, ...patch }
    if (sameStatus(next, status)) return
    status = next
    for (const listener of listeners) listener()
  }

  let destroyed = false
  const disposables: (() => void)[] = [guardPresence(awareness)]
  const alwaysOn = new AlwaysOnClaims(awareness, signing && { topic, verifyKey: signing.verifyKey, signingKey: signing.signingKey })
  disposables.push(() => alwaysOn.destroy())
  const publishOwnCommentKey = (): void => {
    if (!access.canEdit || !signing?.commentSigning) return
    void signing.commentSigning.publicKey.then(
      (publicKey) => destroyed || publishCommentKey(doc, toBase64Url(publicKey)),
      () => {},
    )
  }
  const removal =
    signing === null || options.device === undefined
      ? null
      : sessionRemoval({
          topic,
          canEdit: access.canEdit,
          signing,
          doc,
          awareness,
          identity: options.device,
          isAlwaysOn: (clientId) => alwaysOn.isAlwaysOn(clientId),
          onAlwaysOnChange: (listener) => alwaysOn.onChange(listener),
          afterAdopt: publishOwnCommentKey,
          followed: options.followedMoves,
        })
  disposables.push(() => removal?.destroy())
  const keeper = options.library ? new LibraryEntryKeeper({ secret, topic, doc }, options.library) : null
  disposables.push(() => keeper?.destroy())

  disposables.push(copy.onChange(() => setStatus({ storage: copy.state, storageError: copy.error })))
  setStatus({ storage: copy.state, storageError: copy.error })


  const network = new RoomNetwork({
    topic,
    password: accessPassword(access),
    doc: sharedDoc,
    awareness,
    // A reader's signed log lives with its copy, so it can serve newcomers after a reload.
    signed: signing === null ? undefined : { ...signing, logStore: copy.signedLog },
    signaling: options.signaling,
    iceServers: options.iceServers,
    maxConns: options.maxConns,
    relayRule: options.relayRule,
    rtc: options.rtc,
    encryptionKey: options.encryptionKey,
    announcedAhead: options.announcedAhead,
    ready: options.iceServerSource?.whenAnswered,
    onChange: () => {
      setStatus(network.state)
      keeper?.setPeers(network.state.peers)
    },
    onPeersDown: (peerIds) => forgetPeers(awareness, peerIds),
  })
  disposables.push(() => network.destroy())
  // ICE servers from the page's server, applied to every connection started after they arrive.
  const source = options.iceServerSource
  if (source !== undefined) {
    const apply = (): void => network.setIceServers(source.current)
    apply()
    disposables.push(source.onChange(apply))
  }

  // History: a version whenever this peer's own editing pauses (see AutoVersioner).
  const versioner = new AutoVersioner(doc, { name: () => user.name, authors: () => authorsSinceLastVersion(doc, awareness, user.name) })
  disposables.push(() => versioner.destroy())

  if (options.lifecycle) {
    disposables.push(
      options.lifecycle.onHide(() => {
        removeAwarenessStates(awareness, [doc.clientID], 'page hide')
        keeper?.flush()
      }),
      options.lifecycle.onRestore(() => {
        const device = removal?.presenceField()
        awareness.setLocalState({ user, ...network.presence(), ...(device ? { [DEVICE_FIELD]: device } : {}) })
      }),
    )
  }

  const whenLocalLoaded = copy.whenLoaded.then(() => {
    if (destroyed) return
    // A reader writes nothing, not even the schema version.
    if (access.canEdit) ensureSchemaVersion(doc)
    // Readers check comment-link holders' comments with the key a writer published.
    publishOwnCommentKey()
    if (access.canEdit) removal?.markLoaded()
    keeper?.markLoaded()
  })

  let markClosed = (): void => {}
  const closed = new Promise<void>((resolve) => (markClosed = resolve))

  return {
    secret,
    topic,
    access: {
      version: access.version,
      canEdit: access.canEdit,
      canComment: access.canEdit || (access.version === 2 && access.commentSeed !== null),
      readFragment: signing?.readFragment ?? null,
      commentFragment: signing?.commentFragment ?? null,
    },
    doc,
    text: docText(doc),
    meta: docMetaMap(doc),
    commentDoc: sharedDoc,
    awareness,
    alwaysOn,
    removal,
    whenLocalLoaded,
    closed,
    get status() {
      return status
    },
    onStatus(listener) {
      if (destroyed) return () => {}
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    setUser(next) {
      user = next
      if (!destroyed) awareness.setLocalStateField('user', next)
    },
    peerPaths: () => network.peerPaths(),
    debug: () => ({ topic, ...network.debug() }),
    destroy() {
      if (destroyed) return
      destroyed = true
      listeners.clear()
      // In reverse order of creation: the keeper and the network stop observing the doc
      // before the copy writes what is pending and the doc goes.
      for (const dispose of disposables.reverse()) dispose()
      const copyClosed = copy.destroy()
      awareness.destroy()
      doc.destroy()
      void copyClosed.finally(() => reader?.destroy())
      void copyClosed.then(markClosed, markClosed)
    },
  }
}

import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { WebrtcImplementation } from './chunkingRtc'
import type { RelayRule } from './gossip/relayRule'
import type { PeerPathInfo } from './readPeerPath'
import type { PathSummary } from './PeerPaths'
import type { SignalingState } from './signalingState'
import type { SignedRoomKeys } from './signed/SignedRoom'

/** What the network part of a session's status says. */
export interface NetworkState {
  readonly signaling: SignalingState
  /** Peers with an open WebRTC data channel, or a link through the server's relay. */
  readonly peers: number
  /** Of those, the peers whose sync exchange completed (see `MessageLayer.isSynced`). */
  readonly syncedPeers: number
  /** Other tabs of this browser, synced over BroadcastChannel. */
  readonly tabs: number
  /** How the peers are reached (direct, relay, …); a new object only when it changes. */
  readonly paths: PathSummary
  /** Updates from peers dropped for want of a valid signature (v2 rooms; 0 in v1 rooms). */
  readonly ignoredChanges: number
  /** The signaling server said its relay of last resort is off (see `ServerRelay`). */
  readonly serverRelayOff: boolean
}

export interface RoomNetworkOptions {
  /** The room's name on the wire (its topic), and y-webrtc's room name. */
  readonly topic: string
  /** y-webrtc's `password`: signaling payloads and BroadcastChannel traffic are encrypted with it. */
  readonly password: string
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly signaling: readonly string[]
  readonly iceServers?: readonly RTCIceServer[]
  /** simple-peer's `wrtc`: the WebRTC classes to use (the chunking transport over the platform's). */
  readonly rtc: WebrtcImplementation | null
  /** Called after every change of {@link RoomNetwork.state}. */
  readonly onChange: () => void
  /**
   * y-webrtc's `maxConns` (default: 20 + a random 0–14). Tests set it low to make a room of a
   * few peers a partial mesh.
   */
  readonly maxConns?: number
  /** The relay rule past a full mesh, read at every update (tests and benchmarks only, see `relayRule.ts`); default `weighted`. */
  readonly relayRule?: () => RelayRule
  /** A direct link to these peers went down (closed, or ICE reported it down). */
  readonly onPeersDown: (peerIds: readonly string[]) => void
  /**
   * A v2 room's keys: the document then goes only through the signed sync (see `SignedRoom`);
   * absent in a v1 room, where y-webrtc syncs it and nothing is signed.
   */
  readonly signed?: SignedRoomKeys
  /**
   * The room's encryption key, derived ahead of the provider (the page's early script derives it
   * while the app loads); null when that failed. Absent or null: derived from `password` as
   * y-webrtc derives it. Never resolves to a key of another room: the caller checks that it
   * was derived from this room's link.
   */
  readonly encryptionKey?: PromiseLike<CryptoKey | null>
  /**
   * The room meets peers (opens y-webrtc's room: subscribe, announce) once this settles: the
   * first answer of the page's ICE servers (see `IceServerSource.whenAnswered`). Absent: at once.
   */
  readonly ready?: PromiseLike<unknown>
  /**
   * This peer's announce in the room, sent before the network existed (the page's early script
   * sends it while the app loads): the room takes its peer id, and calls `release` once it is open,
   * to read what arrived since (the offers of the peers that answered it), or when destroyed first.
   */
  readonly announcedAhead?: AnnouncedAhead
}

/** See `RoomNetworkOptions.announcedAhead`. */
export interface AnnouncedAhead {
  readonly peerId: string
  /** Delivers the messages held since the announce, in order, and holds no more. Idempotent. */
  release(): void
}

/** What a test or a curious person can read off the network of a live session. */
export interface NetworkDebugInfo {
  readonly peerId: string | null
  /** WebRTC peers with an open data channel. */
  readonly webrtcConnected: number
  /** WebRTC peers known, connected or not. */
  readonly webrtcKnown: number
  readonly bcPeers: number
  readonly signalingConnected: number
  /** `performance.now()` when the first WebRTC data channel opened, or null. */
  readonly firstPeerAt: number | null
  /** The path to each peer by y-webrtc peer id (see `readPeerPath.ts`). */
  readonly paths: Readonly<Record<string, PeerPathInfo>>
  /** The ICE servers new connections use now (credentials left out). */
  readonly iceServers: readonly string[]
  /** Messages sent on the data channels of this page or process so far (see `dataChannelSends`). */
  readonly dataChannelSends: number
  /** What other peers sent that was not taken, and links closed for breaking a budget, by reason (see `MessageLayer`). */
  readonly dropped: Readonly<Record<string, number>>
  /** The room's subscriber count on this page's signaling server, as it last said (see `ServerRoomCount`), or null. */
  readonly serverClients: number | null
  /** Peers reached through the server's relay of last resort now (see `ServerRelay`). */
  readonly serverRelayed: readonly string[]
  /** Why the server last refused to relay for this page (`off`: turned off by its operator), or null. */
  readonly serverRelayRefused: string | null
}

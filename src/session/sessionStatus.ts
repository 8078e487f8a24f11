import type { NetworkState } from '../network/RoomNetworkOptions'
import { NO_PATHS } from '../network/PeerPaths'
import type { SignalingState } from '../network/signalingState'
import type { StorageState } from '../storage/localCopy'

export type { SignalingState, StorageState }

/**
 * Whether this browser (or process) has WebRTC at all. `missing`: no `RTCPeerConnection` (Debian's
 * WebKitGTK, some locked-down browsers), so no peer can ever be reached directly from here.
 */
export type WebrtcSupport = 'available' | 'missing'

/** A session's status: its network's (signaling, peers, paths…), its local copy's, and what the browser can do. */
export interface SessionStatus extends NetworkState {
  readonly storage: StorageState
  readonly storageError: string | null
  /** Fixed for a session's life: set from the WebRTC classes it was opened with. */
  readonly webrtc: WebrtcSupport
}

export const INITIAL_STATUS: SessionStatus = {
  signaling: 'connecting',
  peers: 0,
  syncedPeers: 0,
  tabs: 0,
  paths: NO_PATHS,
  ignoredChanges: 0,
  serverRelayOff: false,
  storage: 'loading',
  storageError: null,
  webrtc: 'available',
}

/**
 * Where this copy of the document stands with the others, as a person reads it.
 * - `looking`: no peer yet, the signaling server is still being reached.
 * - `alone`: the signaling server is connected and no peer is in the room.
 * - `offline`: no peer, and no signaling server reachable; edits stay on this device until a
 *   peer is reachable again.
 * - `syncing`: peers are connected, and some still exchange the edits the other side missed.
 * - `synced`: every connected peer has exchanged its missing edits with this copy.
 * - `no-webrtc`: no peer, this browser has no WebRTC, and the server's relay of last resort is
 *   off: it cannot reach anyone; edits stay on this device (and its other tabs). With the relay
 *   on, such a browser reaches others through the server (see `ServerRelay`).
 */
export type SyncState = 'looking' | 'alone' | 'offline' | 'syncing' | 'synced' | 'no-webrtc'

export function syncState(status: SessionStatus): SyncState {
  if (status.peers > 0) return status.syncedPeers >= status.peers ? 'synced' : 'syncing'
  if (status.webrtc === 'missing' && status.serverRelayOff) return 'no-webrtc'
  switch (status.signaling) {
    case 'connected':
      return 'alone'
    case 'connecting':
      return 'looking'
    case 'reconnecting':
    case 'unreachable':
      return 'offline'
  }
}

export function sameStatus(a: SessionStatus, b: SessionStatus): boolean {
  return (Object.keys(a) as (keyof SessionStatus)[]).every((key) => a[key] === b[key])
}

/** Local storage states that flip on every keystroke: "saving", then "saved" once it is written. */
const WRITING = new Set<SessionStatus['storage']>(['saving', 'saved'])

/** Whether `a` and `b` differ at most by such a flip (what a keystroke does to the status). */
export function sameButWriting(a: SessionStatus, b: SessionStatus): boolean {
  return (Object.keys(a) as (keyof SessionStatus)[]).every(
    (key) => a[key] === b[key] || (key === 'storage' && WRITING.has(a.storage) && WRITING.has(b.storage)),
  )
}

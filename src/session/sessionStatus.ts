import { NO_PATHS, type PathSummary } from '../network/PeerPaths'
import type { SignalingState } from '../network/signalingState'
import type { StorageState } from '../storage/localCopy'

export type { SignalingState, StorageState }

export interface SessionStatus {
  readonly signaling: SignalingState
  /** Peers with an open WebRTC data channel. */
  readonly peers: number
  /**
   * Of those, the peers whose sync exchange completed: they sent us every edit they had when the
   * link opened (Yjs sync step 2), and got ours in reply to theirs.
   */
  readonly syncedPeers: number
  /** Other tabs of this browser, synced over BroadcastChannel. */
  readonly tabs: number
  /** How the peers are reached: direct, through a relay, connecting, unreachable (issue 10). */
  readonly paths: PathSummary
  /** Updates from peers dropped for want of a valid signature (v2 rooms); shown, never silent. */
  readonly ignoredChanges: number
  readonly storage: StorageState
  readonly storageError: string | null
}

export const INITIAL_STATUS: SessionStatus = {
  signaling: 'connecting',
  peers: 0,
  syncedPeers: 0,
  tabs: 0,
  paths: NO_PATHS,
  ignoredChanges: 0,
  storage: 'loading',
  storageError: null,
}

/**
 * Where this copy of the document stands with the others, as a person reads it.
 * - `looking`: no peer yet, the signaling server is still being reached.
 * - `alone`: the signaling server is connected and no peer is in the room.
 * - `offline`: no peer, and no signaling server reachable; edits stay on this device until a
 *   peer is reachable again.
 * - `syncing`: peers are connected, and some still exchange the edits the other side missed.
 * - `synced`: every connected peer has exchanged its missing edits with this copy.
 */
export type SyncState = 'looking' | 'alone' | 'offline' | 'syncing' | 'synced'

export function syncState(status: SessionStatus): SyncState {
  if (status.peers > 0) return status.syncedPeers >= status.peers ? 'synced' : 'syncing'
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

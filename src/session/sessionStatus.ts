/**
 * The signaling link, as a person reads it in the status bar.
 * - `connecting`: never connected yet in this session, still trying.
 * - `connected`: at least one signaling server is connected.
 * - `reconnecting`: was connected, lost every server, trying again.
 * - `unreachable`: every server failed {@link UNREACHABLE_AFTER_FAILURES} attempts in a row;
 *   retries go on in the background and the state returns to `connected` when one succeeds.
 */
export type SignalingState = 'connecting' | 'connected' | 'reconnecting' | 'unreachable'

/**
 * Local storage of the document in IndexedDB.
 * - `loading`: the stored document is being read.
 * - `saving`: an edit is not yet committed to IndexedDB.
 * - `saved`: IndexedDB holds every edit this page has seen.
 * - `error`: a write failed (`storageError` says why); edits stay in memory and with peers.
 */
export type StorageState = 'loading' | 'saving' | 'saved' | 'error'

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
  readonly storage: StorageState
  readonly storageError: string | null
}

/** Failed connection attempts (per server, in a row) after which a server counts as unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 3

export const INITIAL_STATUS: SessionStatus = {
  signaling: 'connecting',
  peers: 0,
  syncedPeers: 0,
  tabs: 0,
  storage: 'loading',
  storageError: null,
}

/** What a signaling connection exposes (lib0's WebsocketClient, which y-webrtc's extends). */
export interface SignalingConnState {
  readonly connected: boolean
  readonly unsuccessfulReconnects: number
}

/**
 * Derives the signaling state from the connections. `everConnected` tells `connecting` (first
 * attempts) from `reconnecting` (the link was lost).
 */
export function signalingState(conns: readonly SignalingConnState[], everConnected: boolean): SignalingState {
  if (conns.some((conn) => conn.connected)) return 'connected'
  if (conns.length > 0 && conns.every((conn) => conn.unsuccessfulReconnects >= UNREACHABLE_AFTER_FAILURES)) {
    return 'unreachable'
  }
  return everConnected ? 'reconnecting' : 'connecting'
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

import { syncState, type SessionStatus } from '../../session/sessionStatus'

const peersWord = (n: number): string => (n === 1 ? '1 peer' : `${n} peers`)

/** The status bar's words for each part of a session's status; `keptByAlwaysOn`: see `AlwaysOnCoverage`. */
export function statusText(
  status: SessionStatus,
  keptByAlwaysOn = 0,
): { signaling: string; peers: string; storage: string; ignored: string } {
  const signaling = {
    connecting: 'Connecting to the signaling server…',
    connected: 'Signaling server connected',
    reconnecting: 'Signaling server lost, reconnecting…',
    unreachable: 'Signaling server unreachable',
  }[status.signaling]

  const savedHere = status.storage !== 'error'
  let peers = {
    looking: 'No peers connected',
    alone: 'No peers connected',
    offline: savedHere
      ? 'Offline: edits are saved on this device and will sync when a peer is reachable'
      : 'Offline: edits will sync when a peer is reachable',
    syncing: `${peersWord(status.peers)} connected directly, syncing…`,
    synced: `Synced with ${peersWord(status.peers)}`,
    'no-webrtc':
      'This browser cannot connect to others: it has no WebRTC. To edit together, open the link in a current ' +
      `Firefox, Chrome, Edge or Safari${savedHere ? '; edits made here are saved on this device' : ''}`,
  }[syncState(status)]
  if (status.webrtc === 'missing' && status.peers === 0 && !status.serverRelayOff) peers += ' · this browser has no WebRTC: it reaches others only through the server’s relay (encrypted)'
  if (status.tabs > 0) peers += status.tabs === 1 ? ' · 1 other tab' : ` · ${status.tabs} other tabs`

  const n = status.ignoredChanges
  const ignored = n === 0 ? '' : `Ignored ${n === 1 ? '1 change' : `${n} changes`} from someone without edit rights`

  return { signaling, peers, storage: storageText(status, keptByAlwaysOn), ignored }
}

/** The status bar's words on local storage (see `statusText`). */
export function storageText(status: Pick<SessionStatus, 'storage' | 'storageError'>, keptByAlwaysOn = 0): string {
  const storage = {
    loading: 'Opening the copy on this device…',
    saving: 'Saving on this device…',
    saved: 'Saved on this device',
    error: `Not saved on this device (${status.storageError ?? 'unknown error'}); retrying`,
  }[status.storage]
  // Always-on peer: said only from what the peer published, and only once saved here.
  const alwaysOn = status.storage === 'saved' && keptByAlwaysOn > 0
  const kept = keptByAlwaysOn === 1 ? '1 always-on peer' : `${keptByAlwaysOn} always-on peers`

  return alwaysOn ? `Saved on this device and on ${kept}` : storage
}

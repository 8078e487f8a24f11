import type { SessionStatus } from '../collab/sessionStatus'

/** The status bar's words for each part of a session's status. */
export function statusText(status: SessionStatus): { signaling: string; peers: string; storage: string } {
  const signaling = {
    connecting: 'Connecting to the signaling server…',
    connected: 'Signaling server connected',
    reconnecting: 'Signaling server lost, reconnecting…',
    unreachable: 'Signaling server unreachable',
  }[status.signaling]

  let peers = status.peers === 0 ? 'No peers connected' : status.peers === 1 ? '1 peer connected directly' : `${status.peers} peers connected directly`
  if (status.tabs > 0) peers += status.tabs === 1 ? ' · 1 other tab' : ` · ${status.tabs} other tabs`

  const storage = {
    loading: 'Opening the copy on this device…',
    saving: 'Saving on this device…',
    saved: 'Saved on this device',
    error: `Not saved on this device (${status.storageError ?? 'unknown error'}); retrying`,
  }[status.storage]

  return { signaling, peers, storage }
}

import { removeAwarenessStates, type Awareness } from 'y-protocols/awareness'

/**
 * Removes the presence of the people whose y-webrtc peer id is in `peerIds` (each person's
 * awareness state carries it as `peerId`); never this page's own.
 *
 * A peer that closes its tab removes its own presence (y-webrtc's `beforeunload`, and the
 * session's page-hide handling); one whose browser dies or loses its network would linger for
 * awareness's 30 s timeout. Their presence goes as soon as their link is down instead. Someone
 * still reachable, through another peer in a partial mesh or after ICE recovers, reappears with
 * their next awareness update (at most 15 s).
 */
export function forgetPeers(awareness: Awareness, peerIds: readonly string[]): void {
  const gone: number[] = []
  awareness.getStates().forEach((state, clientId) => {
    if (clientId !== awareness.clientID && peerIds.includes(state.peerId as string)) gone.push(clientId)
  })
  if (gone.length > 0) removeAwarenessStates(awareness, gone, 'peer left')
}

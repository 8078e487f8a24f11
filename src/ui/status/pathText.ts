import type { PathSummary } from '../../network/PeerPaths'
import type { PeerPath } from '../../network/readPeerPath'

/** A person's path in the people list. */
export const PATH_WORDS: Readonly<Record<PeerPath, string>> = {
  connecting: 'connecting…',
  direct: 'direct',
  relay: 'through a relay',
  failed: 'could not connect',
  server: 'through the server (encrypted)',
}

const people = (n: number): string => (n === 1 ? '1 person' : `${n} people`)

/**
 * The status bar's words on how the peers are reached; empty when there is nothing to say. When
 * someone in the room cannot be reached it says so, and what would help.
 */
export function pathText(paths: PathSummary): string {
  const parts: string[] = []
  if (paths.relay > 0) parts.push(`${paths.relay} through a relay (TURN)`)
  if (paths.server > 0) parts.push(`${paths.server} through the server (encrypted)`)
  if ((paths.relay > 0 || paths.server > 0) && paths.direct > 0) parts.unshift(`${paths.direct} direct`)
  if (paths.connecting > 0) parts.push(`connecting to ${paths.connecting}…`)
  if (paths.unreachable > 0) {
    const help = paths.relayProblem
      ? 'The relay (TURN) refused its credentials or did not answer: ask the server operator to check TURN_URLS and TURN_SECRET.'
      : paths.turnConfigured
        ? 'Not even through the relay: a firewall may block the TURN server; ask the server operator to offer TURN over TCP or TLS (turns:).'
        : 'No network path works between you (different networks, no relay): ask the server operator to configure a TURN relay (TURN_URLS).'
    parts.push(`Cannot reach ${people(paths.unreachable)} in the room. ${help}`)
  }
  return parts.join(' · ')
}

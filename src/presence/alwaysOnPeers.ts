import type { Awareness } from 'y-protocols/awareness'
import { ALWAYS_ON_FIELD, parseStoredState, type StoredState } from './storedState'

/** An always-on peer in the room, as its presence describes it. */
export interface AlwaysOnPeer {
  readonly clientId: number
  /** What it has durably written, or null until it has published a valid summary. */
  readonly stored: StoredState | null
}

/**
 * Whether an awareness state is an always-on peer's: it carries the `alwaysOn` field (an object).
 * Another peer's state is hostile input: anything malformed counts as no summary.
 */
export function isAlwaysOnState(state: unknown): boolean {
  if (typeof state !== 'object' || state === null) return false
  const field = (state as Record<string, unknown>)[ALWAYS_ON_FIELD]
  return typeof field === 'object' && field !== null
}

/** The always-on peers among the other clients of `awareness`, by client id. */
export function alwaysOnPeers(awareness: Awareness): AlwaysOnPeer[] {
  const peers: AlwaysOnPeer[] = []
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID || !isAlwaysOnState(state)) return
    peers.push({ clientId, stored: parseStoredState((state as Record<string, unknown>)[ALWAYS_ON_FIELD]) })
  })
  return peers.sort((a, b) => a.clientId - b.clientId)
}

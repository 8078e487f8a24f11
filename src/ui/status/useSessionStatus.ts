import { useCallback, useSyncExternalStore } from 'react'
import type { Session } from '../../session/openSession'
import type { SessionStatus } from '../../session/sessionStatus'

/** The live status of a session (signaling, peers, local storage). */
export function useSessionStatus(session: Session): SessionStatus {
  const subscribe = useCallback((onChange: () => void) => session.onStatus(onChange), [session])
  return useSyncExternalStore(subscribe, () => session.status)
}

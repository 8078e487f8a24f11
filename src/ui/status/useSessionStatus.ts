import { useCallback, useRef, useSyncExternalStore } from 'react'
import type { Session } from '../../session/openSession'
import { sameButWriting, type SessionStatus } from '../../session/sessionStatus'

/**
 * The live status of a session (signaling, peers, local storage), except that a flip between
 * "saving" and "saved" alone keeps the last snapshot (so its `storage` may be either of the two):
 * the `StorageStatus` span shows those without a render.
 */
export function useSessionStatus(session: Session): SessionStatus {
  const last = useRef<SessionStatus | null>(null)
  const subscribe = useCallback((onChange: () => void) => session.onStatus(onChange), [session])
  const snapshot = useCallback((): SessionStatus => {
    const now = session.status
    const previous = last.current
    if (previous !== null && sameButWriting(previous, now)) return previous
    last.current = now
    return now
  }, [session])
  return useSyncExternalStore(subscribe, snapshot)
}

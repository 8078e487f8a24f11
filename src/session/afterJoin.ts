import type { Session } from './openSession'

/** What of the session is read. */
type JoiningSession = Pick<Session, 'status' | 'onStatus'>

/**
 * The longest `afterJoin` waits: a page alone in its room, or whose join stalls, goes on then.
 * Past a first visit's longest wait for its first peer on an idle machine (`SHOW_WAIT_MS`), short
 * enough that a page alone does not go long without what waits for it.
 */
export const JOIN_WAIT_MS = 2_000

/**
 * Resolves once `session`'s join is over: a peer's copy is in (a synced peer), the signaling
 * server is unreachable (nobody will answer), or `maxMs` passed, whichever comes first; its
 * listener and timer are removed then. For work the page can do later (reading the device's keys
 * from IndexedDB, making them on a first visit, signing): done meanwhile, it would take the main
 * thread from the signaling and WebRTC handshake, whose every step waits for it.
 */
export function afterJoin(session: JoiningSession, maxMs: number = JOIN_WAIT_MS): Promise<void> {
  return new Promise((resolve) => {
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      stopListening()
      resolve()
    }
    const check = (): void => {
      const { syncedPeers, signaling } = session.status
      if (syncedPeers > 0 || signaling === 'unreachable') finish()
    }
    const timer = setTimeout(finish, maxMs)
    const stopListening = session.onStatus(check)
    check()
  })
}

import { useEffect, useRef, useState } from 'react'
import { openSession, type Session } from '../../session/openSession'
import { signalingUrls } from '../../network/signalingUrls'
import type { DocumentLibrary } from '../../library/DocumentLibrary'
import type { UserIdentity } from '../../presence/userIdentity'

declare global {
  interface Window {
    /** The open session, for the console and for end-to-end tests. */
    meshpad?: { session: Session }
  }
}

/**
 * Opens the session of a room for as long as the component is mounted with that room. The
 * session is created in the effect and destroyed in its cleanup, so StrictMode's double mount
 * and room switches each leave exactly one live provider per room.
 */
export function useSession(secret: string, user: UserIdentity, library: DocumentLibrary): Session | null {
  const [session, setSession] = useState<Session | null>(null)
  // NOTE: the identity a new session starts with; changes reach an open one through `setUser`.
  const userRef = useRef(user)
  useEffect(() => {
    userRef.current = user
  }, [user])

  useEffect(() => {
    const opened = openSession(secret, { signaling: signalingUrls(window.location), user: userRef.current, library })
    setSession(opened)
    window.meshpad = { session: opened }
    return () => {
      opened.destroy()
      if (window.meshpad?.session === opened) delete window.meshpad
      setSession(null)
    }
  }, [secret, library])

  useEffect(() => {
    session?.setUser(user)
  }, [session, user])

  return session
}

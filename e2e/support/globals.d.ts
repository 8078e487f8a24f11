import type { Session } from '../../src/session/openSession.js'

declare global {
  interface Window {
    /** Set by the app (src/ui/hooks/useSession.ts) while a session is open. */
    meshpad?: { session: Session }
  }
}

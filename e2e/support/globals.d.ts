import type { Session } from '../../src/session/openSession.js'

declare global {
  interface Window {
    /** Set by the app (src/main.tsx): the workspace's open session. */
    meshpad?: { session: Session }
  }
}

import { openDocumentLibrary } from './library/DocumentLibrary'
import { requireSecureContext } from './network/secureContext'
import { loadUser } from './presence/userIdentity'
import { hashAddress, openBrowserSession } from './session/browserSession'
import type { Session } from './session/openSession'
import { Workspace } from './session/Workspace'
import { localStorageOrNone } from './ui/app/localStorageOrNone'

declare global {
  interface Window {
    /** The open session, for the console and for end-to-end tests. */
    meshpad?: { session: Session; workspace: Workspace }
  }
}

// issue 10: on an insecure origin (http on a LAN address) say what is wrong and stop, instead of hanging.
requireSecureContext(window)

// NOTE: this module opens the page's workspace, and with it the session, when it is evaluated. The
// entry module imports it first, so the signaling connection, the room's keys and the local copy
// start before the UI's modules (CodeMirror, Preact) are evaluated, and while the page renders.
// It imports nothing of the UI. One workspace per page, for as long as it lives.

/** The documents stored on this device. */
export const library = openDocumentLibrary()

/** The page's workspace: its open document. */
export const workspace = new Workspace({
  library,
  address: hashAddress(),
  user: loadUser(localStorageOrNone()),
  openSession: (secret, user) => openBrowserSession(secret, user, library),
})

const publish = (): void => {
  window.meshpad = { session: workspace.session, workspace }
}
publish()
workspace.subscribe(publish)

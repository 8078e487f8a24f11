import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { openDocumentLibrary } from './library/DocumentLibrary'
import { loadUser } from './presence/userIdentity'
import { hashAddress, openBrowserSession } from './session/browserSession'
import type { Session } from './session/openSession'
import { Workspace } from './session/Workspace'
import { App } from './ui/app/App'
import { localStorageOrNone } from './ui/app/localStorageOrNone'
import './ui/app/app.css'
import { requireSecureContext, showInsecureContextProblem } from './network/secureContext'
import { roomLinkProblem } from './room/roomLinkProblem'
import { roomSecretFromHash } from './room/roomLink'

// issue 10: on an insecure origin (http on a LAN address) say what is wrong and stop, instead of hanging.
requireSecureContext(window)

// NOTE: a damaged e1./r1. link stops the page before anything is opened or stored (not even the
// library's database); a corrected address reloads it.
const linkProblem = roomLinkProblem(roomSecretFromHash(window.location.hash) ?? '')
if (linkProblem !== null) {
  showInsecureContextProblem(document.getElementById('root') ?? document.body, linkProblem, 'link-problem')
  window.addEventListener('hashchange', () => window.location.reload())
  throw new Error(`${linkProblem.title}: ${linkProblem.explanation}`)
}

declare global {
  interface Window {
    /** The open session, for the console and for end-to-end tests. */
    meshpad?: { session: Session; workspace: Workspace }
  }
}

// NOTE: the session opens here, before React renders, so the signaling connection and the local
// copy start while the rest of the page is built. One workspace per page, for as long as it lives.
const library = openDocumentLibrary()
const workspace = new Workspace({
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

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App workspace={workspace} library={library} />
  </StrictMode>,
)

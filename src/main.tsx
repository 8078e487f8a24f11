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
import { isDamagedV2Link } from './room/roomAccess'
import { roomSecretFromHash } from './room/roomLink'

// issue 10: on an insecure origin (http on a LAN address) say what is wrong and stop, instead of hanging.
requireSecureContext(window)

declare global {
  interface Window {
    /** The open session, for the console and for end-to-end tests. */
    meshpad?: { session: Session; workspace: Workspace }
  }
}

// NOTE: a damaged e1./r1. link stops the page before anything is opened or stored (not even the
// library's database); a corrected address reloads it. The words load on demand; this module must
// not throw here, or that import (which needs this chunk) would fail with it.
const fragment = roomSecretFromHash(window.location.hash) ?? ''
if (isDamagedV2Link(fragment)) {
  window.addEventListener('hashchange', () => window.location.reload())
  void import('./room/roomLinkProblem').then(({ roomLinkProblem }) => {
    const problem = roomLinkProblem(fragment)
    if (problem !== null) showInsecureContextProblem(document.getElementById('root') ?? document.body, problem, 'link-problem')
  })
} else {
  start()
}

function start(): void {
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
}

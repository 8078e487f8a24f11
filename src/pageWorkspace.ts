import { openDocumentLibrary, type DocumentLibrary } from './library/DocumentLibrary'
import { storedTopics, type StoredTopics } from './library/storedTopics'
import { loadUser } from './presence/userIdentity'
import { isDamagedV2Link } from './room/roomAccess'
import { roomSecretFromHash } from './room/roomLink'
import { hashAddress, openBrowserSession } from './session/browserSession'
import { dropEarlySignaling } from './session/earlySignaling'
import type { Session } from './session/openSession'
import { Workspace } from './session/Workspace'
import { requireSecureContext, showPageProblem } from './showPageProblem'
import { localStorageOrNone } from './ui/app/localStorageOrNone'

declare global {
  interface Window {
    /** The open session, for the console and for end-to-end tests. */
    meshpad?: { session: Session; workspace: Workspace }
  }
}

/** What the page works on: its workspace (the open document) and the documents on this device. */
export interface PageWorkspace {
  readonly workspace: Workspace
  readonly library: DocumentLibrary
  /** Which documents this browser holds (a hint, see `StoredTopics`). */
  readonly storedTopics: StoredTopics
}

// This module opens the page's workspace, and with it the session, when it is evaluated. The
// entry module imports it first, so the signaling connection, the room's keys and the local copy
// start before the UI's modules (CodeMirror, React) are loaded, and while the page renders.
// It imports nothing of the UI. One workspace per page, for as long as it lives.

function openPageWorkspace(): PageWorkspace {
  const topics = storedTopics(localStorageOrNone())
  const library = openDocumentLibrary(undefined, topics)
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
  return { workspace, library, storedTopics: topics }
}

/**
 * A damaged e1./r1. link stops the page before anything is opened or stored (not even the
 * library's database); a corrected address reloads it. The words load on demand. Nothing
 * here may throw, or that import (which needs this chunk) would fail with it.
 */
function showDamagedLink(fragment: string): null {
  dropEarlySignaling()
  window.addEventListener('hashchange', () => window.location.reload())
  void import('./room/roomLinkProblem').then(({ roomLinkProblem }) => {
    const problem = roomLinkProblem(fragment)
    if (problem !== null) showPageProblem(document.getElementById('root') ?? document.body, problem, 'link-problem')
  })
  return null
}

// On an insecure origin (http on a LAN address) say what is wrong and stop, instead of hanging.
requireSecureContext(window)

const fragment = roomSecretFromHash(window.location.hash) ?? ''

/** The page's workspace, or null when its link is damaged (the page says what is wrong instead). */
export const pageWorkspace: PageWorkspace | null = isDamagedV2Link(fragment) ? showDamagedLink(fragment) : openPageWorkspace()

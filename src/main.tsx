// NOTE: first, so that the session opens before the UI's modules are evaluated (see pageWorkspace).
import { pageWorkspace } from './pageWorkspace'
import { whenWorthShowing } from './session/whenWorthShowing'
import { mountApp } from './ui/app/mountApp'

if (pageWorkspace !== null) {
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root element')
  const { workspace, library, storedTopics } = pageWorkspace
  // NOTE: a first visit to a shared link (a document this browser does not hold) renders once the
  // document is in: the join's signaling and WebRTC handshake run before the UI's first render.
  whenWorthShowing(workspace, (topic) => storedTopics.has(topic), () => mountApp(root, workspace, library))
}

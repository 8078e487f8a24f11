import { loadUi } from './loadUi'
import { pageWorkspace } from './pageWorkspace'
import { whenWorthShowing } from './session/whenWorthShowing'

// The entry imports this module after the page's workspace, and it waits (top-level await) until
// the document is worth showing (see `whenWorthShowing`): the entry mounts the UI then. A page
// that will show its document without waiting for a peer (a new document, or one this browser
// holds) loads the UI's chunks meanwhile; a first visit to a shared link loads them only once its
// document is worth showing, so their download and compilation do not share the main thread with
// the join. By the modules' semantics only the entry waits, which is all correctness needs.
if (pageWorkspace !== null) {
  const { workspace, storedTopics } = pageWorkspace
  if (workspace.startedNew || storedTopics.has(workspace.session.topic)) void loadUi()
  await new Promise<void>((resolve) => whenWorthShowing(workspace, (topic) => storedTopics.has(topic), resolve))
}

import { pageWorkspace } from './pageWorkspace'
import { whenWorthShowing } from './session/whenWorthShowing'

// NOTE: the entry imports this module after the page's workspace and before the UI, and it waits
// (top-level await) until the document is worth showing (see `whenWorthShowing`), so the UI is
// built then. In the build, the one chunk holds the modules in that order and this await holds
// back every module after it, the UI's libraries included: on a first visit to a shared link their
// evaluation (tens of ms) then comes after the room has met its first peer, not before it. By the
// modules' semantics only the entry waits, which is all correctness needs.
if (pageWorkspace !== null) {
  const { workspace, storedTopics } = pageWorkspace
  await new Promise<void>((resolve) => whenWorthShowing(workspace, (topic) => storedTopics.has(topic), resolve))
}

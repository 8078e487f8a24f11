// In this order: the session opens before anything else is evaluated (see pageWorkspace), and the
// UI, a chunk of its own (see loadUi), is mounted once the document is worth showing (see
// untilWorthShowing, whose top-level await holds back the rest of this module).
import { pageWorkspace } from './pageWorkspace'
import './untilWorthShowing'
import { loadUi } from './loadUi'

if (pageWorkspace !== null) {
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root element')
  const { workspace, library } = pageWorkspace
  // Not awaited here: the UI's chunks wait for this module to finish evaluating.
  loadUi().then(
    ({ mountApp }) => mountApp(root, workspace, library),
    (error: unknown) => {
      // The page must not stay blank: say what failed and what helps. The session keeps the copy.
      const message = document.createElement('p')
      message.setAttribute('role', 'alert')
      message.textContent = `Meshpad could not load its editor (${String(error)}). Your document is kept in this browser: reload the page to try again.`
      root.replaceChildren(message)
    },
  )
}

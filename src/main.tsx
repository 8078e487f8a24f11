// NOTE: in this order: the session opens before the UI's modules are evaluated (see pageWorkspace),
// and the UI is built once the document is worth showing (see untilWorthShowing).
import { pageWorkspace } from './pageWorkspace'
import './untilWorthShowing'
import { mountApp } from './ui/app/mountApp'

if (pageWorkspace !== null) {
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root element')
  mountApp(root, pageWorkspace.workspace, pageWorkspace.library)
}

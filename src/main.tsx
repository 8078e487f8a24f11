// NOTE: first, so that the session opens before the UI's modules are evaluated (see pageWorkspace).
import { pageWorkspace } from './pageWorkspace'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/app/App'
import './ui/app/app.css'

if (pageWorkspace !== null) {
  const root = document.getElementById('root')
  if (root === null) throw new Error('index.html has no #root element')
  createRoot(root).render(
    <StrictMode>
      <App workspace={pageWorkspace.workspace} library={pageWorkspace.library} />
    </StrictMode>,
  )
}

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { openDocumentRegistry } from './collab/documentRegistry'
import { App } from './ui/App'
import { ensureRoomInUrl } from './ui/hooks/useRoomSecret'
import './ui/app.css'

ensureRoomInUrl()
// NOTE: one per page, for as long as the page lives.
const registry = openDocumentRegistry()

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App registry={registry} />
  </StrictMode>,
)

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { openDocumentRegistry } from './library/DocumentLibrary'
import { App } from './ui/app/App'
import { ensureRoomInUrl } from './ui/app/useRoomSecret'
import './ui/app/app.css'

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

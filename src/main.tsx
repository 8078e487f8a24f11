import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { openDocumentLibrary } from './library/DocumentLibrary'
import { App } from './ui/app/App'
import { ensureRoomInUrl } from './ui/app/useRoomSecret'
import './ui/app/app.css'

ensureRoomInUrl()
// NOTE: one per page, for as long as the page lives.
const library = openDocumentLibrary()

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App library={library} />
  </StrictMode>,
)

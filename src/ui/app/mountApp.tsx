import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { DocumentLibrary } from '../../library/DocumentLibrary'
import type { Workspace } from '../../session/Workspace'
import { App } from './App'
import './app.css'

/** Renders Meshpad's UI into `root`, in place of what it shows (index.html's placeholder). */
export function mountApp(root: HTMLElement, workspace: Workspace, library: DocumentLibrary): void {
  root.replaceChildren()
  createRoot(root).render(
    <StrictMode>
      <App workspace={workspace} library={library} />
    </StrictMode>,
  )
}

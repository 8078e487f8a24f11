import { syncState, type SessionStatus } from '../collab/sessionStatus'
import { statusText } from './statusText'

/** One line on the connection, the peers and local storage; it informs, it never blocks typing. */
export function StatusBar({ status }: { status: SessionStatus }) {
  const text = statusText(status)
  const sync = syncState(status)
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span data-testid="status-signaling" data-state={status.signaling} className={`signal ${status.signaling}`}>
        {text.signaling}
      </span>
      <span data-testid="status-peers" data-peers={status.peers} data-state={sync} className={`sync ${sync}`}>
        {text.peers}
      </span>
      <span data-testid="status-storage" data-state={status.storage} className={`storage ${status.storage}`}>
        {text.storage}
      </span>
    </footer>
  )
}

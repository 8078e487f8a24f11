import type { Session } from '../../session/openSession'
import { syncState } from '../../session/sessionStatus'
import { useAlwaysOnCoverage } from './useAlwaysOnCoverage'
import { useSessionStatus } from './useSessionStatus'
import { StorageStatus } from './StorageStatus'
import { statusText } from './statusText'
import { pathText } from './pathText'

/**
 * One line on the connection, the peers and local storage; it informs, it never blocks typing.
 *
 * It subscribes to the status itself, so the App does not re-render for it; storage flips
 * "saving" → "saved" on every keystroke, which `StorageStatus` writes without a render at all.
 */
export function StatusBar({ session }: { session: Session }) {
  const status = useSessionStatus(session)
  const coverage = useAlwaysOnCoverage(session)
  const text = statusText(status, coverage.keeping)
  const sync = syncState(status)
  const paths = pathText(status.paths)
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span data-testid="status-signaling" data-state={status.signaling} className={`signal ${status.signaling}`}>
        {text.signaling}
      </span>
      <span data-testid="status-peers" data-peers={status.peers} data-state={sync} className={`sync ${sync}`}>
        {text.peers}
      </span>
      {/* How the peers are reached, and what would help when no path works. */}
      {paths !== '' && (
        <span data-testid="status-paths" data-unreachable={status.paths.unreachable} data-relay={status.paths.relay} className={`paths${status.paths.unreachable > 0 ? ' unreachable' : ''}`}>
          {paths}
        </span>
      )}
      <StorageStatus session={session} keeping={coverage.keeping} />
      {status.ignoredChanges > 0 && (
        <span data-testid="status-ignored" data-ignored={status.ignoredChanges} className="ignored">
          {text.ignored}
        </span>
      )}
    </footer>
  )
}

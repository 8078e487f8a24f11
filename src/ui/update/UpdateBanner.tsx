import { useCallback, useEffect, useRef, useState } from 'react'
import type { Session } from '../../session/openSession'
import { whenSavedLocally } from '../../session/whenSavedLocally'
import { useAppUpdate } from './useAppUpdate'

/**
 * "A new version is available — Reload": a banner that never blocks typing. Reloading waits until
 * this device holds the latest edit, and refuses (saying why) if it cannot.
 */
export function UpdateBanner({ session }: { session: Session }) {
  const update = useAppUpdate()
  const [phase, setPhase] = useState<'idle' | 'saving' | 'unsaved'>('idle')
  const sessionRef = useRef(session)
  useEffect(() => {
    sessionRef.current = session
  }, [session])

  const confirmSaved = useCallback(async () => {
    const current = sessionRef.current
    const saved = current === null || (await whenSavedLocally(current))
    setPhase(saved ? 'saving' : 'unsaved')
    return saved
  }, [])

  if (update.state === 'none') return null
  const onReload = (): void => {
    setPhase('saving')
    void update.reload(confirmSaved)
  }
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>
        {update.state === 'activated' ? 'A new version of Meshpad is active in another tab' : 'A new version is available'}
        {phase === 'unsaved' && ' — not reloading: your latest edits are not saved on this device yet'}
      </span>
      <button type="button" onClick={onReload} disabled={phase === 'saving'}>
        {phase === 'saving' ? 'Reloading…' : 'Reload'}
      </button>
    </div>
  )
}

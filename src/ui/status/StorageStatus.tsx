import { useLayoutEffect, useRef } from 'react'
import type { Session } from '../../session/openSession'
import { storageText } from './statusText'

/**
 * The status bar's word on local storage: "saving" while IndexedDB may lack the latest edit,
 * "saved" once it holds it. That flips twice on every keystroke, in every peer's page, and a React
 * commit per flip (with the selection bookkeeping React does around a focused editor) costs the
 * main thread more than the keystroke's own update; so React renders this span once and the
 * session's status is written into it directly, in the task that changed it: the span never
 * says "saved" before the write is committed. `keeping`: see `useAlwaysOnCoverage`.
 */
export function StorageStatus({ session, keeping }: { session: Session; keeping: number }) {
  const ref = useRef<HTMLSpanElement>(null)
  useLayoutEffect(() => {
    const span = ref.current
    if (span === null) return
    const write = (): void => {
      const { status } = session
      if (span.dataset.state !== status.storage) {
        span.dataset.state = status.storage
        span.className = `storage ${status.storage}`
      }
      const text = storageText(status, keeping)
      if (span.textContent !== text) span.textContent = text
    }
    write()
    return session.onStatus(write)
  }, [session, keeping])
  return <span ref={ref} data-testid="status-storage" data-always-on={keeping} />
}

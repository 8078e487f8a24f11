import type * as Y from 'yjs'
import { whenIdle } from './whenIdle'

/** How long a change may wait for an idle moment before it is handed on anyway. */
export const IDLE_TIMEOUT_MS = 100

/**
 * Calls `onText` with the whole text now, and again after changes (anyone's: local keys, remote
 * peers, undo), coalesced into one call when the page is next idle. It keeps the work of a
 * keystroke to setting a flag, so the frame that shows the key is not delayed.
 */
export function followText(text: Y.Text, onText: (text: string) => void): { destroy(): void } {
  let cancel: (() => void) | null = null
  let destroyed = false
  const flush = (): void => {
    cancel = null
    if (!destroyed) onText(text.toString())
  }
  const onChange = (): void => {
    if (cancel === null && !destroyed) cancel = whenIdle(flush, IDLE_TIMEOUT_MS)
  }
  text.observe(onChange)
  onText(text.toString())
  return {
    destroy() {
      if (destroyed) return
      destroyed = true
      text.unobserve(onChange)
      cancel?.()
    },
  }
}
